using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using Xunit;
using Xunit.Abstractions;

namespace NmrInversion.Engine.Tests;

/// <summary>
/// The fit-based noise estimate of short curves, sigma^2 = ||S - K F||^2 / (N - tr A), on simulated 32-point inversion
/// recoveries and 16-point diffusion decays with a known sigma, inverted (as an import would) on the grid their
/// acquisition resolves. Measured over seeds 1..12 at SNR 100 and 1000: the estimate over sigma averaged 1.01-1.02
/// (sd 0.13, range 0.79-1.22) for the recoveries and 1.00-1.02 (sd 0.11, range 0.77-1.18) for the diffusion decays,
/// the spread of sqrt(chi^2 / dof) with about 28 and 13 degrees of freedom.
/// </summary>
public class FitNoiseEstimateTests(ITestOutputHelper output)
{
    private static readonly int[] Seeds = { 1, 2, 3, 4, 5, 6, 7, 8 };

    /// <summary>A simulated curve as a measurement: the values and the noise level, on the acquisition's grid (no truth).</summary>
    private static Signal2D Measured(Experiment experiment, AcquisitionAxis axis, LognormalComponent[] peaks, RelaxationAxis grid, double snr, int seed)
    {
        var truth = Distribution2D.FromComponents(peaks, grid, RelaxationAxis.Single());
        var s = ForwardModel.Simulate(truth, KernelPair.For(experiment), axis, AcquisitionAxis.Single(), snr, seed);
        return new Signal2D(s.Values, s.Axis1, s.Axis2, s.Kernels, noiseSigma: s.NoiseSigma);
    }

    private static Signal2D Recovery(int seed) => Measured(Experiment.T1, AcquisitionAxis.LogSpaced("t1", 1e-3, 10, 32),
        new[] { new LognormalComponent(-1.5, 0.15, 0, 1, 1), new LognormalComponent(-0.3, 0.2, 0, 1, 2) }, RelaxationAxis.LogSpaced("T1", 1e-5, 1e3, 96), 200, seed);

    private static Signal2D Diffusion(int seed) => Measured(Experiment.D, AcquisitionAxis.LogSpaced("b", 1e7, 1e10, 16),
        new[] { new LognormalComponent(-9, 0.1, 0, 1, 1) }, RelaxationAxis.LogSpaced("D", 1e-13, 1e-5, 96), 200, seed);

    private void AssertNearSigma(string label, Func<int, Signal2D> signal)
    {
        var ratios = Seeds.Select(seed =>
        {
            var s = signal(seed);
            Assert.True(s.RelaxationAxesFromAcquisition);
            return FitNoiseEstimate.Of(s) / s.NoiseSigma!.Value;
        }).ToList();
        output.WriteLine($"{label}: estimate / sigma {string.Join(" ", ratios.Select(r => r.ToString("F3")))}, mean {ratios.Average():F3}");
        Assert.InRange(ratios.Average(), 0.7, 1.3);
        // Each seed: well inside the spread measured above (0.77-1.22), with room for a few more sd.
        Assert.All(ratios, r => Assert.InRange(r, 0.5, 1.6));
    }

    [Fact]
    public void OnA32PointInversionRecoveryTheEstimateIsTheNoiseLevel() => AssertNearSigma("IR 32", Recovery);

    [Fact]
    public void OnA16PointDiffusionDecayTheEstimateIsTheNoiseLevel() => AssertNearSigma("D 16", Diffusion);

    [Fact]
    public void TheEstimateDoesNotUseTheSignalsOwnNoiseLevel()
    {
        // The same values stated with a noise level ten times too large, or none: the estimate is the same.
        var s = Recovery(3);
        double estimate = FitNoiseEstimate.Of(s);
        var overstated = new Signal2D(s.Values, s.Axis1, s.Axis2, s.Kernels, noiseSigma: 10 * s.NoiseSigma);
        var unstated = new Signal2D(s.Values, s.Axis1, s.Axis2, s.Kernels);
        Assert.Equal(estimate, FitNoiseEstimate.Of(overstated), 12);
        Assert.Equal(estimate, FitNoiseEstimate.Of(unstated), 12);
    }

    [Fact]
    public void TheEstimateScalesWithTheSignal()
    {
        var s = Diffusion(2);
        var v = (double[,])s.Values.Clone();
        for (int i = 0; i < v.GetLength(0); i++) v[i, 0] *= 1000;
        var scaled = new Signal2D(v, s.Axis1, s.Axis2, s.Kernels);
        Assert.Equal(1000 * FitNoiseEstimate.Of(s), FitNoiseEstimate.Of(scaled), 1e-6 * 1000 * FitNoiseEstimate.Of(s));
    }

    [Fact]
    public void AnAllZeroSignalHasNoEstimate()
    {
        var axis = AcquisitionAxis.LogSpaced("t1", 1e-3, 10, 32);
        var zero = new Signal2D(new double[32, 1], axis, AcquisitionAxis.Single(), KernelPair.For(Experiment.T1));
        Assert.True(double.IsNaN(FitNoiseEstimate.Of(zero)));
    }
}
