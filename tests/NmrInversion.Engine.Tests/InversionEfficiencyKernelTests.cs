using NmrInversion.Engine;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

/// <summary>The inversion-recovery kernel with an inversion efficiency kappa: 1 - (1 + kappa) exp(-t / T1).</summary>
public class InversionEfficiencyKernelTests
{
    [Theory]
    [InlineData(0.7, 0.0, 1.0, -0.7)]                                  // M(0) = -kappa M0
    [InlineData(0.7, 0.5306282510621704, 1.0, 0.0)]                    // null point t = T1 ln(1 + kappa)
    [InlineData(0.5, 2.0, 1.0, 0.7969970751450805)]                    // 1 - 1.5 e^-2
    public void KernelValuesAtKnownPoints(double kappa, double t, double t1, double expected) =>
        Assert.Equal(expected, Kernel.Evaluate(KernelKind.InversionRecovery, t, t1, kappa), 12);

    [Fact]
    public void PerfectInversionIsTheIdealKernelBitForBit()
    {
        var t = AcquisitionAxis.PaperT1(16);
        var r = RelaxationAxis.PaperT1(16);
        var a = Kernel.Matrix(KernelKind.InversionRecovery, t, r);
        var b = Kernel.Matrix(KernelKind.InversionRecovery, t, r, 1.0);
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 16; j++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(a[i, j]), BitConverter.DoubleToInt64Bits(b[i, j]));
    }

    [Fact]
    public void ImperfectKernelIsTheIdealOneScaledPlusAConstant()
    {
        // 1 - (1 + k) e = (1 + k)/2 (1 - 2 e) + (1 - k)/2: why the data cannot tell kappa from a recovered population.
        var t = AcquisitionAxis.PaperT1(8);
        var r = RelaxationAxis.PaperT1(8);
        const double k = 0.73;
        var ideal = Kernel.Matrix(KernelKind.InversionRecovery, t, r);
        var real = Kernel.Matrix(KernelKind.InversionRecovery, t, r, k);
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++)
                Assert.Equal((1 + k) / 2 * ideal[i, j] + (1 - k) / 2, real[i, j], 13);
    }

    [Fact]
    public void KernelPairCarriesKappaInEqualityAndText()
    {
        var a = KernelPair.PaperT1T2.WithInversionEfficiency(0.8);
        Assert.NotEqual(KernelPair.PaperT1T2, a);
        Assert.Equal(KernelPair.For(Experiment.T1T2).WithInversionEfficiency(0.8), a);
        Assert.Equal(1.0, KernelPair.PaperT1T2.InversionEfficiency);
        Assert.Equal(0.8, a.EfficiencyOf(1));
        Assert.Equal(1.0, a.EfficiencyOf(2));
        Assert.Contains("inversion efficiency 0.8", a.ToString());
        Assert.DoesNotContain("efficiency", KernelPair.PaperT1T2.ToString());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.2)]
    [InlineData(double.NaN)]
    public void KappaOutsideZeroToOneIsRefused(double kappa)
    {
        var e = Assert.Throws<NmrInputException>(() => KernelPair.PaperT1T2.WithInversionEfficiency(kappa));
        Assert.Equal("InversionEfficiencyInvalid", e.ErrorId);
    }

    [Theory]
    [InlineData(Experiment.DT2)]
    [InlineData(Experiment.T2T2)]
    [InlineData(Experiment.T2)]
    public void KappaOnKernelsWithoutInversionIsRefused(Experiment experiment)
    {
        var e = Assert.Throws<NmrInputException>(() => KernelPair.For(experiment).WithInversionEfficiency(0.8));
        Assert.Equal("InversionEfficiencyNotApplicable", e.ErrorId);
        Assert.Throws<NmrInputException>(() => KernelPair.For(Experiment.T1T2, T1Recovery.Saturation).WithInversionEfficiency(0.8));
    }

    private static Signal2D Simulated(double kappa, double? snr = null)
    {
        var truth = Presets.Create("C", RelaxationAxis.LogSpaced("T1", 1e-3, 10, 24), RelaxationAxis.LogSpaced("T2", 1e-4, 1, 24));
        return ForwardModel.Simulate(truth, KernelPair.PaperT1T2.WithInversionEfficiency(kappa),
            AcquisitionAxis.LogSpaced("t1", 1e-3, 3, 16), AcquisitionAxis.EchoTrain(2e-4, 256), snr, 11);
    }

    [Fact]
    public void CompressedProblemAndForwardModelUseTheSignalsKappa()
    {
        var s = Simulated(0.75);
        // Noiseless: the truth explains the signal exactly with kappa 0.75, and not with a perfect inversion.
        Assert.True(new CompressedProblem(s).ResidualNorm(s.Truth!.Values) < 1e-10 * s.MaxAbs);
        var ideal = new Signal2D(s.Values, s.Axis1, s.Axis2, KernelPair.PaperT1T2, s.RelaxationAxis1, s.RelaxationAxis2);
        Assert.True(new CompressedProblem(ideal).ResidualNorm(s.Truth!.Values) > 1e-2 * s.MaxAbs);
    }

    [Fact]
    public void JsonRoundTripKeepsKappa()
    {
        var s = Simulated(0.6);
        string path = Path.Combine(Path.GetTempPath(), $"kappa-{Guid.NewGuid():N}.json");
        try
        {
            using (var f = File.Create(path)) SignalJson.Write(f, s);
            var back = SignalJson.ReadSignal(path);
            Assert.Equal(0.6, back.Kernels.InversionEfficiency);
            Assert.Equal(s.Kernels, back.Kernels);
            using (var f = File.Create(path)) SignalJson.Write(f, Simulated(1.0));
            Assert.DoesNotContain("inversionEfficiency", File.ReadAllText(path));
        }
        finally { File.Delete(path); }
    }
}
