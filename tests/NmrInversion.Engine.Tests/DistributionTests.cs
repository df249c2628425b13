using NmrInversion.Engine;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class DistributionTests
{
    public static IEnumerable<object[]> PresetNames => Presets.Names.Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void PresetIsUnitSumAndNonNegative(string preset)
    {
        var d = Presets.Create(preset);
        Assert.Equal(1.0, d.Sum, 12);
        Assert.All(d.Values.Cast<double>(), v => Assert.True(v >= 0));
        Assert.Equal(1.0, d.Projection1().Sum(), 12);
        Assert.Equal(1.0, d.Projection2().Sum(), 12);
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void PresetPeaksLieWhereTable1PutsThem(string preset)
    {
        var d = Presets.Create(preset);
        double cell1 = Math.Log10(d.Axis1[1] / d.Axis1[0]);
        double cell2 = Math.Log10(d.Axis2[1] / d.Axis2[0]);
        foreach (var (t1, t2) in Presets.PeakLogMeans)
        {
            // local maximum of the map within the peak's neighbourhood
            int i0 = Nearest(d.Axis1, t1), j0 = Nearest(d.Axis2, t2);
            int bi = i0, bj = j0;
            for (int i = i0 - 3; i <= i0 + 3; i++)
                for (int j = j0 - 3; j <= j0 + 3; j++)
                    if (d.Values[i, j] > d.Values[bi, bj]) { bi = i; bj = j; }
            Assert.True(Math.Abs(Math.Log10(d.Axis1[bi]) - t1) <= 0.5 * cell1 + 1e-9, $"{preset}: T1 peak at {d.Axis1[bi]}, expected 10^{t1}");
            Assert.True(Math.Abs(Math.Log10(d.Axis2[bj]) - t2) <= 0.5 * cell2 + 1e-9, $"{preset}: T2 peak at {d.Axis2[bj]}, expected 10^{t2}");
        }
    }

    [Fact]
    public void PresetHPairsASmoothAndASparsePeakWithEqualMass()
    {
        var d = Presets.Create("H");
        var p1 = d.Projection1();
        int split = Nearest(d.Axis1, -0.95); // between the peaks (log10 T1 -1.30 and -0.60)
        double first = p1.Take(split).Sum();
        // continuous expectation: half of each peak's mass lies below the boundary per the normal CDF in log10 T1
        double boundary = 0.5 * (Math.Log10(d.Axis1[split - 1]) + Math.Log10(d.Axis1[split]));
        double expected = 0.5 * MathNet.Numerics.Distributions.Normal.CDF(-1.30, 0.18, boundary)
                        + 0.5 * MathNet.Numerics.Distributions.Normal.CDF(-0.60, 0.08, boundary);
        Assert.True(Math.Abs(expected - first) < 2e-3, $"mass below the boundary {first}, expected {expected}");
        Assert.InRange(first, 0.46, 0.49); // the smooth peak leaks ~2% of its mass past the boundary
        // the sparse second peak (sd 0.08) is taller than the smooth first one (sd 0.18)
        Assert.True(p1.Skip(split).Max() > 1.8 * p1.Take(split).Max());
    }

    [Fact]
    public void LognormalComponentHasItsLogStandardDeviation()
    {
        var a1 = RelaxationAxis.LogSpaced("T1", 1e-3, 1e1, 201);
        var d = Distribution2D.FromComponents(new[] { new LognormalComponent(-1, 0.2, -2, 0.1) }, a1, RelaxationAxis.PaperT2());
        var p = d.Projection1();
        double mean = 0, var = 0;
        for (int i = 0; i < p.Length; i++) mean += p[i] * Math.Log10(a1[i]);
        for (int i = 0; i < p.Length; i++) var += p[i] * Math.Pow(Math.Log10(a1[i]) - mean, 2);
        Assert.Equal(-1.0, mean, 6);
        Assert.Equal(0.2, Math.Sqrt(var), 4);
    }

    [Fact]
    public void UnknownPresetIsRefused()
    {
        var e = Assert.Throws<NmrInputException>(() => Presets.Create("Z"));
        Assert.Equal("PresetUnknown", e.ErrorId);
    }

    [Fact]
    public void NegativeOrNonFiniteValuesAreRefused()
    {
        var a = RelaxationAxis.LogSpaced("T1", 1e-3, 1, 2);
        var b = RelaxationAxis.LogSpaced("T2", 1e-3, 1, 2);
        Assert.Equal("DistributionNegative", Assert.Throws<NmrInputException>(() => new Distribution2D(new double[,] { { 1, -1 }, { 0, 0 } }, a, b)).ErrorId);
        Assert.Equal("DistributionNotFinite", Assert.Throws<NmrInputException>(() => new Distribution2D(new double[,] { { 1, double.NaN }, { 0, 0 } }, a, b)).ErrorId);
        Assert.Equal("DistributionSizeMismatch", Assert.Throws<NmrInputException>(() => new Distribution2D(new double[3, 2], a, b)).ErrorId);
    }

    [Fact]
    public void RandomRecipeIsDeterministicAndWithinItsRanges()
    {
        var gen = new RandomDistributions(RelaxationAxis.PaperT1(), RelaxationAxis.PaperT2());
        var a = gen.NextComponents(new Random(7));
        var b = gen.NextComponents(new Random(7));
        Assert.Equal(a, b);
        var rng = new Random(3);
        for (int k = 0; k < 200; k++)
        {
            var c = gen.NextComponents(rng);
            Assert.InRange(c.Length, 1, 5);
            Assert.All(c, x =>
            {
                Assert.InRange(x.LogSd1, 0.025, 0.25);
                Assert.InRange(x.LogSd2, 0.025, 0.25);
                Assert.InRange(x.LogMean1, -3, 1);
                Assert.InRange(x.LogMean2, -4, 0);
            });
        }
    }

    [Fact]
    public void NarrowClosePairsKeepTheirWidthsUnderTheCap()
    {
        var gen = new RandomDistributions(RelaxationAxis.PaperT1(), RelaxationAxis.PaperT2());
        // The recipe's largest width as the cap: the same pair from the same generator state.
        Assert.Equal(gen.NextClosePair(new Random(5)), gen.NextClosePair(new Random(5), 0.25));
        var rng = new Random(6);
        double largest = 0, smallest = 1;
        for (int k = 0; k < 400; k++)
            foreach (var c in gen.NextClosePair(rng, 0.08))
            {
                largest = Math.Max(largest, Math.Max(c.LogSd1, c.LogSd2));
                smallest = Math.Min(smallest, Math.Min(c.LogSd1, c.LogSd2));
            }
        // Uniform in 0.025..0.08 over 800 peaks: both ends are approached.
        Assert.InRange(largest, 0.078, 0.08);
        Assert.InRange(smallest, 0.025, 0.027);
        foreach (var cap in new[] { 0.02, 0.26, double.NaN })
            Assert.Equal("ClosePairLogSdInvalid", Assert.Throws<NmrInputException>(() => gen.NextClosePair(new Random(1), cap)).ErrorId);
    }

    [Fact]
    public void ClosePairsAreTwoPeaksTheirSeparationApartInsideTheGrid()
    {
        var gen = new RandomDistributions(RelaxationAxis.PaperT1(), RelaxationAxis.PaperT2());
        Assert.Equal(gen.NextClosePair(new Random(5)), gen.NextClosePair(new Random(5)));
        var rng = new Random(4);
        int isotropic = 0;
        for (int k = 0; k < 400; k++)
        {
            var c = gen.NextClosePair(rng);
            Assert.Equal(2, c.Length);
            foreach (var (d, lo, hi) in new[] { (c[1].LogMean1 - c[0].LogMean1, -3.0, 1.0), (c[1].LogMean2 - c[0].LogMean2, -4.0, 0.0) })
                Assert.InRange(Math.Abs(d), RandomDistributions.MinPairSeparation - 1e-12, RandomDistributions.MaxPairSeparation + 1e-12);
            Assert.All(c, x =>
            {
                Assert.InRange(x.LogSd1, 0.025, 0.25);
                Assert.InRange(x.LogSd2, 0.025, 0.25);
                // Two widths inside the grid's ends on both axes.
                Assert.InRange(x.LogMean1, -3 + 2 * x.LogSd1 - 1e-12, 1 - 2 * x.LogSd1 + 1e-12);
                Assert.InRange(x.LogMean2, -4 + 2 * x.LogSd2 - 1e-12, 0 - 2 * x.LogSd2 + 1e-12);
                Assert.InRange(x.Weight, 0.1, 1.0);
            });
            if (c[0].LogSd1 == c[0].LogSd2 && c[1].LogSd1 == c[1].LogSd2) isotropic++;
        }
        // Half the pairs share one width per peak on both axes (binomial 400 x 0.5: sd 10).
        Assert.InRange(isotropic, 160, 240);
    }

    internal static int Nearest(Axis axis, double logValue)
    {
        int best = 0;
        for (int i = 1; i < axis.Count; i++)
            if (Math.Abs(Math.Log10(axis[i]) - logValue) < Math.Abs(Math.Log10(axis[best]) - logValue)) best = i;
        return best;
    }
}
