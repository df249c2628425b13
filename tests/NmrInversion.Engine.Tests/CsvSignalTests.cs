using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class CsvSignalTests
{
    [Fact]
    public void ReadsAHandWrittenSpreadsheetLayoutInMilliseconds()
    {
        // Header row: t2 in ms; first column: t1 in ms; a corner label a spreadsheet would hold.
        const string text = "t1 (ms) / t2 (ms);0,2;0,4;0,8\n" +
                            "1;-0,9;-0,8;-0,7\n" +
                            "10;0,1;0,05;0,025\n" +
                            "100;0,9;0,8;0,6\n";
        string path = TestData.Write("sheet.csv", text);
        var s = CsvSignal.Read(path, new ImportOptions { Experiment = Experiment.T1T2, TimeDivisor = 1000, Delimiter = ";" });
        Assert.Equal(new[] { 1e-3, 1e-2, 1e-1 }, s.Axis1.Values);
        Assert.Equal(new[] { 2e-4, 4e-4, 8e-4 }, s.Axis2.Values);
        Assert.Equal(-0.8, s.Values[0, 1]);
        Assert.Equal(0.6, s.Values[2, 2]);
        Assert.Equal("sheet", s.Name);
        Assert.Contains("spreadsheet", s.Provenance["Layout"]);
    }

    [Fact]
    public void ReadsABareMatrixWithAxesPassed()
    {
        string path = TestData.Write("m.tsv", "1\t2\n3\t4\n5\t6\n");
        var s = CsvSignal.Read(path, new ImportOptions { Experiment = Experiment.T2T2, Axis1 = new[] { 1.0, 2, 3 }, Axis2 = new[] { 0.5, 1 }, TimeDivisor = 1000 });
        Assert.Equal(3e-3, s.Axis1[2]);
        Assert.Equal(6.0, s.Values[2, 1]);
        var e = Assert.Throws<NmrInputException>(() => CsvSignal.Read(path, new ImportOptions { Experiment = Experiment.T2T2, Axis1 = new[] { 1.0, 2 }, Axis2 = new[] { 0.5, 1 } }));
        Assert.Equal("CsvAxisMismatch", e.ErrorId);
        Assert.Contains("3x2", e.Message);
        e = Assert.Throws<NmrInputException>(() => CsvSignal.Read(path, new ImportOptions { Experiment = Experiment.T2T2, Axis1 = new[] { 1.0, 2, 3 } }));
        Assert.Equal("AxesIncomplete", e.ErrorId);
    }

    [Fact]
    public void HeaderAxisErrorsNameTheFileAndTheLayout()
    {
        string path = TestData.Write("bad.csv", ",2,1\n1,0.5,0.4\n2,0.6,0.5\n");
        var e = Assert.Throws<NmrInputException>(() => CsvSignal.Read(path, new ImportOptions { Experiment = Experiment.T1T2 }));
        Assert.Equal("AxisNotIncreasing", e.ErrorId);
        Assert.Contains("bad.csv", e.Message);
        Assert.Contains("header row", e.Message);
        path = TestData.Write("short.csv", ",1,2,3\n1,0.5,0.4\n2,0.6,0.5\n");
        e = Assert.Throws<NmrInputException>(() => CsvSignal.Read(path, new ImportOptions { Experiment = Experiment.T1T2 }));
        Assert.Equal("CsvAxisMismatch", e.ErrorId);
    }

    [Fact]
    public void ReadsOneDimensionalDecaysWithOrWithoutAHeader()
    {
        string path = TestData.Write("d.csv", "time,amplitude\n0.001,10\n0.002,8\n0.004,6\n");
        var s = CsvSignal.Read(path, new ImportOptions { Experiment = Experiment.T2 });
        Assert.Equal(1, s.Dimensions);
        Assert.Equal(new[] { 0.001, 0.002, 0.004 }, s.Axis1.Values);
        Assert.Equal(6.0, s.Values[2, 0]);
        string col = TestData.Write("c.csv", "10\n8\n6\n");
        s = CsvSignal.Read(col, new ImportOptions { Experiment = Experiment.T2, Axis1 = new[] { 1.0, 2, 4 }, TimeDivisor = 1000 });
        Assert.Equal(0.004, s.Axis1[2]);
        var e = Assert.Throws<NmrInputException>(() => CsvSignal.Read(TestData.Write("three.csv", "1,2,3\n2,3,4\n"), new ImportOptions { Experiment = Experiment.T2 }));
        Assert.Equal("CsvShapeInvalid", e.ErrorId);
    }

    [Fact]
    public void OwnCsvExportRoundTripsExactlyAndNamesItsExperiment()
    {
        var d = Presets.Create("B", RelaxationAxis.LogSpaced("T1", 1e-3, 10, 20), RelaxationAxis.LogSpaced("T2", 1e-4, 1, 24));
        var signal = ForwardModel.Simulate(d, KernelPair.PaperT1T2, AcquisitionAxis.PaperT1(12), AcquisitionAxis.PaperT2(15), 300, seed: 3);
        string path = Path.Combine(TestData.NewFolder(), "s.csv");
        using (var w = new StreamWriter(path)) CsvSignal.Write(w, signal);
        var back = CsvSignal.Read(path, new ImportOptions());
        Assert.Equal(Experiment.T1T2, back.Experiment);
        Assert.Equal(signal.Axis1.Values, back.Axis1.Values);
        Assert.Equal(signal.Axis2.Values, back.Axis2.Values);
        for (int i = 0; i < 12; i++)
            for (int j = 0; j < 15; j++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(signal.Values[i, j]), BitConverter.DoubleToInt64Bits(back.Values[i, j]));
        Assert.StartsWith(@"t1\t2,0.0001,", File.ReadAllText(path));
    }

    [Fact]
    public void DistributionCsvHasTheAxesAndTheMatrix()
    {
        var d = Presets.Create("A", RelaxationAxis.LogSpaced("T1", 1e-3, 10, 5), RelaxationAxis.LogSpaced("T2", 1e-4, 1, 4));
        var sw = new StringWriter();
        CsvSignal.Write(sw, d);
        var t = DelimitedText.Read(new StringReader(sw.ToString()), "d.csv");
        Assert.Equal(@"T1\T2", t.Rows[0][0]);
        Assert.Equal(6, t.RowCount);
        Assert.Equal(d.Axis2[3], t.Number(0, 4));
        Assert.Equal(d.Axis1[4], t.Number(5, 0));
        Assert.Equal(d.Values[2, 1], t.Number(3, 2));
    }

    [Fact]
    public void NoiseOfARealOnlyFileIsEstimatedFromTheData()
    {
        var d = Presets.Create("E");
        var signal = ForwardModel.Simulate(d, KernelPair.PaperT1T2, AcquisitionAxis.PaperT1(), AcquisitionAxis.PaperT2(), 100, seed: 11);
        string path = Path.Combine(TestData.NewFolder(), "noisy.csv");
        using (var w = new StreamWriter(path)) CsvSignal.Write(w, signal);
        var back = CsvSignal.Read(path, new ImportOptions());
        Assert.NotNull(back.NoiseSigma);
        Assert.InRange(back.NoiseSigma!.Value / signal.NoiseSigma!.Value, 0.9, 1.1);
        Assert.Contains("estimated", back.Provenance["NoiseSource"]);
    }
}
