using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

/// <summary>
/// The acquisition checks of an import: time and b units, decays gone by the second point or not sampled to their end,
/// recoveries still rising at their last delays. Signals are simulated from lognormal peaks (noiseless or at SNR 1000) or
/// written as exact exponentials where a check's limit is probed.
/// </summary>
public class AcquisitionPlausibilityTests
{
    private static readonly RelaxationAxis WideT = RelaxationAxis.LogSpaced("T2", 1e-6, 1e4, 64);

    private static IReadOnlyList<string> Ids(Signal2D signal) => AcquisitionPlausibility.Check(signal).Select(w => w.Id).ToList();

    /// <summary>A 1D signal of one lognormal peak (log10 mean, sd 0.1) on <paramref name="acquisition"/>.</summary>
    private static Signal2D Peak1D(Experiment experiment, AcquisitionAxis acquisition, double logMean, double? snr = 1000, int seed = 1)
    {
        var kernels = KernelPair.For(experiment);
        var grid = experiment == Experiment.D
            ? RelaxationAxis.LogSpaced("D", 1e-16, 1e-4, 96)
            : new RelaxationAxis(Kernel.RelaxationName(kernels.Kernel1), WideT.Values);
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(logMean, 0.1, 0, 1) }, grid, RelaxationAxis.Single());
        return ForwardModel.Simulate(truth, kernels, acquisition, AcquisitionAxis.Single(), snr, seed);
    }

    /// <summary>An exact single exponential on <paramref name="acquisition"/> (no truth, no noise level).</summary>
    private static Signal2D Exponential(KernelKind kind, AcquisitionAxis acquisition, double relaxation)
    {
        var kernels = new KernelPair(kind, KernelKind.None);
        var v = new double[acquisition.Count, 1];
        for (int i = 0; i < acquisition.Count; i++) v[i, 0] = Kernel.Evaluate(kind, acquisition[i], relaxation);
        return new Signal2D(v, acquisition, AcquisitionAxis.Single(), kernels);
    }

    [Fact]
    public void OrdinaryCompleteAcquisitionsRaiseNothing()
    {
        // Echo train 0.2 ms x 512 (to 0.1 s) on a 10 ms T2; recovery 1 ms .. 10 s on a 0.2 s T1; b 1e7 .. 1e11 on 1e-9 m^2/s.
        Assert.Empty(Ids(Peak1D(Experiment.T2, AcquisitionAxis.EchoTrain(2e-4, 512), -2)));
        Assert.Empty(Ids(Peak1D(Experiment.T1, AcquisitionAxis.PaperT1(32), -0.7)));
        Assert.Empty(Ids(Peak1D(Experiment.D, AcquisitionAxis.DefaultB(16), -9)));
        Assert.Empty(Ids(Exponential(KernelKind.SaturationRecovery, AcquisitionAxis.PaperT1(16), 0.5)));
    }

    [Theory]
    [InlineData(2e-7, 512)] // 0.2 ms spacing written in seconds but read as ms: ends at 0.1 ms
    [InlineData(1e-6, 900)] // ends at 0.9 ms
    public void ATimeAxisEndingBelowAMillisecondIsSuspect(double spacing, int echoes)
    {
        var axis = AcquisitionAxis.EchoTrain(spacing, echoes);
        Assert.True(axis.Maximum < 1e-3);
        var warnings = AcquisitionPlausibility.Check(Exponential(KernelKind.T2Decay, axis, 1e-5), timeParameter: "-MyTimeUnit");
        var w = Assert.Single(warnings, x => x.Id == "TimeUnitSuspect");
        Assert.Contains("seconds read as milliseconds", w.Message);
        Assert.Contains("-MyTimeUnit", w.Message);
    }

    [Fact]
    public void ATimeAxisEndingJustAboveAMillisecondIsNot()
    {
        var axis = AcquisitionAxis.EchoTrain(1e-6, 1100); // ends at 1.1 ms
        Assert.DoesNotContain("TimeUnitSuspect", Ids(Exponential(KernelKind.T2Decay, axis, 2e-4)));
    }

    [Theory]
    [InlineData(1e-3, 2000)]  // ends above 1000 s
    [InlineData(2, 900)]      // starts after 1 s
    public void ATimeAxisLongerThanRelaxationAllowsIsSuspect(double first, double last)
    {
        var axis = AcquisitionAxis.LogSpaced("t1", first, last, 16);
        var w = Assert.Single(AcquisitionPlausibility.Check(Exponential(KernelKind.InversionRecovery, axis, 10 * first)), x => x.Id == "TimeUnitSuspect");
        Assert.Contains("milliseconds read as seconds", w.Message);
        Assert.Contains("-TimeUnit ms", w.Message);
    }

    [Fact]
    public void ATimeAxisUpTo1000SecondsIsNot()
    {
        var axis = AcquisitionAxis.LogSpaced("t1", 1e-3, 999, 16);
        Assert.DoesNotContain("TimeUnitSuspect", Ids(Exponential(KernelKind.InversionRecovery, axis, 1)));
    }

    [Fact]
    public void ABAxisThatCouldNotAttenuateWaterOrWouldLeaveNothingIsSuspect()
    {
        // b in s/mm^2 read as s/m^2: 10 .. 1e4, below 1e6.
        var small = AcquisitionPlausibility.Check(Exponential(KernelKind.Diffusion, AcquisitionAxis.LogSpaced("b", 10, 1e4, 16), 2e-9), bParameter: "-MyBUnit");
        var w = Assert.Single(small, x => x.Id == "BUnitSuspect");
        Assert.Contains("s/mm^2", w.Message);
        Assert.Contains("-MyBUnit", w.Message);
        // b starting above 1e13 s/m^2.
        var large = Exponential(KernelKind.Diffusion, AcquisitionAxis.LogSpaced("b", 2e13, 1e15, 16), 1e-14);
        Assert.Contains("every liquid would be gone", Assert.Single(AcquisitionPlausibility.Check(large), x => x.Id == "BUnitSuspect").Message);
        // Ends at 2e6, starts at 1e13: neither.
        Assert.DoesNotContain("BUnitSuspect", Ids(Exponential(KernelKind.Diffusion, AcquisitionAxis.LogSpaced("b", 1e4, 2e6, 16), 1e-6)));
        Assert.DoesNotContain("BUnitSuspect", Ids(Exponential(KernelKind.Diffusion, AcquisitionAxis.LogSpaced("b", 1e13, 1e14, 16), 1e-14)));
    }

    [Fact]
    public void ADecayGoneByTheSecondPointIsFlagged()
    {
        // T2 = 0.2 ms on a 1 ms echo train: the second echo holds e^-5 = 0.7% of the first.
        var signal = Peak1D(Experiment.T2, AcquisitionAxis.EchoTrain(1e-3, 64), Math.Log10(2e-4), snr: null);
        var w = Assert.Single(AcquisitionPlausibility.Check(signal));
        Assert.Equal("DecayGoneEarly", w.Id);
        Assert.Contains("-TimeUnit", w.Message);
        // A diffusion decay: b = 1e8 then 2e9 s/m^2 on water (2e-9 m^2/s): exp(-4) / exp(-0.2) = 2.2% at the second point.
        var b = new AcquisitionAxis("b", new[] { 1e8, 2e9, 4e9, 8e9, 1.6e10 });
        var d = Exponential(KernelKind.Diffusion, b, 2e-9);
        var wd = Assert.Single(AcquisitionPlausibility.Check(d));
        Assert.Equal("DecayGoneEarly", wd.Id);
        Assert.Contains("-BUnit", wd.Message);
    }

    [Fact]
    public void TheGoneEarlyLimitIsFivePercentOfTheFirstPoint()
    {
        // exp(-t/T) at t = 1, 2 ms: the second over the first is exp(-1 ms / T); 5% at T = 1 ms / ln 20.
        var axis = AcquisitionAxis.EchoTrain(1e-3, 64);
        double atLimit = 1e-3 / Math.Log(20);
        Assert.Contains("DecayGoneEarly", Ids(Exponential(KernelKind.T2Decay, axis, atLimit * 0.97)));
        Assert.DoesNotContain("DecayGoneEarly", Ids(Exponential(KernelKind.T2Decay, axis, atLimit * 1.03)));
    }

    [Fact]
    public void ADecayNotSampledToItsEndIsFlagged()
    {
        // T2 = 1 s on an echo train to 0.1 s: about 90% is left at the last echo (lightly noisy, SNR 1000).
        var signal = Peak1D(Experiment.T2, AcquisitionAxis.EchoTrain(2e-4, 512), 0);
        var w = Assert.Single(AcquisitionPlausibility.Check(signal));
        Assert.Equal("DecayNotSampledToEnd", w.Id);
        Assert.Contains("Acquire longer", w.Message);
        // The limit, 10% of the first point at the last: exp(-(t_last - t_first) / T) = 0.1.
        var axis = AcquisitionAxis.EchoTrain(1e-3, 100);
        double atLimit = (axis.Maximum - axis.Minimum) / Math.Log(10);
        Assert.Contains("DecayNotSampledToEnd", Ids(Exponential(KernelKind.T2Decay, axis, atLimit * 1.03)));
        Assert.Empty(Ids(Exponential(KernelKind.T2Decay, axis, atLimit * 0.97)));
        // The same for a diffusion decay: D so small that exp(-b_last D) is still 0.5.
        var b = AcquisitionAxis.DefaultB(16);
        Assert.Equal("DecayNotSampledToEnd", Assert.Single(AcquisitionPlausibility.Check(Exponential(KernelKind.Diffusion, b, Math.Log(2) / b.Maximum))).Id);
    }

    [Fact]
    public void ADecayDrownedInNoiseIsNotJudged()
    {
        // A decay whose first point is below 3 sigma says nothing about its shape.
        var axis = AcquisitionAxis.EchoTrain(1e-3, 64);
        var v = new double[64, 1];
        for (int i = 0; i < 64; i++) v[i, 0] = 0.02 * Math.Exp(-axis[i] / 1.0);
        var quiet = new Signal2D(v, axis, AcquisitionAxis.Single(), KernelPair.For(Experiment.T2), noiseSigma: 0.01);
        Assert.Empty(AcquisitionPlausibility.Check(quiet));
        var loud = new Signal2D(v, axis, AcquisitionAxis.Single(), KernelPair.For(Experiment.T2), noiseSigma: 0.001);
        Assert.Equal("DecayNotSampledToEnd", Assert.Single(AcquisitionPlausibility.Check(loud)).Id);
    }

    [Fact]
    public void ARecoveryStillRisingAtItsLastDelaysIsFlagged()
    {
        // T1 = 0.5 s on delays 1 ms .. 1 s (16 log-spaced): 1 - 2 exp(-t/T1) rises from 0.434 to 0.729 over the last step.
        var t1 = AcquisitionAxis.LogSpaced("t1", 1e-3, 1, 16);
        var signal = Peak1D(Experiment.T1, t1, Math.Log10(0.5));
        var w = Assert.Single(AcquisitionPlausibility.Check(signal));
        Assert.Equal("RecoveryNotComplete", w.Id);
        Assert.Contains("Extend the recovery delays", w.Message);
        // Saturation recovery: 1 - exp(-t/T1) at T1 = 0.5 s rises by 0.148 over the last step, 17% of its last value 0.865.
        Assert.Equal("RecoveryNotComplete", Assert.Single(AcquisitionPlausibility.Check(Exponential(KernelKind.SaturationRecovery, t1, 0.5))).Id);
        // Sampled to 10 s, the same T1 has recovered.
        Assert.Empty(AcquisitionPlausibility.Check(Peak1D(Experiment.T1, AcquisitionAxis.LogSpaced("t1", 1e-3, 10, 16), Math.Log10(0.5))));
    }

    [Fact]
    public void TheRecoveryLimitIsATenthOfTheLastValue()
    {
        // Saturation recovery on two last delays t_a, t_b: rise / last = (e^-ta/T - e^-tb/T) / (1 - e^-tb/T); find the T
        // where it is 0.1 by bisection, and probe either side.
        var t1 = AcquisitionAxis.LogSpaced("t1", 1e-3, 1, 16);
        double ta = t1[14], tb = t1[15];
        double Ratio(double T) => (Math.Exp(-ta / T) - Math.Exp(-tb / T)) / (1 - Math.Exp(-tb / T));
        double lo = 0.01, hi = 10; // Ratio grows with T over this range
        for (int k = 0; k < 100; k++) { double mid = Math.Sqrt(lo * hi); if (Ratio(mid) < 0.1) lo = mid; else hi = mid; }
        Assert.Equal(0.1, Ratio(lo), 6);
        Assert.Contains("RecoveryNotComplete", Ids(Exponential(KernelKind.SaturationRecovery, t1, lo * 1.03)));
        Assert.DoesNotContain("RecoveryNotComplete", Ids(Exponential(KernelKind.SaturationRecovery, t1, lo * 0.97)));
    }

    [Fact]
    public void A2DSignalIsReadAlongItsFirstEchoAndItsMostRecoveredRow()
    {
        var kernels = KernelPair.PaperT1T2;
        var r1 = RelaxationAxis.LogSpaced("T1", 1e-4, 1e2, 32);
        var r2 = RelaxationAxis.LogSpaced("T2", 1e-5, 1e1, 32);
        // T1 0.5 s on delays to 1 s (still recovering); T2 1 s on echoes to 0.1 s (hardly decayed).
        var unfinished = Distribution2D.FromComponents(new[] { new LognormalComponent(Math.Log10(0.5), 0.1, 0, 0.1) }, r1, r2);
        var a1 = AcquisitionAxis.LogSpaced("t1", 1e-3, 1, 16);
        var a2 = AcquisitionAxis.EchoTrain(1e-3, 100);
        var signal = ForwardModel.Simulate(unfinished, kernels, a1, a2, 1000, 2);
        Assert.Equal(new[] { "RecoveryNotComplete", "DecayNotSampledToEnd" }, Ids(signal));
        // T1 50 ms, T2 10 ms on delays to 1 s and echoes to 0.1 s: complete on both axes.
        var complete = Distribution2D.FromComponents(new[] { new LognormalComponent(Math.Log10(0.05), 0.1, -2, 0.1) }, r1, r2);
        Assert.Empty(Ids(ForwardModel.Simulate(complete, kernels, a1, a2, 1000, 2)));
    }
}
