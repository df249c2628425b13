using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace NmrInversion.Engine.Tests;

public class SpinsolveTests(ITestOutputHelper output)
{
    [Fact]
    public void T1IRT2FolderImportsWithTheAxesItsAcquParDescribes()
    {
        var s = SignalImport.Read(TestData.Real("spinsolve_txt/IRCPMG"), new ImportOptions());
        output.WriteLine(string.Join("\n", s.Provenance.Select(p => $"{p.Key} = {p.Value}")));
        Assert.Equal(Experiment.T1T2, s.Experiment);
        Assert.Equal(KernelKind.InversionRecovery, s.Kernels.Kernel1);
        // acqu.par: tauSteps = 16, minTau = 1, maxTau = 3000 (ms), logspace = "yes"; nrEchoes = 1024, echoTime = 100 (us).
        Assert.Equal(16, s.Axis1.Count);
        Assert.Equal(1024, s.Axis2.Count);
        Assert.Equal(1e-3, s.Axis1.Minimum, 15);
        Assert.Equal(3.0, s.Axis1.Maximum, 12);
        Assert.True(s.Axis1.IsLogSpaced);
        Assert.Equal(Math.Pow(10, Math.Log10(1e-3) + (Math.Log10(3.0) - Math.Log10(1e-3)) * 5 / 15), s.Axis1[5], 12);
        Assert.Equal(100e-6, s.Axis2[0], 15);
        Assert.Equal(1024 * 100e-6, s.Axis2.Maximum, 12);
        Assert.Equal(2 * 100e-6, s.Axis2[1], 15);
        // Inversion recovery: shortest tau inverted (negative), longest recovered (positive), comparable magnitudes.
        Assert.True(s.Values[0, 0] < 0);
        Assert.True(s.Values[15, 0] > 0);
        Assert.InRange(-s.Values[0, 0] / s.Values[15, 0], 0.5, 1.0);
        // The raw first echo of the last row is (47575.4, -1963.83): the phased value has that modulus, up to the imaginary residue.
        double modulus = Math.Sqrt(47575.4 * 47575.4 + 1963.83 * 1963.83);
        Assert.InRange(s.Values[15, 0], 0.999 * modulus, modulus + 1e-9);
        Assert.NotNull(s.NoiseSigma);
        Assert.InRange(s.NoiseSigma!.Value, 1.0, 0.01 * s.MaxAbs);
        Assert.Equal("IRCPMG", s.Name);
        Assert.Contains("Spinsolve", s.Provenance["Instrument"]);
    }

    [Fact]
    public void DataFileAndAcquParPathsGiveTheSameSignalAsTheFolder()
    {
        var a = SignalImport.Read(TestData.Real("spinsolve_txt/IRCPMG"), new ImportOptions());
        var b = SignalImport.Read(TestData.Real("spinsolve_txt/IRCPMG/T1IRT2.dat"), new ImportOptions());
        var c = SignalImport.Read(TestData.Real("spinsolve_txt/IRCPMG/acqu.par"), new ImportOptions());
        Assert.Equal(a.Values, b.Values);
        Assert.Equal(a.Values, c.Values);
    }

    [Fact]
    public void DT2FolderImportsWithStejskalTannerBValues()
    {
        var s = SignalImport.Read(TestData.Real("spinsolve_txt/PFGCPMG"), new ImportOptions());
        output.WriteLine(string.Join("\n", s.Provenance.Select(p => $"{p.Key} = {p.Value}")));
        Assert.Equal(Experiment.DT2, s.Experiment);
        Assert.Equal(16, s.Axis1.Count);    // nrSteps = 16
        Assert.Equal(8000, s.Axis2.Count);  // nrEchoes = 8000
        Assert.Equal("b", s.Axis1.Name);
        Assert.Equal(250e-6, s.Axis2[0], 15);     // echoTime = 250 us
        Assert.Equal(8000 * 250e-6, s.Axis2.Maximum, 12);
        // gradMax = 163 mT/m, lDelta = 3 ms, gradRamp = 0.1 ms, bDelta = 500 ms.
        const double gamma = 267.52218744e6, delta = 3.1e-3, bigDelta = 0.5;
        double bMax = Math.Pow(gamma * 0.163 * delta, 2) * (bigDelta - delta / 3);
        double bMin = Math.Pow(gamma * 0.001 * delta, 2) * (bigDelta - delta / 3);
        Assert.Equal(1.0, s.Axis1.Maximum / bMax, 12);
        Assert.Equal(1.0, s.Axis1.Minimum / bMin, 12);
        // b grows as g^2 with g linear: sqrt(b) is equally spaced.
        double step = Math.Sqrt(s.Axis1[1]) - Math.Sqrt(s.Axis1[0]);
        for (int i = 2; i < 16; i++) Assert.Equal(step, Math.Sqrt(s.Axis1[i]) - Math.Sqrt(s.Axis1[i - 1]), 6);
        // The first (least attenuated) row is positive and larger than the last.
        double first = 0, last = 0;
        for (int j = 0; j < 200; j++) { first += s.Values[0, j]; last += s.Values[15, j]; }
        Assert.True(first > 0);
        Assert.True(Math.Abs(last) < 0.2 * first);
        Assert.NotNull(s.NoiseSigma);
    }

    [Fact]
    public void MissingAcquParAndUnsupportedExperimentAreExplained()
    {
        string folder = TestData.NewFolder();
        File.Copy(TestData.Real("spinsolve_txt/IRCPMG/T1IRT2.dat"), Path.Combine(folder, "T1IRT2.dat"));
        var e = Assert.Throws<NmrInputException>(() => Spinsolve.Read(Path.Combine(folder, "T1IRT2.dat"), new ImportOptions()));
        Assert.Equal("SpinsolveParametersMissing", e.ErrorId);
        File.WriteAllText(Path.Combine(folder, "acqu.par"), File.ReadAllText(TestData.Real("spinsolve_txt/IRCPMG/acqu.par")).Replace("\"T1IRT2\"", "\"CPMG2D\""));
        e = Assert.Throws<NmrInputException>(() => SignalImport.Read(folder, new ImportOptions()));
        Assert.Equal("SpinsolveExperimentUnsupported", e.ErrorId);
        Assert.Contains("CPMG2D", e.Message);
        File.WriteAllText(Path.Combine(folder, "acqu.par"), File.ReadAllText(TestData.Real("spinsolve_txt/IRCPMG/acqu.par")).Replace("tauSteps = 16", "tauSteps = 15"));
        e = Assert.Throws<NmrInputException>(() => SignalImport.Read(folder, new ImportOptions()));
        Assert.Equal("SpinsolveShapeMismatch", e.ErrorId);
        Assert.Contains("16 data rows", e.Message);
    }
}
