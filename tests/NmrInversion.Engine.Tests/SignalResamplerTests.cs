using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using Xunit;
using Xunit.Abstractions;

namespace NmrInversion.Engine.Tests;

public class SignalResamplerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("A")]
    [InlineData("G")]
    public void ResampledSignalEqualsTheDirectlySimulatedOne(string preset)
    {
        var d = Presets.Create(preset);
        var source = ForwardModel.Simulate(d, KernelPair.PaperT1T2, AcquisitionAxis.PaperT1(64), AcquisitionAxis.PaperT2(64), null, 0);
        // A different grid strictly inside: 40 x 50 points, 2e-3..8 s and 1.5e-4..0.9 s.
        var t1 = AcquisitionAxis.LogSpaced("t1", 2e-3, 8, 40);
        var t2 = AcquisitionAxis.LogSpaced("t2", 1.5e-4, 0.9, 50);
        var resampled = SignalResampler.Resample(source, t1, t2);
        var direct = ForwardModel.Apply(d, KernelPair.PaperT1T2, t1, t2);
        double worst = 0;
        for (int i = 0; i < 40; i++)
            for (int j = 0; j < 50; j++) worst = Math.Max(worst, Math.Abs(resampled.Values[i, j] - direct[i, j]));
        double rel = worst / MatrixProducts.MaxAbs(direct);
        output.WriteLine($"{preset}: max error / max |S| = {rel:E3}");
        Assert.True(rel < 1e-5, $"resampling error {rel:E3}");
        Assert.Same(source.Truth, resampled.Truth);
    }

    [Fact]
    public void OneDimensionalSignalsAndExactGridsResampleOntoThemselves()
    {
        var d = Distribution2D.FromComponents(new[] { new LognormalComponent(-2, 0.3, 0, 1) }, RelaxationAxis.PaperT2(), RelaxationAxis.Single());
        var s = ForwardModel.Simulate(d, KernelPair.For(Experiment.T2), AcquisitionAxis.PaperT2(64), AcquisitionAxis.Single(), null, 0);
        var same = SignalResampler.Resample(s, AcquisitionAxis.PaperT2(64), AcquisitionAxis.Single());
        for (int i = 0; i < 64; i++) Assert.Equal(s.Values[i, 0], same.Values[i, 0], 14);
    }

    [Fact]
    public void TargetOutsideTheMeasuredRangeIsRefused()
    {
        var s = ForwardModel.Simulate(Presets.Create("C"), KernelPair.PaperT1T2, AcquisitionAxis.PaperT1(), AcquisitionAxis.EchoTrain(1e-4, 1024), null, 0);
        var e = Assert.Throws<NmrInputException>(() => SignalResampler.Resample(s, AcquisitionAxis.PaperT1(), AcquisitionAxis.PaperT2()));
        Assert.Equal("ResampleRangeNotCovered", e.ErrorId);
        Assert.Contains("0.1024", e.Message);
        var inside = SignalResampler.Resample(s, AcquisitionAxis.PaperT1(), AcquisitionAxis.LogSpaced("t2", 1e-4, 0.1024, 64));
        Assert.Equal(64, inside.Axis2.Count);
    }
}
