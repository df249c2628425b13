using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Formats;

/// <summary>
/// Tecmag TNMR <c>.tnt</c> files (binary, little-endian): the magic <c>TNT1.nnn</c>, then tagged sections (a 4-letter
/// tag, a 4-byte flag, a 4-byte length, the payload): <c>TMAG</c> (the 1024-byte acquisition header: points per
/// dimension at 0 and 16, acquisition points per window at 32, scans at 52, date at 864, nucleus at 896), <c>DATA</c>
/// (complex float32 pairs, the first dimension fastest), <c>TMG2</c> (display settings), and <c>PSEQ</c> (the pulse
/// sequence, which has no length: it runs to the end of the file). The layout follows the TNMR file description that
/// NMRInversions.jl and nmrglue read.
/// <para>
/// How the data are arranged is the pulse sequence's business, and TNMR sequences are written by each lab. This reader
/// handles the relaxation layout of the files it was tested on: each record (the second dimension) holds one or more
/// echo windows of <c>acq_points</c> points each (the first dimension), every window is averaged to one complex value,
/// and
/// <list type="bullet">
/// <item>one record of several windows is a CPMG decay (T2): echo times k x <c>Echo_Time</c>;</item>
/// <item>several records of one window each are a T1 recovery: the recovery delays are the sequence's delay table (a
/// table whose entries are all times, such as <c>de0:2</c> holding "0.090m", "0.205m", ...), the first entry per
/// record;</item>
/// <item>several records of several windows are T1-T2 (recovery x CPMG).</item>
/// </list>
/// The echo time is the sequence variable <c>Echo_Time</c> as the dashboard held it when the data were saved (the
/// first of the two values TNMR stores per variable; the second is not the acquired one: for example Nechoes reads
/// 5000, the echoes in the data, against 1000). -Axis1/-Axis2 (in -TimeUnit) replace what the file says, for sequences
/// that name things differently or for a table that is ambiguous. Complex data are phased with one zero-order phase
/// (<see cref="ZeroOrderPhase"/>), the sign chosen so that the recovered last record (T1, T1-T2), else the least
/// attenuated first record (D-T2, given -Experiment and -Axis1) or the first echoes (T2), are positive; the noise level
/// is estimated from the phased imaginary channel.
/// </para>
/// </summary>
public static class Tecmag
{
    /// <summary>The header's length in the files described (TNT1.005 and TNT1.008).</summary>
    private const int HeaderLength = 1024;

    /// <summary>True when the first bytes are the TNMR magic <c>TNT1.</c> followed by three digits.</summary>
    public static bool LooksLikeTecmag(ReadOnlySpan<byte> head) =>
        head.Length >= 8 && head[..5].SequenceEqual("TNT1."u8) && IsDigit(head[5]) && IsDigit(head[6]) && IsDigit(head[7]);

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    /// <summary>The parts of a .tnt file the reader uses.</summary>
    public sealed class TntFile
    {
        public required string Version { get; init; }
        /// <summary>TMAG npts: the points per dimension the sequence asked for.</summary>
        public required int[] Points { get; init; }
        /// <summary>TMAG actual_npts: the points per dimension in DATA.</summary>
        public required int[] ActualPoints { get; init; }
        /// <summary>TMAG acq_points: the points of one acquisition window.</summary>
        public required int AcquisitionPoints { get; init; }
        public required int Scans { get; init; }
        public required string Date { get; init; }
        public required string Nucleus { get; init; }
        /// <summary>DATA: real and imaginary parts, the first dimension fastest.</summary>
        public required float[] Real { get; init; }
        public required float[] Imaginary { get; init; }
        /// <summary>The bytes from PSEQ to the end of the file (empty when there is no PSEQ).</summary>
        public required byte[] Sequence { get; init; }
    }

    /// <summary>Parses the sections of a .tnt file; <paramref name="source"/> names it in errors.</summary>
    public static TntFile Parse(byte[] bytes, string source)
    {
        if (!LooksLikeTecmag(bytes))
            throw new NmrInputException("TecmagFileInvalid", $"{source} does not start with the TNMR magic 'TNT1.nnn'; it is not a Tecmag .tnt file.", InputProblem.Data);
        var sections = new Dictionary<string, (int Offset, int Length)>(StringComparer.Ordinal);
        int pos = 8;
        while (pos + 8 <= bytes.Length)
        {
            string tag = Encoding.ASCII.GetString(bytes, pos, 4);
            if (tag == "PSEQ")
            {
                sections[tag] = (pos + 8, bytes.Length - pos - 8);
                break;
            }
            if (pos + 12 > bytes.Length) break;
            int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pos + 8));
            if (length < 0 || (long)pos + 12 + length > bytes.Length)
                throw new NmrInputException("TecmagFileTruncated", $"{source}: section '{Printable(tag)}' at byte {pos} claims {length} bytes, but the file ends at {bytes.Length}; the file is cut short or damaged.", InputProblem.Data);
            sections.TryAdd(tag, (pos + 12, length));
            pos += 12 + length;
        }
        foreach (var needed in new[] { "TMAG", "DATA" })
            if (!sections.ContainsKey(needed))
                throw new NmrInputException("TecmagFileTruncated", $"{source} has no {needed} section; a .tnt file holds TMAG (header) and DATA (the signal).", InputProblem.Data);
        var (h, hl) = sections["TMAG"];
        if (hl < HeaderLength)
            throw new NmrInputException("TecmagFileTruncated", $"{source}: the TMAG header has {hl} bytes, expected {HeaderLength}.", InputProblem.Data);
        int Int(int offset) => BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(h + offset));
        int[] Ints(int offset, int n) => Enumerable.Range(0, n).Select(i => Int(offset + 4 * i)).ToArray();
        string Text(int offset, int n) => Encoding.ASCII.GetString(bytes, h + offset, n).Split('\0')[0].Trim();

        var (d, dl) = sections["DATA"];
        int[] actual = Ints(16, 4);
        long expected = actual.Aggregate(1L, (p, n) => p * Math.Max(1, n));
        if (actual.Any(n => n < 0) || dl % 8 != 0 || dl / 8 != expected)
            throw new NmrInputException("TecmagShapeMismatch",
                $"{source}: DATA holds {dl} bytes ({dl / 8.0} complex points) but the header's actual_npts {string.Join(" x ", actual)} needs {expected}.", InputProblem.Data);
        int count = dl / 8;
        var re = new float[count];
        var im = new float[count];
        for (int i = 0; i < count; i++)
        {
            re[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(d + 8 * i));
            im[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(d + 8 * i + 4));
        }
        return new TntFile
        {
            Version = Encoding.ASCII.GetString(bytes, 0, 8),
            Points = Ints(0, 4),
            ActualPoints = actual,
            AcquisitionPoints = Int(32),
            Scans = Int(56) > 0 ? Int(56) : Int(52),   // actual_scans, else scans
            Date = Text(864, 32),
            Nucleus = Text(896, 16),
            Real = re,
            Imaginary = im,
            Sequence = sections.TryGetValue("PSEQ", out var s) ? bytes.AsSpan(s.Offset, s.Length).ToArray() : Array.Empty<byte>(),
        };
    }

    /// <summary>
    /// The sequence's delay tables: a length-prefixed name followed by length-prefixed text of two or more lines, each a
    /// time with a unit (n, u, m or s), in seconds; each name once, in file order.
    /// </summary>
    public static IReadOnlyList<(string Name, double[] Seconds)> DelayTables(byte[] sequence)
    {
        var tables = new List<(string, double[])>();
        for (int i = 0; i + 8 <= sequence.Length; i++)
        {
            if (ReadString(sequence, i, 64) is not { } name || name.Length == 0) continue;
            int next = i + 4 + name.Length;
            if (ReadString(sequence, next, 1 << 20, allowLineBreaks: true) is not { } content || !content.Contains('\n')) continue;
            var lines = content.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var values = lines.Select(ParseTime).ToArray();
            if (values.Length >= 2 && values.All(v => v is not null) && !tables.Any(t => t.Item1 == name))
                tables.Add((name, values.Select(v => v!.Value).ToArray()));
        }
        return tables;
    }

    /// <summary>
    /// The value of sequence variable <paramref name="name"/> in seconds as the dashboard held it: the first record of
    /// the variable (length-prefixed name, a zero word, the length-prefixed value); null when there is none.
    /// </summary>
    public static (double Seconds, string Text)? TimeVariable(byte[] sequence, string name)
    {
        var key = Encoding.ASCII.GetBytes(name);
        for (int i = 0; i + 12 + key.Length <= sequence.Length; i++)
        {
            if (BinaryPrimitives.ReadInt32LittleEndian(sequence.AsSpan(i)) != key.Length || !sequence.AsSpan(i + 4, key.Length).SequenceEqual(key)) continue;
            int next = i + 4 + key.Length;
            if (BinaryPrimitives.ReadInt32LittleEndian(sequence.AsSpan(next)) != 0) continue;
            if (ReadString(sequence, next + 4, 64) is { } text && ParseTime(text) is { } seconds) return (seconds, text);
        }
        return null;
    }

    /// <summary>A TNMR time such as "0.090m", "400u", "1.5s" or "100n" in seconds; null when it is not one.</summary>
    public static double? ParseTime(string text)
    {
        string t = text.Trim();
        if (t.Length < 2) return null;
        int exponent = t[^1] switch { 'n' => -9, 'u' => -6, 'm' => -3, 's' => 0, _ => 1 };
        if (exponent == 1) return null;
        string number = t[..^1];
        // "0.090m" is read as the decimal 0.090e-3, so that the value is the double nearest the time (0.090 * 1e-3 is not).
        bool scientific = number.Contains('e', StringComparison.OrdinalIgnoreCase);
        string decimalText = scientific || exponent == 0 ? number : $"{number}e{exponent}";
        if (!double.TryParse(decimalText, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v)) return null;
        return scientific ? v * Math.Pow(10, exponent) : v;
    }

    /// <summary>
    /// True when the pulse sequence ends as TNMR writes it: with a length-prefixed text (the "Saved with ... TNMR
    /// version" comment) that runs exactly to the end of the file. PSEQ has no length of its own, so this is how a file
    /// cut short inside its pulse sequence is told from a sequence that lacks a table or a variable.
    /// </summary>
    public static bool SequenceLooksComplete(byte[] sequence)
    {
        int last = sequence.Length - 4;
        for (int i = last; i >= Math.Max(0, last - 65536); i--)
        {
            int n = BinaryPrimitives.ReadInt32LittleEndian(sequence.AsSpan(i));
            if (n <= 0 || n != sequence.Length - i - 4) continue;
            var text = sequence.AsSpan(i + 4, n);
            int printable = 0;
            foreach (var c in text) if (c is >= 0x20 and < 0x7F || c is (byte)'\r' or (byte)'\n' or 0) printable++;
            if (printable == n) return true;
        }
        return false;
    }

    /// <summary>The error for a sequence item that is missing: TecmagFileTruncated when the file is cut short, else <paramref name="missing"/>.</summary>
    private static NmrInputException MissingFromSequence(TntFile file, string source, NmrInputException missing) =>
        SequenceLooksComplete(file.Sequence) ? missing
            : new NmrInputException("TecmagFileTruncated",
                $"{source} is cut short: its pulse sequence (PSEQ, {file.Sequence.Length} bytes) ends in the middle of a record instead of with TNMR's closing comment, so the sequence's tables and variables (the axes) are incomplete. Copy the file again from the instrument.", InputProblem.Data);

    /// <summary>An int32-length-prefixed printable string at <paramref name="offset"/> of at most <paramref name="maxLength"/> bytes, or null.</summary>
    private static string? ReadString(byte[] b, int offset, int maxLength, bool allowLineBreaks = false)
    {
        if (offset < 0 || offset + 4 > b.Length) return null;
        int n = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(offset));
        if (n <= 0 || n > maxLength || offset + 4 + n > b.Length) return null;
        var span = b.AsSpan(offset + 4, n);
        foreach (var c in span)
            if (!(c is >= 0x20 and < 0x7F || allowLineBreaks && c is (byte)'\r' or (byte)'\n')) return null;
        return Encoding.ASCII.GetString(span);
    }

    private static string Printable(string s) => new(s.Select(c => c is >= ' ' and < '\x7f' ? c : '?').ToArray());

    public static Signal2D Read(string path, ImportOptions options)
    {
        string source = Path.GetFileName(path);
        var file = Parse(File.ReadAllBytes(path), source);
        int[] actual = file.ActualPoints.Select(n => Math.Max(1, n)).ToArray();
        if (actual[2] > 1 || actual[3] > 1)
            throw new NmrInputException("TecmagShapeUnsupported", $"{source} has {string.Join(" x ", actual)} points; relaxation data have at most two dimensions (echo windows x records).", InputProblem.Data);
        int window = file.AcquisitionPoints > 0 ? file.AcquisitionPoints : Math.Max(1, file.Points[0]);
        if (actual[0] % window != 0)
            throw new NmrInputException("TecmagShapeMismatch", $"{source}: {actual[0]} points per record are not a whole number of acquisition windows of {window} points (TMAG acq_points).", InputProblem.Data);
        int echoes = actual[0] / window, records = actual[1];
        if (echoes * records < 2)
            throw new NmrInputException("TecmagShapeUnsupported", $"{source} holds a single acquisition window ({window} points): a spectrum or FID, not a relaxation measurement.", InputProblem.Data);

        var provenance = new Dictionary<string, string>
        {
            ["File"] = Path.GetFullPath(path),
            ["Format"] = "Tecmag",
            ["Instrument"] = $"Tecmag TNMR ({file.Version})",
            ["Points"] = string.Join(" x ", actual),
            ["EchoWindow"] = $"{window} points (TMAG acq_points), averaged to one value per echo",
            ["Scans"] = file.Scans.ToString(CultureInfo.InvariantCulture),
        };
        if (file.Date.Length > 0) provenance["Date"] = file.Date;
        if (file.Nucleus.Length > 0) provenance["Nucleus"] = file.Nucleus;

        // Average each echo window: values[record, echo].
        var re = new double[records, echoes];
        var im = new double[records, echoes];
        for (int r = 0; r < records; r++)
            for (int e = 0; e < echoes; e++)
            {
                double sr = 0, si = 0;
                int start = r * actual[0] + e * window;
                for (int p = 0; p < window; p++) { sr += file.Real[start + p]; si += file.Imaginary[start + p]; }
                re[r, e] = sr / window;
                im[r, e] = si / window;
            }

        Experiment experiment = options.Experiment ?? (records > 1 && echoes > 1 ? Experiment.T1T2 : records > 1 ? Experiment.T1 : Experiment.T2);
        provenance["ExperimentSource"] = options.Experiment is null ? "the data's shape (records x echo windows)" : "parameter";
        var kernels = KernelPair.For(experiment, options.T1Recovery ?? T1Recovery.Inversion);
        bool twoD = records > 1 && echoes > 1;
        if (kernels.Dimensions != (twoD ? 2 : 1))
            throw new NmrInputException("ExperimentMismatch",
                $"{source} holds {(twoD ? $"{records} records of {echoes} echoes (2D)" : records > 1 ? $"{records} records of one window (1D)" : $"one record of {echoes} echoes (1D)")}; -Experiment {experiment} does not fit it.");

        // The indirect (records) axis and the echo axis, each from the caller or the sequence.
        AcquisitionAxis? recordAxis = null, echoAxis = null;
        if (records > 1)
            recordAxis = AxisFromCaller(options.Axis1, records, kernels.Kernel1, options, source, "first", provenance, "Axis1Source")
                ?? DelayAxis(file, records, kernels.Kernel1, source, provenance);
        if (echoes > 1)
        {
            var kind = twoD ? kernels.Kernel2 : kernels.Kernel1;
            echoAxis = AxisFromCaller(twoD ? options.Axis2 : options.Axis1, echoes, kind, options, source, twoD ? "second" : "first", provenance, twoD ? "Axis2Source" : "Axis1Source")
                ?? EchoAxis(file, echoes, kind, source, provenance, twoD ? "Axis2Source" : "Axis1Source");
        }

        // The sign reference: the recovered last record of a T1 recovery, else the least attenuated first record or echoes.
        bool recovery1 = kernels.Kernel1 is KernelKind.InversionRecovery or KernelKind.SaturationRecovery;
        double[,] signalRe = records > 1 ? re : Transpose(re), signalIm = records > 1 ? im : Transpose(im);
        Func<double[,], double> reference = records == 1 ? x => ZeroOrderPhase.HeadSum(x, Math.Max(1, x.GetLength(0) / 20))
            : recovery1 ? x => ZeroOrderPhase.RowSum(x, -1)
            : x => ZeroOrderPhase.RowSum(x, 0);
        var phased = ZeroOrderPhase.Apply(signalRe, signalIm, reference);
        string sign = records == 1 ? "first echoes" : recovery1 ? "last (recovered) record" : "first (least attenuated) record";
        provenance["Phase"] = string.Create(CultureInfo.InvariantCulture, $"{phased.Degrees:0.###} deg, one zero-order phase maximising the real channel's energy; sign: {sign} positive");

        T1Recovery recovery = options.T1Recovery ?? T1Recovery.Inversion;
        if (experiment == Experiment.T1 && options.T1Recovery is null)
        {
            // A 1D recovery that never goes negative is a saturation recovery.
            recovery = phased.Real[0, 0] < 0 ? T1Recovery.Inversion : T1Recovery.Saturation;
            kernels = KernelPair.For(experiment, recovery);
            provenance["T1RecoverySource"] = "inferred from the curve (starts negative: inversion recovery; else saturation recovery)";
        }
        if (kernels.Kernel1 == KernelKind.InversionRecovery || kernels.Kernel1 == KernelKind.SaturationRecovery) provenance["T1Recovery"] = recovery.ToString();
        provenance["Experiment"] = kernels.Experiment.ToString();

        AcquisitionAxis axis1, axis2;
        if (twoD) { axis1 = recordAxis!; axis2 = echoAxis!; }
        else { axis1 = recordAxis ?? echoAxis!; axis2 = AcquisitionAxis.Single(); }
        provenance["Axis1"] = axis1.ToString();
        if (twoD) provenance["Axis2"] = axis2.ToString();
        double sigma = NoiseEstimation.FromQuadratureChannel(phased.Imaginary);
        return MeasuredSignal.Create(phased.Real, axis1, axis2, kernels, options.Name ?? Path.GetFileNameWithoutExtension(path), provenance, options.NoiseSigma,
            (sigma, "estimated: robust sd of neighbour differences of the phased imaginary channel"));
    }

    private static AcquisitionAxis? AxisFromCaller(double[]? values, int count, KernelKind kind, ImportOptions options, string source, string which,
        Dictionary<string, string> provenance, string key)
    {
        if (values is null) return null;
        if (values.Length != count)
            throw new NmrInputException("AxisLengthMismatch", $"{source}: the {which} axis has {count} points in the file, but {values.Length} values were given.", InputProblem.Argument);
        provenance[key] = "parameter";
        return CsvSignal.MakeAxis(kind, values, options, source, which);
    }

    private static AcquisitionAxis DelayAxis(TntFile file, int records, KernelKind kind, string source, Dictionary<string, string> provenance)
    {
        if (kind is not (KernelKind.InversionRecovery or KernelKind.SaturationRecovery))
            throw new NmrInputException("TecmagAxisMissing", $"{source}: the records' axis ({Kernel.AcquisitionName(kind)}) is not stored in a .tnt file; pass its {records} values as -Axis1.", InputProblem.Data);
        var tables = DelayTables(file.Sequence).Where(t => t.Seconds.Length >= records).ToList();
        if (tables.Count == 0)
            throw MissingFromSequence(file, source, new NmrInputException("TecmagDelayTableMissing",
                $"{source}: {records} records, but the pulse sequence has no delay table of at least {records} times; pass the recovery delays as -Axis1 (with -TimeUnit).", InputProblem.Data));
        if (tables.Count > 1)
            throw new NmrInputException("TecmagDelayTableAmbiguous",
                $"{source}: {records} records and several delay tables of at least {records} times ({string.Join(", ", tables.Select(t => $"{t.Name}: {t.Seconds.Length}"))}); pass the recovery delays as -Axis1 (with -TimeUnit).", InputProblem.Data);
        var (name, seconds) = tables[0];
        provenance["Axis1Source"] = $"delay table {name} of the pulse sequence ({(seconds.Length == records ? "all" : $"the first {records} of")} {seconds.Length} entries)";
        try
        {
            return new AcquisitionAxis(Kernel.AcquisitionName(kind), seconds.Take(records).ToArray());
        }
        catch (NmrInputException e)
        {
            throw new NmrInputException(e.ErrorId, $"{source}: delay table {name} is not usable as recovery times: {e.Message} Pass them as -Axis1.", InputProblem.Data);
        }
    }

    private static AcquisitionAxis EchoAxis(TntFile file, int echoes, KernelKind kind, string source, Dictionary<string, string> provenance, string key)
    {
        const string variable = "Echo_Time";
        if (kind != KernelKind.T2Decay)
            throw new NmrInputException("TecmagAxisMissing", $"{source}: the echoes' axis ({Kernel.AcquisitionName(kind)}) is not stored in a .tnt file; pass its {echoes} values.", InputProblem.Data);
        var echoTime = TimeVariable(file.Sequence, variable)
            ?? throw MissingFromSequence(file, source, new NmrInputException("TecmagEchoTimeMissing",
                $"{source}: {echoes} echoes, but the pulse sequence has no variable {variable} with a time; pass the echo times as -Axis{(key == "Axis1Source" ? 1 : 2)} (with -TimeUnit).", InputProblem.Data));
        provenance[key] = $"{echoes} echoes at k x {variable} = {echoTime.Text} (pulse sequence variable)";
        return AcquisitionAxis.EchoTrain(echoTime.Seconds, echoes);
    }

    private static double[,] Transpose(double[,] x)
    {
        int n1 = x.GetLength(0), n2 = x.GetLength(1);
        var t = new double[n2, n1];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++) t[j, i] = x[i, j];
        return t;
    }
}
