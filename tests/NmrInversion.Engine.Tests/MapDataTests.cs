using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Plotting;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class MapDataTests
{
    [Fact]
    public void CellEdgesLieHalfAStepBeyondTheEndPoints()
    {
        var e = MapData.CellEdges(RelaxationAxis.PaperT1());
        double h = 4.0 / 63;
        Assert.Equal(-3 - h / 2, e.Minimum, 12);
        Assert.Equal(1 + h / 2, e.Maximum, 12);
        Assert.Equal(4 + h, e.Span, 12);
    }

    [Fact]
    public void ProjectionsAreTheSumsOverTheOtherAxis()
    {
        var d = Presets.Create("H", RelaxationAxis.PaperT1(16), RelaxationAxis.PaperT2(12));
        var map = MapData.From(d);
        var v = d.Values;
        for (int i = 0; i < 16; i++)
        {
            double s = 0;
            for (int j = 0; j < 12; j++) s += v[i, j];
            Assert.Equal(s, map.Projection1[i], 14);
        }
        for (int j = 0; j < 12; j++)
        {
            double s = 0;
            for (int i = 0; i < 16; i++) s += v[i, j];
            Assert.Equal(s, map.Projection2[j], 14);
        }
        Assert.Equal(1.0, map.Projection1.Sum(), 12);
    }

    [Fact]
    public void ProjectionPeaksSitAtThePresetsLogMeans()
    {
        // Preset A: sharp peaks at log10 T1 = -1.30 and -0.60, log10 T2 = -2.30 and -1.60 (equal weights).
        var map = MapData.From(Presets.Create("A"));
        double step1 = 4.0 / 63, step2 = 4.0 / 63;
        var peaks1 = LocalMaxima(map.Projection1).Select(i => map.Log10Points1[i]).ToArray();
        var peaks2 = LocalMaxima(map.Projection2).Select(i => map.Log10Points2[i]).ToArray();
        Assert.Equal(2, peaks1.Length);
        Assert.Equal(2, peaks2.Length);
        Assert.InRange(Math.Abs(peaks1[0] - -1.30), 0, step1 / 2 + 1e-9);
        Assert.InRange(Math.Abs(peaks1[1] - -0.60), 0, step1 / 2 + 1e-9);
        Assert.InRange(Math.Abs(peaks2[0] - -2.30), 0, step2 / 2 + 1e-9);
        Assert.InRange(Math.Abs(peaks2[1] - -1.60), 0, step2 / 2 + 1e-9);
    }

    private static IEnumerable<int> LocalMaxima(double[] p)
    {
        double max = p.Max();
        for (int i = 1; i < p.Length - 1; i++)
            if (p[i] > p[i - 1] && p[i] >= p[i + 1] && p[i] > 0.1 * max) yield return i;
    }

    [Fact]
    public void RowsTopDownPutsTheLargestFirstAxisValueInRowZero()
    {
        var d = Presets.Create("H", RelaxationAxis.PaperT1(8), RelaxationAxis.PaperT2(5));
        var map = MapData.From(d);
        var r = map.RowsTopDown();
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 5; j++)
                Assert.Equal(d.Values[i, j], r[7 - i, j]);
    }

    [Fact]
    public void TicksAndLabelsFollowTheAxes()
    {
        var map = MapData.From(Presets.Create("C"));
        Assert.Equal("T1 (s)", map.Label1);
        Assert.Equal("T2 (s)", map.Label2);
        Assert.Equal(new double[] { -3, -2, -1, 0, 1 }, map.Ticks1.Where(t => t.IsMajor).Select(t => t.Position));
        Assert.Equal(new double[] { -4, -3, -2, -1, 0 }, map.Ticks2.Where(t => t.IsMajor).Select(t => t.Position));
        Assert.Equal("D (m²/s)", AxisLabels.Of(RelaxationAxis.DefaultD()));
    }

    [Fact]
    public void OneDimensionalDistributionsHaveOnlyTheFirstAxis()
    {
        var d = new Distribution2D(new double[,] { { 1 }, { 3 }, { 1 } }, RelaxationAxis.LogSpaced("T2", 1e-3, 1e-1, 3), RelaxationAxis.Single());
        var map = MapData.From(d);
        Assert.True(map.IsOneDimensional);
        Assert.Equal(new[] { 0.2, 0.6, 0.2 }, map.Projection1.Select(x => Math.Round(x, 12)));
        Assert.Empty(map.Ticks2);
        Assert.Equal(-3.5, map.Edges1.Minimum, 12);
    }

    [Fact]
    public void AxesThatAreNotLogSpacedAreRefused()
    {
        var axis = new RelaxationAxis("T2", new[] { 1e-3, 2e-3, 1e-2, 1e-1 });
        var d = new Distribution2D(new double[4, 4], axis, axis);
        var e = Assert.Throws<NmrInputException>(() => MapData.From(d));
        Assert.Equal("PlotAxisNotLogSpaced", e.ErrorId);
        Assert.Equal(InputProblem.Data, e.Problem);
    }
}
