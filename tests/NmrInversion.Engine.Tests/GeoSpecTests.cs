using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace NmrInversion.Engine.Tests;

public class GeoSpecTests(ITestOutputHelper output)
{
    [Fact]
    public void InversionRecoveryImportsPhasedWithTheRecoveredEndPositive()
    {
        var s = SignalImport.Read(TestData.Real("geospec_txt/IR_bunter.txt"), new ImportOptions());
        output.WriteLine(string.Join("\n", s.Provenance.Select(p => $"{p.Key} = {p.Value}")));
        Assert.Equal("GeoSpec", s.Provenance["Format"]);
        Assert.Equal(Experiment.T1, s.Experiment);
        Assert.Equal(KernelKind.InversionRecovery, s.Kernels.Kernel1);
        Assert.Equal(32, s.Axis1.Count);            // NumTIValues=32, Dimensions=32,1
        Assert.Equal(0.02e-3, s.Axis1[0], 15);
        Assert.Equal(5693.147e-3, s.Axis1.Maximum, 12);
        Assert.True(s.Values[0, 0] < 0);
        Assert.True(s.Values[31, 0] > 0);
        // |first point| = |48345 + 10115 i| up to the quadrature residue.
        double modulus = Math.Sqrt(48345.0 * 48345 + 10115.0 * 10115);
        Assert.InRange(-s.Values[0, 0], 0.995 * modulus, modulus + 1e-9);
        Assert.Equal(123.27008056640625, s.NoiseSigma);   // [Results] Noise
    }

    [Fact]
    public void CpmgImportsTheWholeEchoTrain()
    {
        var s = SignalImport.Read(TestData.Real("geospec_txt/CPMG_bunter.txt"), new ImportOptions());
        output.WriteLine(string.Join("\n", s.Provenance.Select(p => $"{p.Key} = {p.Value}")));
        Assert.Equal(Experiment.T2, s.Experiment);
        Assert.Equal(23148, s.Axis1.Count);         // NumOfEchoes=23148
        Assert.Equal(0.108e-3, s.Axis1[0], 15);     // 2 Tau, Tau = 0.054 ms
        Assert.Equal(2499.9841e-3, s.Axis1.Maximum, 12);
        Assert.True(s.Values[0, 0] > 0);
        Assert.Equal(82.92171478271484, s.NoiseSigma);
    }

    [Fact]
    public void UnsupportedTestTypeIsNamed()
    {
        var text = File.ReadAllText(TestData.Real("geospec_txt/IR_bunter.txt")).Replace("TestType=7", "TestType=106");
        var path = TestData.Write("T1T2.txt", text);
        var e = Assert.Throws<NmrInputException>(() => SignalImport.Read(path, new ImportOptions()));
        Assert.Equal("GeoSpecTestTypeUnsupported", e.ErrorId);
        Assert.Contains("106 (T1 and T2 NMR)", e.Message);
    }
}
