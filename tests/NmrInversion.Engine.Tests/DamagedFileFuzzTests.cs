using System.Diagnostics;
using System.Globalization;
using System.Text;
using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using Xunit;
using Xunit.Abstractions;

namespace NmrInversion.Engine.Tests;

/// <summary>
/// A seeded fuzz test of every importer: damaged copies (truncations, bit flips, deleted and repeated bytes and lines,
/// huge, negative and zero counts, NaN and infinite numbers) of one small valid file per format are read with
/// <see cref="SignalImport.Read"/>. Each must either read or fail with an <see cref="NmrInputException"/> carrying a stable
/// ErrorId (never a raw .NET exception), within a few seconds and without allocating beyond a bound.
/// </summary>
public sealed class DamagedFileFuzzTests
{
    private const int Seed = 20240611;
    private const int DamagedPerBase = 260;
    private static readonly TimeSpan PerFileLimit = TimeSpan.FromSeconds(5);
    private const long AllocationLimit = 256L << 20;

    private readonly ITestOutputHelper _output;

    public DamagedFileFuzzTests(ITestOutputHelper output) => _output = output;

    /// <summary>A valid measurement: its files (name, bytes; a Spinsolve folder has two), the file to read, the options.</summary>
    private sealed record Base(string Format, (string Name, byte[] Bytes)[] Files, string Read, ImportOptions Options);

    [Fact]
    public void DamagedFilesOfEveryFormatGiveStableErrorsQuickly()
    {
        var bases = Bases();
        foreach (var b in bases) ReadOnce(b, b.Files, "undamaged").ShouldRead(b.Format);

        var random = new Random(Seed);
        var clock = Stopwatch.StartNew();
        int files = 0, read = 0;
        var ids = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var b in bases)
        {
            for (int k = 0; k < DamagedPerBase; k++)
            {
                var damaged = b.Files.Select(f => (f.Name, (byte[])f.Bytes.Clone())).ToArray();
                int which = random.Next(damaged.Length);
                string how = Damage(ref damaged[which].Item2, random);
                var outcome = ReadOnce(b, damaged, $"{b.Format} #{k} ({damaged[which].Name}: {how})");
                files++;
                if (outcome.Failure is { } f) failures.Add(f);
                else if (outcome.ErrorId is { } id) ids[id] = ids.GetValueOrDefault(id) + 1;
                else read++;
            }
        }
        _output.WriteLine($"{files} damaged files in {clock.Elapsed.TotalSeconds:F1} s: {read} still read, errors {string.Join(", ", ids.Select(p => $"{p.Key} {p.Value}"))}.");
        Assert.True(files >= 2000, $"only {files} damaged files");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(ids.Count >= 10, "the damage should reach many checks: " + string.Join(", ", ids.Keys));
    }

    private sealed record Outcome(string? ErrorId, string? Failure)
    {
        public void ShouldRead(string format)
        {
            Assert.True(Failure is null && ErrorId is null, $"the undamaged {format} file must read: {Failure ?? ErrorId}");
        }
    }

    /// <summary>Writes the files into a fresh folder and reads them on a worker thread, with the time and allocation bounds.</summary>
    private static Outcome ReadOnce(Base b, (string Name, byte[] Bytes)[] files, string label)
    {
        string folder = TestData.NewFolder();
        try
        {
            foreach (var (name, bytes) in files) File.WriteAllBytes(Path.Combine(folder, name), bytes);
            string path = Path.Combine(folder, b.Read);
            Exception? error = null;
            long allocated = 0;
            var task = Task.Factory.StartNew(() =>
            {
                // This thread's allocations only: the process-wide count also holds what test classes running in
                // parallel allocate (954 MB once around an undamaged minispec file), and the import reads on this thread.
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    SignalImport.Read(path, b.Options);
                }
                catch (Exception e)
                {
                    error = e;
                }
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            if (!task.Wait(PerFileLimit)) return new Outcome(null, $"{label}: still reading after {PerFileLimit.TotalSeconds} s");
            if (allocated > AllocationLimit) return new Outcome(null, $"{label}: allocated {allocated >> 20} MB");
            return error switch
            {
                null => new Outcome(null, null),
                NmrInputException e when !string.IsNullOrWhiteSpace(e.ErrorId) && e.Message.Length > 0 => new Outcome(e.ErrorId, null),
                _ => new Outcome(null, $"{label}: {error.GetType().FullName}: {error.Message}\n{error.StackTrace?.Split('\n').FirstOrDefault()}"),
            };
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>One kind of damage, chosen at random; returns what was done.</summary>
    private static string Damage(ref byte[] bytes, Random r)
    {
        int n = bytes.Length;
        switch (r.Next(9))
        {
            case 0:
            {
                int cut = n == 0 ? 0 : r.Next(n);
                bytes = bytes[..cut];
                return $"cut at {cut}";
            }
            case 1:
            {
                int flips = 1 + r.Next(8);
                for (int i = 0; i < flips && n > 0; i++) bytes[r.Next(n)] ^= (byte)(1 << r.Next(8));
                return $"{flips} bit flips";
            }
            case 2:
            {
                if (n == 0) return "empty";
                int at = r.Next(n), len = Math.Min(n - at, 1 + r.Next(64));
                bytes = bytes[..at].Concat(bytes[(at + len)..]).ToArray();
                return $"{len} bytes deleted at {at}";
            }
            case 3:
            {
                if (n == 0) return "empty";
                int at = r.Next(n), len = Math.Min(n - at, 1 + r.Next(256));
                bytes = bytes[..(at + len)].Concat(bytes[at..]).ToArray();
                return $"{len} bytes repeated at {at}";
            }
            case 4 when IsBinary(bytes):
            {
                // A 32-bit count or length overwritten: anywhere in the first 2 KB (Tecmag: section lengths, TMAG counts).
                int at = r.Next(Math.Max(1, Math.Min(n, 2048) - 4)) & ~3;
                int value = new[] { int.MaxValue, int.MinValue, -1, 0, 1_000_000_000, 1 << 20, r.Next() }[r.Next(7)];
                if (at + 4 <= n) BitConverter.GetBytes(value).CopyTo(bytes, at);
                return $"int32 {value} at {at}";
            }
            case 4 or 5:
            {
                // A number of the text replaced by a huge, negative, zero or fractional count.
                string huge = new[] { "1000000000", "2147483648", "99999999999999999999", "-5", "0", "1e308", "3.5", "-1e-300" }[r.Next(8)];
                return ReplaceNumber(ref bytes, r, huge);
            }
            case 6:
            {
                string bad = new[] { "NaN", "Infinity", "-Infinity", "nan", "1e999", "" }[r.Next(6)];
                return ReplaceNumber(ref bytes, r, bad);
            }
            case 7:
            {
                var lines = Encoding.Latin1.GetString(bytes).Split('\n').ToList();
                if (lines.Count < 2) return "one line";
                int at = r.Next(lines.Count);
                if (r.Next(2) == 0) lines.RemoveAt(at); else lines.Insert(at, lines[r.Next(lines.Count)]);
                bytes = Encoding.Latin1.GetBytes(string.Join('\n', lines));
                return $"line {at} deleted or repeated";
            }
            default:
            {
                int len = 1 + r.Next(16);
                var junk = new byte[len];
                r.NextBytes(junk);
                int at = n == 0 ? 0 : r.Next(n);
                bytes = bytes[..at].Concat(junk).Concat(bytes[at..]).ToArray();
                return $"{len} random bytes inserted at {at}";
            }
        }
    }

    private static bool IsBinary(byte[] bytes) => bytes.Length >= 8 && Tecmag.LooksLikeTecmag(bytes);

    /// <summary>Replaces one number of the text (a run of digits, chosen at random) with <paramref name="text"/>.</summary>
    private static string ReplaceNumber(ref byte[] bytes, Random r, string text)
    {
        var numbers = new List<(int Start, int Length)>();
        for (int i = 0; i < bytes.Length && numbers.Count < 5000;)
        {
            if (bytes[i] is >= (byte)'0' and <= (byte)'9')
            {
                int s = i;
                while (i < bytes.Length && (bytes[i] is >= (byte)'0' and <= (byte)'9' or (byte)'.' or (byte)'e' or (byte)'-')) i++;
                numbers.Add((s, i - s));
            }
            else i++;
        }
        if (numbers.Count == 0) return "no number";
        var (start, length) = numbers[r.Next(numbers.Count)];
        bytes = bytes[..start].Concat(Encoding.ASCII.GetBytes(text)).Concat(bytes[(start + length)..]).ToArray();
        return $"number at {start} -> '{text}'";
    }

    /// <summary>One small valid measurement per format (real files, cut to a few hundred points where they are long).</summary>
    private static List<Base> Bases()
    {
        var list = new List<Base>();
        byte[] Real(string relative) => File.ReadAllBytes(TestData.Real(relative));
        string[] Lines(string relative) => File.ReadAllLines(TestData.Real(relative));

        list.Add(new Base("Csv T1", new[] { ("IR.csv", Real("csv/IR_sandstone.csv")) }, "IR.csv", new ImportOptions { Experiment = Experiment.T1 }));
        list.Add(new Base("Csv D", new[] { ("PFG.csv", Real("csv/PFG_water.csv")) }, "PFG.csv", new ImportOptions { Experiment = Experiment.D, BFactor = 1e9 }));
        list.Add(new Base("Csv auto", new[] { ("CPMG.csv", Real("csv/CPMG_graphene.csv")) }, "CPMG.csv", new ImportOptions { Experiment = Experiment.T2 }));

        // A small 2D signal in both of the module's own formats.
        var t1 = new AcquisitionAxis("t1", Axis.LogSpace(1e-3, 3, 8));
        var t2 = new AcquisitionAxis("t2", Enumerable.Range(1, 24).Select(k => 2e-3 * k).ToArray());
        var values = new double[8, 24];
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 24; j++) values[i, j] = (1 - 2 * Math.Exp(-t1[i] / 0.2)) * Math.Exp(-t2[j] / 0.02) + 1e-3 * Math.Sin(7 * i + j);
        var signal = new Signal2D(values, t1, t2, KernelPair.For(Experiment.T1T2, T1Recovery.Inversion), noiseSigma: 1e-3, name: "fuzz");
        var json = new MemoryStream();
        SignalJson.Write(json, signal);
        list.Add(new Base("Json", new[] { ("s.json", json.ToArray()) }, "s.json", new ImportOptions()));
        var csv = new StringWriter();
        CsvSignal.Write(csv, signal);
        list.Add(new Base("Csv 2D", new[] { ("s.csv", Encoding.UTF8.GetBytes(csv.ToString())) }, "s.csv", new ImportOptions()));

        list.Add(new Base("GeoSpec T1", new[] { ("IR.txt", Real("geospec_txt/IR_bunter.txt")) }, "IR.txt", new ImportOptions()));
        // The CPMG export cut to its first 300 echoes (Dimensions adjusted).
        var cpmg = Lines("geospec_txt/CPMG_bunter.txt");
        int data = Array.IndexOf(cpmg, "[Data]");
        var shortCpmg = cpmg.Take(data + 2 + 300).Select(l => l.StartsWith("Dimensions=", StringComparison.Ordinal) ? "Dimensions=300,1" : l);
        list.Add(new Base("GeoSpec T2", new[] { ("CPMG.txt", Encoding.UTF8.GetBytes(string.Join("\r\n", shortCpmg) + "\r\n")) }, "CPMG.txt", new ImportOptions()));

        var dps = Lines("bruker/minispec/cpmg.dps").Take(300);
        list.Add(new Base("Minispec", new[] { ("cpmg.dps", Encoding.ASCII.GetBytes(string.Join("\r\n", dps) + "\r\n")) }, "cpmg.dps", new ImportOptions()));

        // Spinsolve T1IRT2: 6 of the 16 inversion times, the first 32 echoes.
        var par = Lines("spinsolve_txt/IRCPMG/acqu.par")
            .Select(l => l.StartsWith("nrEchoes", StringComparison.Ordinal) ? "nrEchoes = 32" : l.StartsWith("tauSteps", StringComparison.Ordinal) ? "tauSteps = 6" : l);
        var rows = Lines("spinsolve_txt/IRCPMG/T1IRT2.dat").Where(l => l.Trim().Length > 0).ToArray();
        var separators = new[] { ',', ' ', '\t', ';' };
        var picked = new[] { 0, 3, 6, 9, 12, 15 }.Select(i => string.Join(",", rows[i].Split(separators, StringSplitOptions.RemoveEmptyEntries).Take(64)));
        list.Add(new Base("Spinsolve", new[]
        {
            ("acqu.par", Encoding.UTF8.GetBytes(string.Join("\n", par) + "\n")),
            ("T1IRT2.dat", Encoding.ASCII.GetBytes(string.Join("\n", picked) + "\n")),
        }, "T1IRT2.dat", new ImportOptions()));

        list.Add(new Base("Tecmag T1", new[] { ("IR.tnt", Real("tecmag_tnt/IR_silicon_oil.tnt")) }, "IR.tnt", new ImportOptions()));
        return list;
    }
}
