using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Metrics;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class TikhonovInversionTests
{
    private static Signal2D PaperSignal(string preset, double snr)
    {
        var kp = KernelPair.PaperT1T2;
        var (a1, a2) = kp.DefaultAcquisitionAxes();
        return ForwardModel.Simulate(Presets.Create(preset), kp, a1, a2, snr, seed: 1);
    }

    public static TheoryData<string> PresetNames => new() { "A", "B", "C", "D", "E", "F", "G", "H" };

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void GcvFitsToTheNoiseAndBeatsTheUnregularisedSolution(string preset)
    {
        var signal = PaperSignal(preset, 200);
        var result = TikhonovInversion.Invert(signal);
        double sigma = signal.NoiseSigma!.Value;
        double perPoint = result.ResidualNorm / Math.Sqrt(signal.Values.Length);
        Assert.InRange(perPoint / sigma, 0.5, 2.0);
        Assert.InRange(result.Misfit, 0.5, 2.0);
        Assert.True(result.Converged);
        Assert.Equal(AlphaMethod.Gcv, result.AlphaMethod);
        Assert.Equal("GCV", result.SearchCurve.Criterion);
        Assert.Equal(result.Alpha, result.SearchCurve.Chosen.Alpha);
        Assert.Equal(1.0, result.Distribution.Sum, 10);
        Assert.Equal(signal.RelaxationAxis1, result.Distribution.Axis1);
        Assert.Same(signal.Truth, result.Truth);

        // "Unregularised": as small an alpha as double precision allows (1e-12 of the largest squared singular value).
        double sigmaMax = new CompressedProblem(signal).Sigma[0, 0];
        var raw = TikhonovInversion.Invert(signal, new TikhonovOptions { Alpha = 1e-12 * sigmaMax * sigmaMax });
        Assert.True(raw.Converged, "the unregularised solution must be a solution, not a stalled iterate");
        Assert.InRange(raw.Misfit, 0.5, 1.0 * result.Misfit + 1e-9); // it fits the data at least as closely
        var chi = ChiMetric.Compare(signal.Truth!, result.Distribution);
        var chiRaw = ChiMetric.Compare(signal.Truth!, raw.Distribution);
        Assert.True(chi.Chi2D * 3 < chiRaw.Chi2D, $"GCV chi {chi.Chi2D:G4} vs tiny-alpha chi {chiRaw.Chi2D:G4}");
    }

    [Fact]
    public void AlphaAndDistributionDoNotDependOnTheSignalScale()
    {
        var signal = PaperSignal("D", 200);
        var scaled = new Signal2D(Scale(signal.Values, 1234.5), signal.Axis1, signal.Axis2, signal.Kernels, signal.RelaxationAxis1,
            signal.RelaxationAxis2, signal.NoiseSigma * 1234.5, signal.Snr, signal.Truth, signal.Name, signal.Seed);
        var a = TikhonovInversion.Invert(signal, new TikhonovOptions { Alpha = 0.3 });
        var b = TikhonovInversion.Invert(scaled, new TikhonovOptions { Alpha = 0.3 });
        Assert.True(MatrixProducts.DifferenceNorm(a.Distribution.Values, b.Distribution.Values) < 1e-9);
        Assert.Equal(a.ResidualNorm * 1234.5, b.ResidualNorm, 6);
        var ga = TikhonovInversion.Invert(signal);
        var gb = TikhonovInversion.Invert(scaled);
        Assert.Equal(1.0, gb.Alpha / ga.Alpha, 6);
    }

    private static double[,] Scale(double[,] v, double k)
    {
        var r = (double[,])v.Clone();
        for (int i = 0; i < r.GetLength(0); i++)
            for (int j = 0; j < r.GetLength(1); j++) r[i, j] *= k;
        return r;
    }

    [Theory]
    [InlineData(Experiment.T1D)]
    [InlineData(Experiment.DT2)]
    [InlineData(Experiment.T2T2)]
    public void OtherTwoDimensionalExperimentsInvert(Experiment experiment)
    {
        var kp = KernelPair.For(experiment);
        var (r1, r2) = kp.DefaultRelaxationAxes(32);
        var (a1, a2) = kp.DefaultAcquisitionAxes(48);
        double Mid(RelaxationAxis a, double w) => Math.Log10(a.Minimum) + w * (Math.Log10(a.Maximum) - Math.Log10(a.Minimum));
        var truth = Distribution2D.FromComponents(new[]
        {
            new LognormalComponent(Mid(r1, 0.35), 0.15, Mid(r2, 0.4), 0.15),
            new LognormalComponent(Mid(r1, 0.65), 0.15, Mid(r2, 0.6), 0.15),
        }, r1, r2, "Two peaks");
        var signal = ForwardModel.Simulate(truth, kp, a1, a2, 500, seed: 3);
        var result = TikhonovInversion.Invert(signal);
        Assert.InRange(result.Misfit, 0.5, 2.0);
        var chi = ChiMetric.Compare(truth, result.Distribution);
        var flat = new double[32, 32];
        foreach (var i in Enumerable.Range(0, 32)) foreach (var j in Enumerable.Range(0, 32)) flat[i, j] = 1;
        var chiFlat = ChiMetric.Compare(truth, new Distribution2D(flat, r1, r2));
        Assert.True(chi.Chi2D < chiFlat.Chi2D / 5, $"chi {chi.Chi2D:G4}, flat map {chiFlat.Chi2D:G4}");
    }

    [Theory]
    [InlineData(Experiment.T2)]
    [InlineData(Experiment.T1)]
    [InlineData(Experiment.D)]
    public void OneDimensionalSignalsInvert(Experiment experiment)
    {
        var kp = KernelPair.For(experiment);
        var (r1, r2) = kp.DefaultRelaxationAxes(64);
        var (a1, a2) = kp.DefaultAcquisitionAxes(128);
        double Mid(double w) => Math.Log10(r1.Minimum) + w * (Math.Log10(r1.Maximum) - Math.Log10(r1.Minimum));
        var truth = Distribution2D.FromComponents(new[]
        {
            new LognormalComponent(Mid(0.3), 0.12, 0, 1, 1),
            new LognormalComponent(Mid(0.7), 0.12, 0, 1, 2),
        }, r1, r2, "1D");
        var signal = ForwardModel.Simulate(truth, kp, a1, a2, 1000, seed: 5);
        foreach (var method in new[] { AlphaMethod.Gcv, AlphaMethod.Brd, AlphaMethod.SCurve })
        {
            var result = TikhonovInversion.Invert(signal, new TikhonovOptions { AlphaMethod = method });
            Assert.Equal(1, result.Distribution.Dimensions);
            Assert.InRange(result.Misfit, 0.5, 2.0);
            // Both peaks found: the larger half of the mass lies beyond the midpoint of the axis.
            var p = result.Distribution.Projection1();
            double right = p.Skip(32).Sum();
            Assert.InRange(right, 0.5, 0.85);
        }
    }

    [Theory]
    [InlineData(AlphaMethod.Brd)]
    [InlineData(AlphaMethod.SCurve)]
    public void AlternativeAlphaMethodsFitTheData(AlphaMethod method)
    {
        var signal = PaperSignal("F", 200);
        var result = TikhonovInversion.Invert(signal, new TikhonovOptions { AlphaMethod = method });
        Assert.Equal(method, result.AlphaMethod);
        Assert.InRange(result.Misfit, 0.5, 2.0);
        Assert.True(result.SearchCurve.Points.Count >= 2);
    }

    [Fact]
    public void FixedAlphaIsUsedAsGiven()
    {
        var result = TikhonovInversion.Invert(PaperSignal("B", 2000), new TikhonovOptions { Alpha = 0.05 });
        Assert.Equal(0.05, result.Alpha);
        Assert.Equal(AlphaMethod.Fixed, result.AlphaMethod);
        Assert.Single(result.SearchCurve.Points);
        Assert.True(result.Converged);
    }

    public static TheoryData<TikhonovOptions, string> BadOptions => new()
    {
        { new TikhonovOptions { Alpha = double.NaN }, "AlphaInvalid" },
        { new TikhonovOptions { Alpha = 0 }, "AlphaInvalid" },
        { new TikhonovOptions { Alpha = -2 }, "AlphaInvalid" },
        { new TikhonovOptions { Alpha = double.PositiveInfinity }, "AlphaInvalid" },
        { new TikhonovOptions { AlphaMinimum = 1 }, "AlphaRangeInvalid" },
        { new TikhonovOptions { AlphaMinimum = 10, AlphaMaximum = 1 }, "AlphaRangeInvalid" },
        { new TikhonovOptions { AlphaMinimum = 0, AlphaMaximum = 1 }, "AlphaRangeInvalid" },
        { new TikhonovOptions { AlphaMinimum = double.NaN, AlphaMaximum = 1 }, "AlphaRangeInvalid" },
        { new TikhonovOptions { AlphaCount = 2 }, "AlphaCountInvalid" },
        { new TikhonovOptions { AlphaMethod = AlphaMethod.Fixed }, "AlphaMissing" },
        { new TikhonovOptions { TruncationFactor = -1 }, "TruncationFactorInvalid" },
        { new TikhonovOptions { GcvPlateau = -0.01 }, "GcvPlateauInvalid" },
        { new TikhonovOptions { GcvPlateau = 1 }, "GcvPlateauInvalid" },
        { new TikhonovOptions { GcvPlateau = double.NaN }, "GcvPlateauInvalid" },
        { new TikhonovOptions { GcvPlateau = double.PositiveInfinity }, "GcvPlateauInvalid" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadOptionsAreRejectedWithStableIds(TikhonovOptions options, string errorId)
    {
        var e = Assert.Throws<NmrInputException>(() => TikhonovInversion.Invert(PaperSignal("A", 200), options));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(InputProblem.Argument, e.Problem);
    }

    [Fact]
    public void BrdNeedsANoiseLevel()
    {
        // Five points on five relaxation times: no coefficient is left to estimate the noise, and the signal states none.
        var r = new RelaxationAxis("T2", new[] { 1e-3, 1e-2, 1e-1, 1.0, 10.0 });
        var t = new AcquisitionAxis("t2", new[] { 1e-3, 1e-2, 1e-1, 1.0, 10.0 });
        var kp = KernelPair.For(Experiment.T2);
        var values = new double[5, 1] { { 1 }, { 0.8 }, { 0.5 }, { 0.2 }, { 0.05 } };
        var signal = new Signal2D(values, t, AcquisitionAxis.Single(), kp, r, RelaxationAxis.Single());
        var e = Assert.Throws<NmrInputException>(() => TikhonovInversion.Invert(signal, new TikhonovOptions { AlphaMethod = AlphaMethod.Brd }));
        Assert.Equal("NoiseLevelUnknown", e.ErrorId);
        Assert.Equal(InputProblem.Data, e.Problem);
    }

    /// <summary>A 1D T2 signal (64 echoes, 32 cells) or a 16x16 T1-T2 one, lightly noisy.</summary>
    private static Signal2D PlateauSignal(bool twoD, int seed)
    {
        if (twoD)
        {
            var r1 = RelaxationAxis.LogSpaced("T1", 1e-3, 10, 16);
            var r2 = RelaxationAxis.LogSpaced("T2", 1e-4, 1, 16);
            return ForwardModel.Simulate(Presets.Create("B", r1, r2), KernelPair.PaperT1T2, AcquisitionAxis.PaperT1(16), AcquisitionAxis.PaperT2(24), 200, seed);
        }
        var grid = RelaxationAxis.LogSpaced("T2", 1e-4, 1, 32);
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-2.3, 0.15, 0, 1, 1), new LognormalComponent(-1.2, 0.2, 0, 1, 2) }, grid, RelaxationAxis.Single());
        return ForwardModel.Simulate(truth, KernelPair.For(Experiment.T2), AcquisitionAxis.LogSpaced("t2", 1e-4, 1, 64), AcquisitionAxis.Single(), 200, seed);
    }

    public static TheoryData<bool, int> PlateauCases => new() { { false, 1 }, { false, 2 }, { false, 3 }, { false, 4 }, { true, 1 }, { true, 2 } };

    [Theory]
    [MemberData(nameof(PlateauCases))]
    public void TheGcvPlateauTakesTheLargestAlphaWithinFivePercentOfTheMinimum(bool twoD, int seed)
    {
        var signal = PlateauSignal(twoD, seed);
        var result = TikhonovInversion.Invert(signal);
        var points = result.SearchCurve.Points;
        var chosen = result.SearchCurve.Chosen;
        var minimum = points.MinBy(p => p.Score)!;
        double limit = minimum.Score * (1 + TikhonovOptions.DefaultGcvPlateau);
        Assert.Equal(result.Alpha, chosen.Alpha);
        Assert.True(chosen.Score <= limit, $"chosen GCV {chosen.Score:G6} is more than 5% above the minimum {minimum.Score:G6}");
        Assert.DoesNotContain(points, p => p.Alpha > chosen.Alpha && p.Score <= limit);
        Assert.True(chosen.Alpha >= minimum.Alpha);

        // The plain minimum (GcvPlateau = 0) is the curve's lowest point, and is the minimum the plateau rule started from.
        var plain = TikhonovInversion.Invert(signal, new TikhonovOptions { GcvPlateau = 0 });
        Assert.Equal(plain.SearchCurve.Points.Min(p => p.Score), plain.SearchCurve.Chosen.Score);
        Assert.Equal(minimum.Alpha, plain.Alpha);
        Assert.Equal("GCV", plain.AlphaRule);
        Assert.Equal("the minimum of the GCV curve", plain.AlphaReason);

        // The rule says which it was: the minimum itself, or a plateau that many decades above it.
        double decades = Math.Log10(chosen.Alpha / minimum.Alpha);
        if (chosen.Alpha == minimum.Alpha) Assert.Equal("GCV", result.AlphaRule);
        if (decades >= 0.05)
        {
            Assert.Equal("GCV plateau", result.AlphaRule);
            Assert.Contains($"within {TikhonovOptions.DefaultGcvPlateau.ToString("P0", System.Globalization.CultureInfo.InvariantCulture)} of its minimum (alpha {minimum.Alpha.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)})", result.AlphaReason);
            Assert.Contains($"({decades.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} decades)", result.AlphaReason);
        }
    }

    [Fact]
    public void TheGcvPlateauMovesAlphaUpOnSomeOfTheseSignals()
    {
        // Not a vacuous rule on the cases above: at least one signal takes a plateau alpha well above its minimum.
        var rules = PlateauCases.Select(c => TikhonovInversion.Invert(PlateauSignal((bool)c[0], (int)c[1])).AlphaRule).ToList();
        Assert.Contains("GCV plateau", rules);
    }

    [Fact]
    public void CancellationStopsTheSearch()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => TikhonovInversion.Invert(PaperSignal("A", 200), cancellation: cts.Token));
    }
}
