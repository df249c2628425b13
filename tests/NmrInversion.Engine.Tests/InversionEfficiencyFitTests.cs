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

    [Fact]
    public void RefusesSignalsWithoutInversionRecovery()
    {
        var d = Distribution2D.FromComponents(new[] { new LognormalComponent(-9, 0.2, -1.5, 0.2) }, RelaxationAxis.LogSpaced("D", 1e-11, 1e-7, 16), RelaxationAxis.LogSpaced("T2", 1e-4, 1, 16));
        var s = ForwardModel.Simulate(d, KernelPair.For(Experiment.DT2), AcquisitionAxis.DefaultB(16), AcquisitionAxis.PaperT2(16), 100, 1);
        Assert.Equal("InversionEfficiencyNotApplicable", Assert.Throws<NmrInputException>(() => InversionEfficiencyFit.Estimate(s)).ErrorId);
    }
}
