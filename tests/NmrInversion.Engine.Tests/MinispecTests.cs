using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace NmrInversion.Engine.Tests;

public class MinispecTests(ITestOutputHelper output)
{
    [Fact]
    public void CpmgDpsImportsAsAT2DecayInSeconds()
    {
        var s = SignalImport.Read(TestData.Real("bruker/minispec/cpmg.dps"), new ImportOptions());
        output.WriteLine(string.Join("\n", s.Provenance.Select(p => $"{p.Key} = {p.Value}")));
        Assert.Equal("Minispec", s.Provenance["Format"]);
        Assert.Equal(Experiment.T2, s.Experiment);
        Assert.Equal(10000, s.Axis1.Count);
        Assert.Equal(1, s.Axis2.Count);
        Assert.Equal(0.21508e-3, s.Axis1[0], 15);
        Assert.Equal(2.12200288, s.Axis1.Maximum, 12);
        Assert.Equal(87.0950663919, s.Values[0, 0]);
        Assert.Equal(0.1973634005, s.Values[9999, 0]);
        Assert.NotNull(s.NoiseSigma);
        Assert.InRange(s.NoiseSigma!.Value, 1e-3, 1.0);
    }

    [Fact]
    public void ARisingCurveStartingNegativeIsReadAsInversionRecovery()
    {
        var lines = Enumerable.Range(0, 20).Select(i =>
        {
            double t = 0.5 * Math.Pow(1.4, i);
            return FormattableString.Invariant($"{i}\t{t}\t{100 * (1 - 2 * Math.Exp(-t / 30.0))}");
        });
        var path = TestData.Write("ir.dps", string.Join("\r\n", lines) + "\r\n");
        var s = SignalImport.Read(path, new ImportOptions());
        Assert.Equal(KernelKind.InversionRecovery, s.Kernels.Kernel1);
        Assert.Equal(0.5e-3, s.Axis1[0], 15);
        var t2 = SignalImport.Read(path, new ImportOptions { Experiment = Experiment.T2 });
        Assert.Equal(Experiment.T2, t2.Experiment);
    }
}
