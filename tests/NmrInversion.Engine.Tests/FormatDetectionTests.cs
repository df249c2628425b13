using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Kernels;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class FormatDetectionTests
{
    [Theory]
    [InlineData("spinsolve_txt/IRCPMG", SignalFormat.Spinsolve)]
    [InlineData("spinsolve_txt/IRCPMG/T1IRT2.dat", SignalFormat.Spinsolve)]
    [InlineData("spinsolve_txt/PFGCPMG/acqu.par", SignalFormat.Spinsolve)]
    [InlineData("bruker/minispec/cpmg.dps", SignalFormat.Minispec)]
    [InlineData("geospec_txt/IR_bunter.txt", SignalFormat.GeoSpec)]
    [InlineData("geospec_txt/CPMG_bunter.txt", SignalFormat.GeoSpec)]
    [InlineData("csv/IR_sandstone.csv", SignalFormat.Csv)]
    [InlineData("csv/PFG_water.csv", SignalFormat.Csv)]
    [InlineData("tecmag_tnt/IR_silicon_oil.tnt", SignalFormat.Tecmag)]
    [InlineData("tecmag_tnt/CPMG_silicon_oil.tnt", SignalFormat.Tecmag)]
    public void RecognisesEachExampleFile(string file, SignalFormat expected) =>
        Assert.Equal(expected, FormatDetection.Detect(TestData.Real(file)));

    [Fact]
    public void BinaryFilesAreRefusedNamingTheFileAndWhatWasFound()
    {
        // Binary bytes that start almost like a .tnt ("TNT1.00x": no version number) are not one.
        string path = Path.Combine(TestData.NewFolder(), "fid");
        File.WriteAllBytes(path, new byte[] { 0x54, 0x4E, 0x54, 0x31, 0x2E, 0x30, 0x30, 0x78, 0x10, 0, 0, 0, 0xF0, 0xFF, 0xFF, 0xFF });
        var e = Assert.Throws<NmrInputException>(() => SignalImport.Read(path, new ImportOptions()));
        Assert.Equal("FormatNotRecognized", e.ErrorId);
        Assert.Contains("fid", e.Message);
        Assert.Contains("TNT1.00x", e.Message);
        Assert.Contains("expected", e.Message);
    }

    [Fact]
    public void MissingFileIsNotFoundAndAFolderWithoutAcquParIsExplained()
    {
        var e = Assert.Throws<NmrInputException>(() => SignalImport.Read(Path.Combine(TestData.NewFolder(), "none.csv"), new ImportOptions()));
        Assert.Equal(InputProblem.NotFound, e.Problem);
        e = Assert.Throws<NmrInputException>(() => SignalImport.Read(TestData.Real("csv"), new ImportOptions()));
        Assert.Equal("FormatNotRecognized", e.ErrorId);
        Assert.Contains("Get-ChildItem", e.Message);
    }

    [Fact]
    public void FormatOverrideReadsAGeoSpecFileAsCsvAndFailsWithLineNumbers()
    {
        var e = Assert.Throws<NmrInputException>(() => SignalImport.Read(TestData.Real("geospec_txt/IR_bunter.txt"),
            new ImportOptions { Format = SignalFormat.Csv, Experiment = Experiment.T1 }));
        Assert.Equal("CsvRaggedRow", e.ErrorId);
        Assert.Contains("IR_bunter.txt, line ", e.Message);
    }

    [Fact]
    public void PlainCsvExamplesImportWithTheirExperimentAndUnits()
    {
        var ir = SignalImport.Read(TestData.Real("csv/IR_sandstone.csv"), new ImportOptions { Experiment = Experiment.T1 });
        Assert.Equal(32, ir.Axis1.Count);
        Assert.Equal(1e-4, ir.Axis1[0]);
        Assert.Equal(0.5, ir.Axis1.Maximum);
        Assert.Equal(-122.4, ir.Values[0, 0]);
        // PFG_water.csv: b in 10^9 s/m^2 (NMRInversions.jl's unit for PFG CSV), i.e. ms/um^2.
        var pfg = SignalImport.Read(TestData.Real("csv/PFG_water.csv"), new ImportOptions { Experiment = Experiment.D, BFactor = 1e9 });
        Assert.Equal(16, pfg.Axis1.Count);
        Assert.Equal(0.0168598e9, pfg.Axis1[0], 1);
        Assert.Equal(1.28135e9, pfg.Axis1.Maximum, 1);
        // Water: ln S falls linearly in b with slope D ~ 2-3e-9 m^2/s.
        double d = Math.Log(pfg.Values[0, 0] / pfg.Values[15, 0]) / (pfg.Axis1[15] - pfg.Axis1[0]);
        Assert.InRange(d, 1.5e-9, 3.5e-9);
        var cpmg = SignalImport.Read(TestData.Real("csv/CPMG_graphene.csv"), new ImportOptions { Experiment = Experiment.T2 });
        Assert.Equal(32, cpmg.Axis1.Count);
        Assert.Equal(0.0007, cpmg.Axis1[0]);
        var e = Assert.Throws<NmrInputException>(() => SignalImport.Read(TestData.Real("csv/CPMG_graphene.csv"), new ImportOptions()));
        Assert.Equal("ExperimentRequired", e.ErrorId);
    }
}
