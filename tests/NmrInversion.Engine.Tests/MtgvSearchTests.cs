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
        return ForwardModel.Simulate(truth, kp, a1, a2, snr, 1);
    }

    /// <summary>
    /// Non-negative Tikhonov, min_{F >= 0} (1/2)||K~F - s~||^2 + (lambda/2)||F||^2, by projected FISTA in singular
    /// coordinates (independent of the MTGV code: only the compression is shared).
    /// </summary>
    private static double[,] Tikhonov(MtgvProblem p, double lambda, int iterations)
    {
        double smax = 0;
        foreach (var v in p.SingularSquared) smax = Math.Max(smax, v);
        double step = 1 / (smax + lambda);
        int n1 = p.Size1, n2 = p.Size2;
        var x = new double[n1, n2]; var y = new double[n1, n2];
        double t = 1;
        for (int it = 0; it < iterations; it++)
        {
            var r = p.Residual(p.Project(y));
            for (int i = 0; i < p.Rank1; i++)
                for (int j = 0; j < p.Rank2; j++)
                    r[i, j] *= p.SingularValues[i, j];
            var grad = p.Expand(r);
            double tn = (1 + Math.Sqrt(1 + 4 * t * t)) / 2;
            for (int i = 0; i < n1; i++)
                for (int j = 0; j < n2; j++)
                {
                    double next = Math.Max(0, y[i, j] - step * (grad[i, j] + lambda * y[i, j]));
                    y[i, j] = next + (t - 1) / tn * (next - x[i, j]);
                    x[i, j] = next;
                }
            t = tn;
        }
        return x;
    }

    [Fact]
    public void MtgvBeatsTheBestNonNegativeTikhonovOnPresetH()
    {
        // Preset H (a smooth and a sparse peak) at SNR 200: MTGV with its automatic search against non-negative
        // Tikhonov at its best lambda on a grid (chosen with the truth, so Tikhonov gets every advantage).
        var signal = PresetSignal("H", 200);
        var truth = signal.Truth!;
        var mtgv = MtgvInversion.Invert(signal);
        double mtgvChi = ChiMetric.Compare(truth, mtgv.Distribution).Chi2D;

        var problem = new MtgvProblem(new CompressedProblem(signal), signal.NoiseSigma!.Value, keepThreshold: 1e-9);
        double bestTikhonov = double.PositiveInfinity, bestLambda = 0;
        foreach (double lambda in new[] { 1e2, 1e3, 1e4, 3e4, 1e5, 3e5, 1e6, 1e7 })
        {
            var f = Tikhonov(problem, lambda, 4000);
            double chi = ChiMetric.Compare(truth, new Distribution2D(f, truth.Axis1, truth.Axis2)).Chi2D;
            _output.WriteLine($"Tikhonov lambda {lambda:G3}: chi {chi:G4}");
            if (chi < bestTikhonov) { bestTikhonov = chi; bestLambda = lambda; }
        }
        _output.WriteLine($"MTGV chi {mtgvChi:G4} (alpha {mtgv.Alpha:G4}, beta {mtgv.Beta:G4}); best Tikhonov chi {bestTikhonov:G4} at lambda {bestLambda:G3}");
        Assert.True(mtgvChi < bestTikhonov, $"MTGV chi {mtgvChi:G4} is not below Tikhonov's best {bestTikhonov:G4}");
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
