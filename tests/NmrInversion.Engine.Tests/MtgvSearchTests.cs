using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Metrics;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;
using Xunit;
using Xunit.Abstractions;

namespace NmrInversion.Engine.Tests;

public class MtgvSearchTests
{
    private readonly ITestOutputHelper _output;

    public MtgvSearchTests(ITestOutputHelper output) => _output = output;

    private static Signal2D PresetSignal(string preset, double snr)
    {
        var truth = Presets.Create(preset);
        var kp = KernelPair.PaperT1T2;
        var (a1, a2) = kp.DefaultAcquisitionAxes();
        // The noise of `New-NmrDistribution -Preset X | New-NmrSignal -Snr snr -Seed 1`.
        return ForwardModel.Simulate(truth, kp, a1, a2, snr, NoiseModel.DeriveSeed(1, 0));
    }

    [Theory]
    [InlineData("H", 200)]
    public void MtgvBeatsNonNegativeTikhonovOnPresetH(string preset, double snr)
    {
        // Preset H (a smooth and a sparse peak) at SNR 200, both methods with their automatic hyperparameters: MTGV
        // (GCV alpha, BRD-style beta) against the module's non-negative Tikhonov with GCV alpha
        // (Regularization/NonNegativeTikhonov, BRD dual Newton: a different algorithm on a different functional).
        var signal = PresetSignal(preset, snr);
        var truth = signal.Truth!;
        var mtgv = MtgvInversion.Invert(signal);
        var tikhonov = TikhonovInversion.Invert(signal);
        double mtgvChi = ChiMetric.Compare(truth, mtgv.Distribution).Chi2D;
        double tikhonovChi = ChiMetric.Compare(truth, tikhonov.Distribution).Chi2D;
        _output.WriteLine($"MTGV chi {mtgvChi:G4} (alpha {mtgv.Alpha:G4}, beta {mtgv.Beta:G4}); Tikhonov chi {tikhonovChi:G4} (alpha {tikhonov.Alpha:G4})");
        Assert.True(mtgvChi < tikhonovChi, $"MTGV chi {mtgvChi:G4} is not below Tikhonov's {tikhonovChi:G4}");
    }

    [Fact]
    public void SearchKeepsItsCurvesAndReportsTheChosenPoint()
    {
        var signal = PresetSignal("C", 200);
        var result = MtgvInversion.Invert(signal);
        var curve = result.SearchCurve;
        Assert.Equal("BRD", curve.Criterion);
        Assert.Equal(result.Beta, curve.Chosen.Beta);
        Assert.Equal(result.Alpha, curve.Chosen.Alpha);
        Assert.Equal(curve.Points.Count, result.AlphaCurves.Count);
        // The chosen beta is the visited one whose BRD score is nearest 1.
        foreach (var p in curve.Points)
            Assert.True(Math.Abs(Math.Log(curve.Chosen.Score)) <= Math.Abs(Math.Log(p.Score)));
        // At the chosen point the fit explains the data to about the noise.
        Assert.InRange(result.Misfit, 0.8, 1.25);
        foreach (var gcv in result.AlphaCurves)
            Assert.True(gcv.Points.Count >= 3, "each GCV bracket needs at least three scores");
        Assert.Equal(1.0, result.Distribution.Sum, 9);
    }

    [Fact]
    public void GcvNeverChoosesAnAlphaWhoseSolveFellShortOfItsMinimiser()
    {
        // With few iterations per solve, the larger alphas are not solved: their residual exceeds that of a smaller
        // alpha, which no minimiser allows. Such a solve gets more iterations; if it still falls short, the walk must not
        // follow its (here the lowest) GCV score.
        var signal = PresetSignal("A", 2000);
        var work = signal.ForInversion(out _);
        var compressed = new CompressedProblem(work, null);
        var problem = new MtgvProblem(compressed, work.NoiseSigma!.Value);
        var solver = MtgvSearch.CreateSolver(problem);
        var state = solver.Start();
        var options = new MtgvOptions { MaxIterations = 10 };
        var (curve, alpha, _) = MtgvSearch.GcvPhase(solver, state, MtgvSearch.StartingAlpha(problem), 1e-3, options, default);
        foreach (var p in curve.Points) _output.WriteLine($"alpha {p.Alpha:G4} score {p.Score:G4} residual {p.ResidualNorm:G4}");
        bool Unsolved(SearchPoint p) => curve.Points.Any(q => q.Alpha < p.Alpha && p.ResidualNorm > MtgvSearch.MonotoneSlack * q.ResidualNorm);
        var unsolved = curve.Points.Where(Unsolved).ToList();
        Assert.NotEmpty(unsolved);
        // Such a point had the lowest score: the old walk would have chosen it.
        Assert.Contains(unsolved, p => curve.Points.All(q => p.Score <= q.Score));
        Assert.False(Unsolved(curve.Chosen));
        Assert.Equal(curve.Chosen.Alpha, alpha);
        // Points that first fell short were given more iterations than the limit.
        Assert.Contains(curve.Points, p => p.Iterations > options.MaxIterations);
    }

    [Fact]
    public void FixedHyperparametersSkipTheSearch()
    {
        var signal = PresetSignal("H", 200);
        var result = MtgvInversion.Invert(signal, new MtgvOptions { Alpha = 800, Beta = 2 });
        Assert.Equal(800, result.Alpha);
        Assert.Equal(2, result.Beta);
        Assert.Equal("Fixed", result.SearchCurve.Criterion);
        Assert.Single(result.SearchCurve.Points);
        Assert.Empty(result.AlphaCurves);
    }

    [Fact]
    public void OneDimensionalSignalIsInverted()
    {
        var kp = KernelPair.For(Experiment.T2);
        var (r1, r2) = kp.DefaultRelaxationAxes();
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-1.6, 0.1, 0, 1) }, r1, r2, "T2 peak");
        var (a1, a2) = kp.DefaultAcquisitionAxes();
        var signal = ForwardModel.Simulate(truth, kp, a1, a2, 500, 3);
        var result = MtgvInversion.Invert(signal);
        var chi = ChiMetric.Compare(truth, result.Distribution);
        _output.WriteLine($"1D: chi {chi.Chi2D:G4}, alpha {result.Alpha:G4}, beta {result.Beta:G4}");
        var peak = result.Distribution.Peak();
        Assert.InRange(Math.Log10(peak.Value1), -1.75, -1.45);
        Assert.True(chi.Chi2D < 0.5, $"chi {chi.Chi2D:G4}");
    }

    [Fact]
    public void BadOptionsAreRejectedWithStableIds()
    {
        var signal = PresetSignal("A", 200);
        var e = Assert.Throws<NmrInputException>(() => MtgvInversion.Invert(signal, new MtgvOptions { Alpha = -1 }));
        Assert.Equal("AlphaInvalid", e.ErrorId);
        e = Assert.Throws<NmrInputException>(() => MtgvInversion.Invert(signal, new MtgvOptions { Beta = double.NaN }));
        Assert.Equal("BetaInvalid", e.ErrorId);
        e = Assert.Throws<NmrInputException>(() => MtgvInversion.Invert(signal, new MtgvOptions { Tolerance = 0 }));
        Assert.Equal("ToleranceInvalid", e.ErrorId);
    }
}
