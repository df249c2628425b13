using MathNet.Numerics;
using NmrInversion.Engine.Analysis;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using Xunit;
using Xunit.Abstractions;

namespace NmrInversion.Engine.Tests;

public class PeakFinderTests(ITestOutputHelper output)
{
    /// <summary>
    /// An isotropic 2D Gaussian (sd s per axis) cut where it falls below a fraction c of its own maximum keeps the disk
    /// r &lt; R s with R^2 = -2 ln c: its mass is 1 - c and its per-axis sd is s sqrt((2 - R^2 c / (1 - c)) / 2).
    /// </summary>
    private static (double SdRatio, double Mass) TruncatedGaussian2D(double c)
    {
        double r2 = -2 * Math.Log(c);
        return (Math.Sqrt((2 - r2 * c / (1 - c)) / 2), 1 - c);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("H")]
    public void PresetPeaksSitWhereTable1PutsThem(string preset)
    {
        var d = Presets.Create(preset);
        var peaks = PeakFinder.Find(d);
        foreach (var p in peaks) output.WriteLine($"{p.LogMean1:F4} {p.LogMean2:F4} sd {p.LogWidth1:F4} {p.LogWidth2:F4} f {p.Fraction:F4} cells {p.Cells}");
        Assert.Equal(2, peaks.Count);
        var (sd1, sd2) = Presets.LogStandardDeviations(preset);
        var first = peaks.Single(p => p.LogMean1 < -1);   // (-1.30, -2.30), log sd sd1
        var second = peaks.Single(p => p.LogMean1 > -1);  // (-0.60, -1.60), log sd sd2
        Assert.Equal(-1.30, first.LogMean1, 2);
        Assert.Equal(-2.30, first.LogMean2!.Value, 2);
        Assert.Equal(-0.60, second.LogMean1, 2);
        Assert.Equal(-1.60, second.LogMean2!.Value, 2);
        Assert.Equal(Math.Pow(10, -1.30), first.T1!.Value, 3);
        Assert.Equal(Math.Pow(10, -2.30), first.T2!.Value, 4);
        Assert.Equal(10.0, first.Ratio!.Value, 1);
        // Widths and fractions: those of a Gaussian of the preset's log sd cut at 5 % of the map's maximum, i.e. at
        // c = 0.05 max / (this peak's height) of its own height. The smooth peak of H is cut higher (about 25 %).
        double max = peaks.Max(p => p.Height);
        foreach (var (peak, sd) in new[] { (first, sd1), (second, sd2) })
        {
            var (ratio, mass) = TruncatedGaussian2D(0.05 * max / peak.Height);
            Assert.InRange(peak.LogWidth1 / (sd * ratio), 0.95, 1.05);
            Assert.InRange(peak.LogWidth2!.Value / (sd * ratio), 0.95, 1.05);
            Assert.InRange(peak.Fraction, 0.5 * mass - 0.01, 0.5 * mass + 0.01);
        }
    }

    [Fact]
    public void RegionsTouchingAtACornerAreOnePeakAndSeparateRegionsAreTwo()
    {
        var a1 = RelaxationAxis.LogSpaced("T1", 1e-3, 1, 4);   // log10: -3, -2, -1, 0
        var a2 = RelaxationAxis.LogSpaced("T2", 1e-3, 1, 4);
        var v = new double[4, 4];
        v[0, 0] = 1; v[1, 1] = 3;          // diagonal neighbours: one peak
        v[3, 3] = 2;                       // separate
        var peaks = PeakFinder.Find(new Distribution2D(v, a1, a2));
        Assert.Equal(2, peaks.Count);
        var big = peaks[0];
        Assert.Equal(1, big.Index);
        Assert.Equal(2, big.Cells);
        Assert.Equal(4.0 / 6, big.Fraction, 12);
        // Mass-weighted log mean: (1 * -3 + 3 * -2) / 4 = -2.25; sd: sqrt((1 * 0.75^2 + 3 * 0.25^2) / 4) = sqrt(0.1875).
        Assert.Equal(-2.25, big.LogMean1, 12);
        Assert.Equal(Math.Sqrt(0.1875), big.LogWidth1, 12);
        Assert.Equal(Math.Pow(10, -2.25), big.Position1, 12);
        var single = peaks[1];
        Assert.Equal(1.0, single.Position1, 12);
        // One cell of a grid one decade a step: the width floor, one cell's sd, 1 / sqrt(12) decades (not 0).
        Assert.Equal(1 / Math.Sqrt(12), single.LogWidth1, 12);
        Assert.Equal(2.0 / 6, single.Fraction, 12);
        // A threshold above 1/3 of the max drops the small corner cell from the first peak.
        Assert.Equal(1, PeakFinder.Find(new Distribution2D(v, a1, a2), 0.4)[0].Cells);
    }

    [Fact]
    public void OneDimensionalDistributionsHaveNoSecondPosition()
    {
        var d = Distribution2D.FromComponents(new[] { new LognormalComponent(-2, 0.1, 0, 1, 1), new LognormalComponent(-0.5, 0.1, 0, 1, 3) },
            RelaxationAxis.PaperT2(128), RelaxationAxis.Single());
        var peaks = PeakFinder.Find(d);
        Assert.Equal(2, peaks.Count);
        Assert.Equal(-0.5, peaks[0].LogMean1, 2);
        Assert.Null(peaks[0].Position2);
        Assert.Null(peaks[0].Ratio);
        Assert.Equal(peaks[0].Position1, peaks[0].T2);
        // 1D Gaussians cut at c of their height keep erf(sqrt(-ln c)) of their mass: c = 0.05 for the big one, 0.15 for the small one.
        double expected = 3 * SpecialFunctions.Erf(Math.Sqrt(-Math.Log(0.05))) / SpecialFunctions.Erf(Math.Sqrt(-Math.Log(0.15)));
        Assert.InRange(peaks[0].Fraction / peaks[1].Fraction, 0.99 * expected, 1.01 * expected);
    }

    [Fact]
    public void AOneCellPeakIsOneCellWideNotZero()
    {
        // 1D, 33 cells over 4 decades: step 0.125 decades; a single cell anywhere (edges included) is 0.125 / sqrt(12) wide.
        var grid = RelaxationAxis.LogSpaced("T2", 1e-4, 1, 33);
        foreach (int cell in new[] { 0, 16, 32 })
        {
            var v = new double[33, 1];
            v[cell, 0] = 1;
            var peak = Assert.Single(PeakFinder.Find(new Distribution2D(v, grid, RelaxationAxis.Single())));
            Assert.Equal(0.125 / Math.Sqrt(12), peak.LogWidth1, 12);
            Assert.Null(peak.LogWidth2);
            Assert.Equal(1, peak.Cells);
        }
        // 2D, steps of 0.25 and 0.5 decades: each axis gets its own floor.
        var t1 = RelaxationAxis.LogSpaced("T1", 1e-3, 10, 17);
        var t2 = RelaxationAxis.LogSpaced("T2", 1e-4, 1, 9);
        var m = new double[17, 9];
        m[8, 4] = 1;
        var p2 = Assert.Single(PeakFinder.Find(new Distribution2D(m, t1, t2)));
        Assert.Equal(0.25 / Math.Sqrt(12), p2.LogWidth1, 12);
        Assert.Equal(0.5 / Math.Sqrt(12), p2.LogWidth2!.Value, 12);
    }

    [Fact]
    public void TheWidthFloorUsesTheCellsOwnWidthOnAnUnevenGrid()
    {
        // log10 values 0, 0.1, 0.3, 0.6, 1.0: the cell at 0.3 spans half the distance between its neighbours, 0.25.
        var grid = new RelaxationAxis("T2", new[] { 0.0, 0.1, 0.3, 0.6, 1.0 }.Select(l => Math.Pow(10, l)).ToArray());
        var v = new double[5, 1];
        v[2, 0] = 1;
        Assert.Equal(0.25 / Math.Sqrt(12), Assert.Single(PeakFinder.Find(new Distribution2D(v, grid, RelaxationAxis.Single()))).LogWidth1, 12);
        // Two equal cells at 0.3 and 0.6: their sd, 0.15, is above the floor (cell widths 0.25 and 0.35, mean 0.30 / sqrt(12) = 0.087) and is kept.
        v[3, 0] = 1;
        Assert.Equal(0.15, Assert.Single(PeakFinder.Find(new Distribution2D(v, grid, RelaxationAxis.Single()))).LogWidth1, 12);
        // Unequal masses 3:1 at 0.3 and 0.6: sd = 0.3 sqrt(3) / 4 = 0.130, still above the mass-weighted floor 0.275 / sqrt(12) = 0.079.
        v[2, 0] = 3;
        Assert.Equal(0.3 * Math.Sqrt(3) / 4, Assert.Single(PeakFinder.Find(new Distribution2D(v, grid, RelaxationAxis.Single()))).LogWidth1, 12);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.15)]
    public void ABroadLognormalPeakIsAsWideAsItsLogSd(double sd)
    {
        // 241 cells over 6 decades (0.025 decades a cell); the peak in the middle.
        var grid = RelaxationAxis.LogSpaced("T2", 1e-5, 10, 241);
        var d = Distribution2D.FromComponents(new[] { new LognormalComponent(-2, sd, 0, 1) }, grid, RelaxationAxis.Single());
        // Cut at c of its height, a Gaussian keeps |z| < R = sqrt(-2 ln c); its sd is then sd sqrt(1 - 2 R phi(R) / erf(R / sqrt 2)).
        double Truncated(double c)
        {
            double r = Math.Sqrt(-2 * Math.Log(c));
            double phi = Math.Exp(-0.5 * r * r) / Math.Sqrt(2 * Math.PI);
            return sd * Math.Sqrt(1 - 2 * r * phi / SpecialFunctions.Erf(r / Math.Sqrt(2)));
        }
        var peak = Assert.Single(PeakFinder.Find(d));
        output.WriteLine($"sd {sd}: width {peak.LogWidth1:G5} (truncated Gaussian {Truncated(0.05):G5}); at threshold 0.001: {PeakFinder.Find(d, 0.001)[0].LogWidth1:G5}");
        Assert.Equal(-2, peak.LogMean1, 9);
        Assert.InRange(peak.LogWidth1 / Truncated(0.05), 0.98, 1.02);
        // With a low threshold nearly the whole peak counts: its width is the log sd itself, within 1%.
        Assert.InRange(PeakFinder.Find(d, 0.001)[0].LogWidth1 / sd, 0.99, 1.01);
        Assert.False(peak.AtEdge);
    }

    [Fact]
    public void APeakReachingTheTwoOutermostCellsIsAtTheEdge()
    {
        var grid = RelaxationAxis.LogSpaced("T2", 1e-4, 1, 16);
        Distribution2D Cells(params int[] cells)
        {
            var v = new double[16, 1];
            foreach (int c in cells) v[c, 0] = 1;
            return new Distribution2D(v, grid, RelaxationAxis.Single());
        }
        Assert.True(Assert.Single(PeakFinder.Find(Cells(0))).AtEdge);
        Assert.True(Assert.Single(PeakFinder.Find(Cells(1, 2, 3))).AtEdge);
        Assert.False(Assert.Single(PeakFinder.Find(Cells(2, 3, 4))).AtEdge);
        Assert.False(Assert.Single(PeakFinder.Find(Cells(11, 12, 13))).AtEdge);
        Assert.True(Assert.Single(PeakFinder.Find(Cells(12, 13, 14))).AtEdge);
        Assert.True(Assert.Single(PeakFinder.Find(Cells(15))).AtEdge);
        // Two peaks: only the one at the edge says so.
        var two = PeakFinder.Find(Cells(1, 8));
        Assert.Equal(new[] { true, false }, two.OrderBy(p => p.LogMean1).Select(p => p.AtEdge));
        // A cell below the threshold does not make a peak reach the edge.
        var v = new double[16, 1];
        v[1, 0] = 0.04; v[2, 0] = 1; v[3, 0] = 1;
        var p = Assert.Single(PeakFinder.Find(new Distribution2D(v, grid, RelaxationAxis.Single())));
        Assert.False(p.AtEdge);
        Assert.True(Assert.Single(PeakFinder.Find(new Distribution2D(v, grid, RelaxationAxis.Single()), 0.03)).AtEdge);
    }

    [Fact]
    public void A2DPeakIsAtTheEdgeWhenItReachesTheOutermostCellsOfEitherAxis()
    {
        var t1 = RelaxationAxis.LogSpaced("T1", 1e-3, 10, 16);
        var t2 = RelaxationAxis.LogSpaced("T2", 1e-4, 1, 16);
        bool AtEdge(int i, int j)
        {
            var v = new double[16, 16];
            v[i, j] = 1; v[i, Math.Min(j + 1, 15)] = 1;
            return Assert.Single(PeakFinder.Find(new Distribution2D(v, t1, t2))).AtEdge;
        }
        Assert.False(AtEdge(8, 8));
        Assert.True(AtEdge(1, 8));
        Assert.True(AtEdge(14, 8));
        Assert.True(AtEdge(8, 0));
        Assert.True(AtEdge(8, 13)); // reaches cell 14
        Assert.False(AtEdge(8, 12)); // reaches cell 13
        // A lognormal peak in the middle of a preset's grid is not; the same peak moved to the grid's end is.
        Assert.False(Assert.Single(PeakFinder.Find(Distribution2D.FromComponents(new[] { new LognormalComponent(-1, 0.1, -2, 0.1) }, t1, t2))).AtEdge);
        Assert.True(Assert.Single(PeakFinder.Find(Distribution2D.FromComponents(new[] { new LognormalComponent(1, 0.1, -2, 0.1) }, t1, t2))).AtEdge);
    }

    [Fact]
    public void AGridOfFourCellsOrFewerHasNoEdgeCells()
    {
        // With 2 x 2 edge cells there is no inside: such an axis is not judged (as ResultDiagnostics.EdgeMass does).
        var a = RelaxationAxis.LogSpaced("T1", 1e-3, 1, 4);
        var b = RelaxationAxis.LogSpaced("T2", 1e-3, 1, 4);
        var v = new double[4, 4];
        v[0, 0] = 1;
        Assert.False(Assert.Single(PeakFinder.Find(new Distribution2D(v, a, b))).AtEdge);
    }

    [Fact]
    public void ThresholdOutsideZeroOneIsRefused()
    {
        var e = Assert.Throws<NmrInputException>(() => PeakFinder.Find(Presets.Create("A"), 1.5));
        Assert.Equal("ThresholdInvalid", e.ErrorId);
    }
    [Fact]
    public void TheT2ProjectionOfAPresetHasItsTwoPeaksAtTheTable1T2MeansWithHalfTheMassEach()
    {
        var map = Presets.Create("A");
        var t2 = map.ProjectionOnto("t2");
        Assert.Equal(1, t2.Dimensions);
        Assert.Same(map.Axis2, t2.Axis1);
        Assert.Equal(map.Projection2(), t2.Projection1());
        Assert.Same(t2, t2.ProjectionOnto("T2"));
        var peaks = PeakFinder.Find(t2).OrderBy(p => p.LogMean1).ToArray();
        Assert.Equal(2, peaks.Length);
        // Lognormal peaks (sd 0.05 decades) 0.7 decades apart: each holds half the mass and its log mean is the table's.
        Assert.Equal(-2.30, peaks[0].LogMean1, 0.01);
        Assert.Equal(-1.60, peaks[1].LogMean1, 0.01);
        Assert.All(peaks, p => Assert.Equal(0.5, p.Fraction, 0.01));
        Assert.All(peaks, p => Assert.Null(p.Position2));
        var t1 = PeakFinder.Find(map.ProjectionOnto("T1")).OrderBy(p => p.LogMean1).ToArray();
        Assert.Equal(-1.30, t1[0].LogMean1, 0.01);
        Assert.Equal(-0.60, t1[1].LogMean1, 0.01);
    }

    [Fact]
    public void AProjectionOntoAnAxisTheMapDoesNotHaveIsRefused()
    {
        var e = Assert.Throws<NmrInputException>(() => Presets.Create("B").ProjectionOnto("D"));
        Assert.Equal("ProjectionAxisUnknown", e.ErrorId);
        Assert.Contains("T1 and T2", e.Message);
    }
}
