using NmrInversion.Engine;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class InversionEfficiencyFitTests
{
    private static Signal2D Simulated(double kappa, int seed)
    {
        var truth = Presets.Create("C", RelaxationAxis.LogSpaced("T1", 1e-3, 10, 32), RelaxationAxis.LogSpaced("T2", 1e-4, 1, 32));
        var s = ForwardModel.Simulate(truth, KernelPair.PaperT1T2.WithInversionEfficiency(kappa),
            AcquisitionAxis.LogSpaced("t1", 1e-3, 3, 16), AcquisitionAxis.EchoTrain(2e-4, 512), 1000, seed);
        // As imported: a perfect-inversion kernel, kappa unknown.
        return new Signal2D(s.Values, s.Axis1, s.Axis2, KernelPair.PaperT1T2, s.RelaxationAxis1, s.RelaxationAxis2, s.NoiseSigma, s.Snr, s.Truth, "C", seed);
    }

    private static double LogMeanT1(Distribution2D d)
    {
        var p = d.Projection1();
        var a = d.Axis1.Values;
        double s = 0, w = 0;
        for (int i = 0; i < p.Length; i++) { s += p[i] * Math.Log10(a[i]); w += p[i]; }
        return s / w;
    }

    [Theory]
    [InlineData(0.70, 3)]
    [InlineData(0.85, 5)]
    [InlineData(1.00, 7)]
    public void RecoversKappaAndT1OfASimulatedSignal(double kappa, int seed)
    {
        var s = Simulated(kappa, seed);
        var e = InversionEfficiencyFit.Estimate(s);
        Assert.InRange(e.Kappa, kappa - 0.03, Math.Min(1.0, kappa + 0.03));
        Assert.InRange(e.Misfit, 0.8, 1.2);
        Assert.Equal(1e-3, e.T1Axis.Minimum, 12);
        Assert.Contains(e.Curve, p => p.Kappa == 1.0);

        // Inverted with the estimated kappa: T1 log-mean within 0.05 decades of the truth's.
        var fixedKappa = new Signal2D(s.Values, s.Axis1, s.Axis2, s.Kernels.WithInversionEfficiency(e.Kappa), s.RelaxationAxis1, s.RelaxationAxis2, s.NoiseSigma);
        var r = TikhonovInversion.Invert(fixedKappa);
        Assert.InRange(LogMeanT1(r.Distribution) - LogMeanT1(s.Truth!), -0.05, 0.05);
        Assert.InRange(r.Misfit, 0.8, 1.2);
        if (kappa < 0.9)
        {
            // The perfect-inversion kernel cannot fit it on this grid.
            Assert.True(TikhonovInversion.Invert(s).Misfit > 2);
        }
    }

    /// <summary>A 1D inversion recovery on 32 delays from 1 ms to 10 s of lognormal T1 peaks (log10 mean, weight), SNR 1000.</summary>
    private static Signal2D Recovery(double kappa, params (double LogMean, double Weight)[] peaks)
    {
        var grid = RelaxationAxis.LogSpaced("T1", 1e-4, 100, 64);
        var truth = Distribution2D.FromComponents(peaks.Select(p => new LognormalComponent(p.LogMean, 0.1, 0, 1, p.Weight)).ToArray(), grid, RelaxationAxis.Single());
        var kernels = KernelPair.For(Experiment.T1).WithInversionEfficiency(kappa);
        return ForwardModel.Simulate(truth, kernels, AcquisitionAxis.LogSpaced("t1", 1e-3, 10, 32), AcquisitionAxis.Single(), 1000, 9);
    }

    [Fact]
    public void AFlatStartAboveMinusM0ReadsAsAnIncompleteInversion()
    {
        // kappa 0.75, T1 0.5 s: the first two delays (1 and 1.35 ms) read 1 - 1.75 exp(-t / T1) = -0.746 and -0.745.
        var s = Recovery(0.75, (Math.Log10(0.5), 1));
        Assert.True(InversionEfficiencyFit.AppearsIncomplete(s, out string reason));
        var v = s.Values;
        double last = v[31, 0];
        string expected = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the first recovery delays read {v[0, 0] / last:0.###} and {v[1, 0] / last:0.###} of the last");
        Assert.Equal(expected, reason);
        Assert.InRange(v[0, 0] / last, -0.76, -0.73);
        // The same along the first echo of a T1-T2 measurement.
        var r1 = RelaxationAxis.LogSpaced("T1", 1e-4, 100, 32);
        var r2 = RelaxationAxis.LogSpaced("T2", 1e-5, 10, 32);
        var map = Distribution2D.FromComponents(new[] { new LognormalComponent(Math.Log10(0.5), 0.1, -1.5, 0.1) }, r1, r2);
        var twoD = ForwardModel.Simulate(map, KernelPair.PaperT1T2.WithInversionEfficiency(0.75), AcquisitionAxis.LogSpaced("t1", 1e-3, 10, 16), AcquisitionAxis.EchoTrain(1e-3, 64), 1000, 9);
        Assert.True(InversionEfficiencyFit.AppearsIncomplete(twoD, out _));
    }

    [Fact]
    public void APerfectInversionDoesNot()
    {
        // kappa 1: the first delay reads -0.996 of the last, below -0.95.
        Assert.False(InversionEfficiencyFit.AppearsIncomplete(Recovery(1.0, (Math.Log10(0.5), 1)), out string reason));
        Assert.Contains("read -0.99", reason);
        // kappa 0.96 is still too close to a perfect inversion to be called incomplete; 0.9 is not.
        Assert.False(InversionEfficiencyFit.AppearsIncomplete(Recovery(0.96, (Math.Log10(0.5), 1)), out _));
        Assert.True(InversionEfficiencyFit.AppearsIncomplete(Recovery(0.9, (Math.Log10(0.5), 1)), out _));
    }

    [Fact]
    public void ACurveRecoveringAtItsFirstDelaysDoesNot()
    {
        // T1 2 ms, near the first delay: with kappa 0.75 the first two delays read -0.06 and +0.11 (not flat).
        Assert.False(InversionEfficiencyFit.AppearsIncomplete(Recovery(0.75, (Math.Log10(2e-3), 1)), out _));
        // A fast fraction (30% at 3 ms) beside the 0.5 s one: the start reads above -M0 but is rising.
        var mixed = Recovery(0.75, (Math.Log10(3e-3), 0.3), (Math.Log10(0.5), 0.7));
        Assert.False(InversionEfficiencyFit.AppearsIncomplete(mixed, out string reason));
        var v = mixed.Values;
        Assert.True(v[1, 0] / v[31, 0] - v[0, 0] / v[31, 0] > InversionEfficiencyFit.FlatStart, reason);
    }

    [Fact]
    public void OtherKernelsAreNeverIncomplete()
    {
        var t = AcquisitionAxis.LogSpaced("t1", 1e-3, 10, 32);
        var values = new double[32, 1];
        // The numbers of a flat-start inversion recovery (kappa 0.75, T1 0.5 s) read as incomplete under the IR kernel only,
        // never under a saturation-recovery, T2 or D kernel.
        for (int i = 0; i < 32; i++) values[i, 0] = 1 - 1.75 * Math.Exp(-t[i] / 0.5);
        Assert.True(InversionEfficiencyFit.AppearsIncomplete(new Signal2D(values, t, AcquisitionAxis.Single(), KernelPair.For(Experiment.T1)), out _));
        Assert.False(InversionEfficiencyFit.AppearsIncomplete(new Signal2D(values, t, AcquisitionAxis.Single(), KernelPair.For(Experiment.T1, T1Recovery.Saturation)), out string sr));
        Assert.Equal("", sr);
        Assert.False(InversionEfficiencyFit.AppearsIncomplete(new Signal2D(values, new AcquisitionAxis("t2", t.Values), AcquisitionAxis.Single(), KernelPair.For(Experiment.T2)), out _));
        Assert.False(InversionEfficiencyFit.AppearsIncomplete(new Signal2D(values, new AcquisitionAxis("b", t.Values.Select(x => x * 1e9).ToArray()), AcquisitionAxis.Single(), KernelPair.For(Experiment.D)), out _));
        // An inversion recovery whose last point is not positive is not judged either.
        var negative = (double[,])values.Clone();
        for (int i = 0; i < 32; i++) negative[i, 0] -= 2;
        Assert.False(InversionEfficiencyFit.AppearsIncomplete(new Signal2D(negative, t, AcquisitionAxis.Single(), KernelPair.For(Experiment.T1)), out _));
    }

    [Fact]
    public void RefusesSignalsWithoutInversionRecovery()
    {
        var d = Distribution2D.FromComponents(new[] { new LognormalComponent(-9, 0.2, -1.5, 0.2) }, RelaxationAxis.LogSpaced("D", 1e-11, 1e-7, 16), RelaxationAxis.LogSpaced("T2", 1e-4, 1, 16));
        var s = ForwardModel.Simulate(d, KernelPair.For(Experiment.DT2), AcquisitionAxis.DefaultB(16), AcquisitionAxis.PaperT2(16), 100, 1);
        Assert.Equal("InversionEfficiencyNotApplicable", Assert.Throws<NmrInputException>(() => InversionEfficiencyFit.Estimate(s)).ErrorId);
    }
}
