using System.Text;
using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Inversion;
using Xunit;
using Xunit.Abstractions;

namespace NmrInversion.Engine.Tests;

public class TecmagTests(ITestOutputHelper output)
{
    /// <summary>
    /// Writes a .tnt file with the layout TNMR uses: magic, TMAG (1024 bytes), DATA (complex float32), TMG2, and PSEQ
    /// holding the given delay tables and the first records of time variables.
    /// </summary>
    private static string WriteTnt(int window, int echoes, int records, Func<int, int, (double Re, double Im)> echo,
        (string Name, string[] Entries)[] tables, (string Name, string Value)[] variables, int headerExtraPoints = 0)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms, Encoding.ASCII);
        void Str(string s) { w.Write(s.Length); w.Write(Encoding.ASCII.GetBytes(s)); }
        w.Write(Encoding.ASCII.GetBytes("TNT1.008"));
        w.Write(Encoding.ASCII.GetBytes("TMAG")); w.Write(1); w.Write(1024);
        var header = new byte[1024];
        void Int(int offset, int v) => BitConverter.GetBytes(v).CopyTo(header, offset);
        Int(0, window); Int(4, records); Int(8, 1); Int(12, 1);                   // npts
        Int(16, window * echoes + headerExtraPoints); Int(20, records); Int(24, 1); Int(28, 1);       // actual_npts
        Int(32, window);                                                         // acq_points
        Int(52, 64); Int(56, 64);                                                // scans, actual_scans
        Encoding.ASCII.GetBytes("2026/11/30 12:00:00").CopyTo(header, 864);
        Encoding.ASCII.GetBytes("H1").CopyTo(header, 896);
        w.Write(header);
        int points = window * echoes * records;
        w.Write(Encoding.ASCII.GetBytes("DATA")); w.Write(1); w.Write(8 * points);
        for (int r = 0; r < records; r++)
            for (int e = 0; e < echoes; e++)
            {
                var (re, im) = echo(r, e);
                // The window's points average to (re, im): a ramp that sums to zero on top.
                for (int p = 0; p < window; p++)
                {
                    float ramp = window > 1 ? (float)(p - (window - 1) / 2.0) : 0f;
                    w.Write((float)re + ramp); w.Write((float)im - ramp);
                }
            }
        w.Write(Encoding.ASCII.GetBytes("TMG2")); w.Write(1); w.Write(16); w.Write(new byte[16]);
        w.Write(Encoding.ASCII.GetBytes("PSEQ")); w.Write(1); w.Write(Encoding.ASCII.GetBytes("1.18 BIN"));
        w.Write(new byte[12]);
        Str("Delay"); Str("de0:2"); w.Write(0);                                  // a table used in the sequence grid: a name, not a table
        Str("ph1"); Str("0 1 2 3");                                              // a phase table: no times
        foreach (var (name, entries) in tables) { Str(name); Str(string.Join("\r\n", entries)); w.Write(new byte[8]); }
        Str("=[Echo_Time]/2-[p90]/2"); w.Write(new byte[4]);                      // a formula naming the variable
        foreach (var (name, value) in variables)
        {
            Str(name); Str("999u"); w.Write(new byte[8]);                         // a record without the zero word: not the acquired value
            Str(name); w.Write(0); Str(value); w.Write(new byte[12]);               // the dashboard's record
        }
        Str("Saved with 64-bit TNMR version:  3.4.31  Build 171107#Experiment by User:  synthetic\0"); // the closing comment
        w.Flush();
        string path = Path.Combine(TestData.NewFolder(), "synthetic.tnt");
        File.WriteAllBytes(path, ms.ToArray());
        return path;
    }

    private static readonly (string, string[])[] DelayTable = { ("de0:2", new[] { "2u", "0.500m", "10.0m", "0.1s", "1000.0m", "5s" }) };

    [Fact]
    public void T1T2RecordsOfEchoWindowsRoundTripWithTheirAxesAndPhase()
    {
        // 5 recovery delays (the table has 6; the first 5 were acquired) x 12 echoes of 4 points, phase 40 degrees.
        double phase = 40 * Math.PI / 180;
        double[] tau = { 2e-6, 0.5e-3, 10e-3, 0.1, 1.0 };
        var table = new[] { ("de0:2", tau.Select(t => $"{t * 1e3:0.000}m").Append("5s").ToArray()) };
        double Truth(int r, int e) => (1 - 2 * Math.Exp(-tau[r] / 0.05)) * Math.Exp(-(e + 1) * 300e-6 / 0.02) * 1000;
        string path = WriteTnt(4, 12, 5, (r, e) => (Truth(r, e) * Math.Cos(phase), Truth(r, e) * Math.Sin(phase)),
            table, new[] { ("Echo_Time", "300u") });

        var s = SignalImport.Read(path, new ImportOptions());
        output.WriteLine(string.Join("\n", s.Provenance.Select(p => $"{p.Key} = {p.Value}")));
        Assert.Equal(Experiment.T1T2, s.Experiment);
        Assert.Equal("Tecmag", s.Provenance["Format"]);
        Assert.Equal(5, s.Axis1.Count);
        Assert.Equal(12, s.Axis2.Count);
        for (int r = 0; r < 5; r++) Assert.Equal(tau[r], s.Axis1[r], 12);
        Assert.Equal(300e-6, s.Axis2[0], 15);
        Assert.Equal(12 * 300e-6, s.Axis2.Maximum, 15);
        Assert.Contains("first 5 of 6", s.Provenance["Axis1Source"]);
        Assert.Contains("300u", s.Provenance["Axis2Source"]);
        for (int r = 0; r < 5; r++)
            for (int e = 0; e < 12; e++) Assert.Equal(Truth(r, e), s.Values[r, e], 1e-3 * Math.Abs(Truth(r, e)) + 1e-3);
        Assert.StartsWith("40", s.Provenance["Phase"]);
        Assert.Equal("2026/11/30 12:00:00", s.Provenance["Date"]);
        Assert.Equal("64", s.Provenance["Scans"]);
    }

    [Fact]
    public void OneRecordOfEchoesIsACpmgDecayAndRecordsOfOneWindowAT1Recovery()
    {
        var cpmg = SignalImport.Read(WriteTnt(2, 30, 1, (_, e) => (-Math.Exp(-(e + 1) / 10.0), 0), DelayTable, new[] { ("Echo_Time", "1.5m") }), new ImportOptions());
        Assert.Equal(Experiment.T2, cpmg.Experiment);
        Assert.Equal(30, cpmg.Axis1.Count);
        Assert.Equal(1.5e-3, cpmg.Axis1[0], 15);
        Assert.Equal(Math.Exp(-0.1), cpmg.Values[0, 0], 6);   // phased so that the first echoes are positive

        double[] tau = { 2e-6, 0.5e-3, 10e-3, 0.1, 1.0, 5.0 };
        var sr = SignalImport.Read(WriteTnt(8, 1, 6, (r, _) => (0, 1 - Math.Exp(-tau[r] / 0.2)), DelayTable, Array.Empty<(string, string)>()), new ImportOptions());
        Assert.Equal(Experiment.T1, sr.Experiment);
        Assert.Equal(KernelKind.SaturationRecovery, sr.Kernels.Kernel1);  // never negative
        Assert.Equal(5.0, sr.Axis1.Maximum, 12);
        Assert.Equal(1 - Math.Exp(-25), sr.Values[5, 0], 6);

        var ir = SignalImport.Read(WriteTnt(8, 1, 6, (r, _) => (1 - 2 * Math.Exp(-tau[r] / 0.2), 0), DelayTable, Array.Empty<(string, string)>()), new ImportOptions());
        Assert.Equal(KernelKind.InversionRecovery, ir.Kernels.Kernel1);
    }

    [Fact]
    public void AxesGivenByTheCallerReplaceTheSequencesAndMustHaveTheDataLength()
    {
        string path = WriteTnt(2, 20, 1, (_, e) => (Math.Exp(-(e + 1) / 10.0), 0), DelayTable, Array.Empty<(string, string)>());
        var e = Assert.Throws<NmrInputException>(() => SignalImport.Read(path, new ImportOptions()));
        Assert.Equal("TecmagEchoTimeMissing", e.ErrorId);
        Assert.Contains("-Axis1", e.Message);
        var given = Enumerable.Range(1, 20).Select(k => 0.2 * k).ToArray();
        var s = SignalImport.Read(path, new ImportOptions { Axis1 = given, TimeDivisor = 1000 });
        Assert.Equal(0.2e-3, s.Axis1[0], 15);
        Assert.Equal("parameter", s.Provenance["Axis1Source"]);
        e = Assert.Throws<NmrInputException>(() => SignalImport.Read(path, new ImportOptions { Axis1 = given[..19] }));
        Assert.Equal("AxisLengthMismatch", e.ErrorId);
    }

    [Fact]
    public void ADiffusionSeriesTakesItsBValuesFromTheCallerAndKeepsItsFirstRecordPositive()
    {
        double[] b = { 1e8, 1e9, 3e9, 6e9 };
        // Stored with the opposite sign: the phase's sign must come from the least attenuated (first) record.
        string path = WriteTnt(2, 10, 4, (r, e) => (-Math.Exp(-b[r] * 2e-9) * Math.Exp(-(e + 1) * 1e-3 / 0.1), 0), DelayTable, new[] { ("Echo_Time", "1m") });
        var e = Assert.Throws<NmrInputException>(() => SignalImport.Read(path, new ImportOptions { Experiment = Experiment.DT2 }));
        Assert.Equal("TecmagAxisMissing", e.ErrorId);
        var s = SignalImport.Read(path, new ImportOptions { Experiment = Experiment.DT2, Axis1 = b });
        Assert.Equal(KernelKind.Diffusion, s.Kernels.Kernel1);
        Assert.Equal(6e9, s.Axis1.Maximum);
        Assert.Equal(Math.Exp(-0.2) * Math.Exp(-0.01), s.Values[0, 0], 6);
        Assert.Contains("first (least attenuated) record", s.Provenance["Phase"]);
    }

    [Fact]
    public void MissingAmbiguousOrShortDelayTablesAreNamed()
    {
        (string, string)[] none = Array.Empty<(string, string)>();
        var e = Assert.Throws<NmrInputException>(() => SignalImport.Read(WriteTnt(1, 1, 4, (r, _) => (r, 0), Array.Empty<(string, string[])>(), none), new ImportOptions()));
        Assert.Equal("TecmagDelayTableMissing", e.ErrorId);
        e = Assert.Throws<NmrInputException>(() => SignalImport.Read(WriteTnt(1, 1, 4, (r, _) => (r, 0), new[] { ("de0:2", new[] { "1m", "2m", "3m" }) }, none), new ImportOptions()));
        Assert.Equal("TecmagDelayTableMissing", e.ErrorId);   // 3 entries for 4 records
        var two = new[] { ("de0:2", new[] { "1m", "2m", "3m", "4m" }), ("vd", new[] { "1u", "2u", "3u", "4u", "5u" }) };
        e = Assert.Throws<NmrInputException>(() => SignalImport.Read(WriteTnt(1, 1, 4, (r, _) => (r, 0), two, none), new ImportOptions()));
        Assert.Equal("TecmagDelayTableAmbiguous", e.ErrorId);
        Assert.Contains("de0:2: 4, vd: 5", e.Message);
        var unsorted = new[] { ("de0:2", new[] { "1m", "3m", "2m", "4m" }) };
        e = Assert.Throws<NmrInputException>(() => SignalImport.Read(WriteTnt(1, 1, 4, (r, _) => (r, 0), unsorted, none), new ImportOptions()));
        Assert.Equal("AxisNotIncreasing", e.ErrorId);
        Assert.Contains("de0:2", e.Message);
    }

    [Fact]
    public void DamagedFilesAreRefusedWithTheirSizes()
    {
        string path = WriteTnt(2, 10, 1, (_, e) => (1, 0), DelayTable, new[] { ("Echo_Time", "1m") });
        var bytes = File.ReadAllBytes(path);
        string cut = Path.Combine(TestData.NewFolder(), "cut.tnt");
        File.WriteAllBytes(cut, bytes[..600]);
        var e = Assert.Throws<NmrInputException>(() => SignalImport.Read(cut, new ImportOptions()));
        Assert.Equal("TecmagFileTruncated", e.ErrorId);
        Assert.Equal(InputProblem.Data, e.Problem);

        string wrong = WriteTnt(2, 10, 1, (_, e) => (1, 0), DelayTable, new[] { ("Echo_Time", "1m") }, headerExtraPoints: 1);
        e = Assert.Throws<NmrInputException>(() => SignalImport.Read(wrong, new ImportOptions { Format = SignalFormat.Tecmag }));
        Assert.Equal("TecmagShapeMismatch", e.ErrorId);
        Assert.Contains("160 bytes (20 complex points)", e.Message);
        Assert.Contains("21 x 1 x 1 x 1 needs 21", e.Message);

        string csv = TestData.Write("a.csv", "1,2\n2,3\n");
        e = Assert.Throws<NmrInputException>(() => SignalImport.Read(csv, new ImportOptions { Format = SignalFormat.Tecmag }));
        Assert.Equal("TecmagFileInvalid", e.ErrorId);
    }

    [Theory]
    [InlineData("0.090m", 0.090e-3)]
    [InlineData("400u", 400e-6)]
    [InlineData("1.5s", 1.5)]
    [InlineData("100n", 100e-9)]
    [InlineData("2e-3s", 2e-3)]
    [InlineData("400", null)]
    [InlineData("1 2 3", null)]
    [InlineData("m", null)]
    public void TimesCarryTnmrUnits(string text, double? seconds) =>
        Assert.Equal(seconds, Tecmag.ParseTime(text));

    [Fact]
    public void RealInversionRecoveryReadsSixteenDelaysFromTheSequencesTable()
    {
        string path = TestData.Real("tecmag_tnt/IR_silicon_oil.tnt");
        Assert.Equal(SignalFormat.Tecmag, FormatDetection.Detect(path));
        var s = SignalImport.Read(path, new ImportOptions());
        output.WriteLine(string.Join("\n", s.Provenance.Select(p => $"{p.Key} = {p.Value}")));
        Assert.Equal(Experiment.T1, s.Experiment);
        Assert.Equal(KernelKind.InversionRecovery, s.Kernels.Kernel1);
        Assert.Equal(16, s.Axis1.Count);                   // actual_npts 8 x 16: 16 records of one 8-point window
        Assert.Equal(0.090e-3, s.Axis1[0], 15);            // de0:2 = 0.090m, 0.205m, ..., 9999.990m (+4 unused)
        Assert.Equal(9999.990e-3, s.Axis1.Maximum, 12);
        Assert.Contains("de0:2", s.Provenance["Axis1Source"]);
        Assert.Equal("H1", s.Provenance["Nucleus"]);
        // Phasing keeps each point's modulus: compare with the mean of the first record's 8 complex points, read here
        // straight from the bytes (DATA follows the 1024-byte TMAG at 8 + 12 + 1024 + 12).
        var raw = File.ReadAllBytes(path);
        double mr = 0, mi = 0;
        for (int p = 0; p < 8; p++)
        {
            mr += BitConverter.ToSingle(raw, 1056 + 8 * p) / 8.0;
            mi += BitConverter.ToSingle(raw, 1056 + 8 * p + 4) / 8.0;
        }
        double modulus = Math.Sqrt(mr * mr + mi * mi);
        Assert.InRange(-s.Values[0, 0], 0.99 * modulus, modulus * (1 + 1e-12));
        Assert.True(s.Values[15, 0] > 0);
    }

    [Fact]
    public void RealCpmgIsFiveThousandEchoesAtTheDashboardsEchoTimeAndFitsAtTheNoiseLevel()
    {
        var s = SignalImport.Read(TestData.Real("tecmag_tnt/CPMG_silicon_oil.tnt"), new ImportOptions());
        output.WriteLine(string.Join("\n", s.Provenance.Select(p => $"{p.Key} = {p.Value}")));
        Assert.Equal(Experiment.T2, s.Experiment);
        Assert.Equal(5000, s.Axis1.Count);                 // 40000 points = 5000 windows of acq_points 8 (Nechoes = 5000)
        Assert.Equal(200e-6, s.Axis1[0], 15);              // Echo_Time's first record, 200u (its second reads 300u)
        Assert.Equal(1.0, s.Axis1.Maximum, 12);
        Assert.True(s.NoiseSigma > 0);
        var fit = TikhonovInversion.Invert(s);
        output.WriteLine($"misfit {fit.Misfit}");
        Assert.InRange(fit.Misfit, 0.8, 2.0);
    }
}
