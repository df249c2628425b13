using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class SignalJsonTests
{
    private static void AssertBits(double[,] a, double[,] b)
    {
        Assert.Equal(a.GetLength(0), b.GetLength(0));
        Assert.Equal(a.GetLength(1), b.GetLength(1));
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(a[i, j]), BitConverter.DoubleToInt64Bits(b[i, j]));
    }

    [Fact]
    public void SimulatedSignalRoundTripsToTheBit()
    {
        var signal = ForwardModel.Simulate(Presets.Create("H"), KernelPair.PaperT1T2, AcquisitionAxis.PaperT1(), AcquisitionAxis.PaperT2(), 250, seed: 42);
        string path = Path.Combine(TestData.NewFolder(), "h.json");
        using (var f = File.Create(path)) SignalJson.Write(f, signal);
        Assert.Equal(SignalFormat.Json, FormatDetection.Detect(path));
        var back = SignalImport.Read(path, new ImportOptions());
        AssertBits(signal.Values, back.Values);
        Assert.Equal(signal.Axis1.Values, back.Axis1.Values);
        Assert.Equal(signal.Axis2.Values, back.Axis2.Values);
        Assert.Equal(signal.RelaxationAxis1.Values, back.RelaxationAxis1.Values);
        Assert.Equal(signal.Kernels, back.Kernels);
        Assert.Equal(signal.NoiseSigma, back.NoiseSigma);
        Assert.Equal(signal.Snr, back.Snr);
        Assert.Equal(signal.Seed, back.Seed);
        Assert.Equal("H", back.Name);
        Assert.NotNull(back.Truth);
        AssertBits(signal.Truth!.Values, back.Truth!.Values);
    }

    [Fact]
    public void OneDimensionalSaturationSignalKeepsItsKernels()
    {
        var d = Distribution2D.FromComponents(new[] { new LognormalComponent(-1, 0.2, 0, 1) }, RelaxationAxis.PaperT1(), RelaxationAxis.Single());
        var signal = ForwardModel.Simulate(d, KernelPair.For(Experiment.T1, T1Recovery.Saturation), AcquisitionAxis.PaperT1(30), AcquisitionAxis.Single(), null, 0);
        string path = Path.Combine(TestData.NewFolder(), "t1.json");
        using (var f = File.Create(path)) SignalJson.Write(f, signal);
        var back = SignalJson.ReadSignal(path);
        Assert.Equal(KernelKind.SaturationRecovery, back.Kernels.Kernel1);
        AssertBits(signal.Values, back.Values);
    }

    [Fact]
    public void DistributionRoundTripsToTheBit()
    {
        var d = Presets.Create("C");
        string path = Path.Combine(TestData.NewFolder(), "c.json");
        using (var f = File.Create(path)) SignalJson.Write(f, d);
        var back = SignalJson.ReadDistribution(path);
        AssertBits(d.Values, back.Values);
        Assert.Equal(d.Axis2.Values, back.Axis2.Values);
        var e = Assert.Throws<NmrInputException>(() => SignalJson.ReadSignal(path));
        Assert.Equal("JsonIsDistribution", e.ErrorId);
    }

    [Fact]
    public void BrokenJsonIsExplained()
    {
        var e = Assert.Throws<NmrInputException>(() => SignalJson.ReadSignal(TestData.Write("x.json", "{ \"format\": ")));
        Assert.Equal("JsonFormatInvalid", e.ErrorId);
        e = Assert.Throws<NmrInputException>(() => SignalJson.ReadSignal(TestData.Write("y.json", "{ \"format\": \"Other\" }")));
        Assert.Equal("JsonFormatInvalid", e.ErrorId);
        Assert.Contains("NmrInversion.Signal", e.Message);
    }
}
