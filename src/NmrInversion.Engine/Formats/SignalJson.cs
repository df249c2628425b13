using System.Text;
using System.Text.Json;
using NmrInversion.Engine.Analysis;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Formats;

/// <summary>
/// The module's own JSON form of signals and distributions. It round-trips exactly: numbers are written in the
/// shortest form that parses back to the same double (System.Text.Json writes doubles round-trip), and reading
/// restores axes, kernels, noise level, SNR, seed, provenance and, for simulated signals, the truth distribution.
/// <code>
/// { "format": "NmrInversion.Signal", "version": 1, "name": "A", "experiment": "T1T2",
///   "kernel1": "InversionRecovery", "kernel2": "T2Decay",
///   "axis1": { "name": "t1", "values": [...] }, "axis2": {...}, "relaxationAxis1": {...}, "relaxationAxis2": {...},
///   "noiseSigma": 0.01, "snr": 100, "seed": 1, "provenance": { ... }, "values": [[row 1], [row 2], ...],
///   "truth": { "format": "NmrInversion.Distribution", ... } }
/// </code>
/// </summary>
public static class SignalJson
{
    public const string SignalFormatName = "NmrInversion.Signal";
    public const string DistributionFormatName = "NmrInversion.Distribution";
    public const int Version = 1;

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true };

    public static void Write(Stream stream, Signal2D signal)
    {
        signal.CheckFinite();
        signal.Truth?.CheckValues();
        using var w = new Utf8JsonWriter(stream, WriterOptions);
        WriteSignal(w, signal);
    }

    public static void Write(Stream stream, Distribution2D distribution)
    {
        distribution.CheckValues();
        using var w = new Utf8JsonWriter(stream, WriterOptions);
        WriteDistribution(w, distribution);
    }

    /// <summary>
    /// Writes an inversion result's distribution with a "result" object beside it: the sample's name, source file,
    /// experiment, method, alpha and beta and the rule that chose them, misfit, noise level, amplitude, seconds, the
    /// module version, the acquisition axes, the signal's provenance and warnings (id and message). Reads
    /// back as a distribution (<see cref="ReadDistribution(string)"/>); non-finite numbers are written as null.
    /// </summary>
    public static void Write(Stream stream, InversionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var w = new Utf8JsonWriter(stream, WriterOptions);
        WriteDistribution(w, result.Distribution, result);
    }

    public static string ToJson(Signal2D signal)
    {
        using var ms = new MemoryStream();
        Write(ms, signal);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteSignal(Utf8JsonWriter w, Signal2D s)
    {
        w.WriteStartObject();
        w.WriteString("format", SignalFormatName);
        w.WriteNumber("version", Version);
        w.WriteString("name", s.Name);
        w.WriteString("experiment", s.Experiment.ToString());
        w.WriteString("kernel1", s.Kernels.Kernel1.ToString());
        w.WriteString("kernel2", s.Kernels.Kernel2.ToString());
        if (s.Kernels.InversionEfficiency != 1.0) w.WriteNumber("inversionEfficiency", s.Kernels.InversionEfficiency);
        WriteAxis(w, "axis1", s.Axis1);
        WriteAxis(w, "axis2", s.Axis2);
        WriteAxis(w, "relaxationAxis1", s.RelaxationAxis1);
        WriteAxis(w, "relaxationAxis2", s.RelaxationAxis2);
        WriteNullable(w, "noiseSigma", s.NoiseSigma);
        WriteNullable(w, "snr", s.Snr);
        if (s.Seed is { } seed) w.WriteNumber("seed", seed); else w.WriteNull("seed");
        w.WriteStartObject("provenance");
        foreach (var (k, v) in s.Provenance) w.WriteString(k, v);
        w.WriteEndObject();
        WriteMatrix(w, "values", s.Values);
        if (s.Truth is { } truth)
        {
            w.WritePropertyName("truth");
            WriteDistribution(w, truth);
        }
        w.WriteEndObject();
    }

    private static void WriteDistribution(Utf8JsonWriter w, Distribution2D d, InversionResult? result = null)
    {
        w.WriteStartObject();
        w.WriteString("format", DistributionFormatName);
        w.WriteNumber("version", Version);
        w.WriteString("name", d.Name);
        WriteAxis(w, "axis1", d.Axis1);
        WriteAxis(w, "axis2", d.Axis2);
        WriteMatrix(w, "values", d.Values);
        if (result is not null) WriteResult(w, result);
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, InversionResult r)
    {
        w.WriteStartObject("result");
        w.WriteString("sample", r.Name);
        if (r.SourceFile is { } file) w.WriteString("sourceFile", file); else w.WriteNull("sourceFile");
        w.WriteString("experiment", r.Signal.Experiment.ToString());
        w.WriteString("method", r.Method);
        WriteNullable(w, "alpha", DistributionSummary.AlphaOf(r));
        WriteNullable(w, "beta", DistributionSummary.BetaOf(r));
        WriteNullable(w, "misfit", r.Misfit);
        WriteNullable(w, "noiseLevel", r.NoiseLevel);
        WriteNullable(w, "amplitude", r.Amplitude);
        WriteNullable(w, "seconds", r.Seconds);
        w.WriteString("rule", DistributionSummary.RuleOf(r));
        w.WriteString("moduleVersion", DistributionSummary.ModuleVersion);
        WriteAxis(w, "acquisitionAxis1", r.Signal.Axis1);
        WriteAxis(w, "acquisitionAxis2", r.Signal.Axis2);
        w.WriteStartObject("provenance");
        foreach (var (key, value) in r.Signal.Provenance) w.WriteString(key, value);
        w.WriteEndObject();
        w.WriteStartArray("warnings");
        foreach (var warning in r.Warnings)
        {
            w.WriteStartObject();
            w.WriteString("id", warning.Id);
            w.WriteString("message", warning.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, double? v)
    {
        if (v is { } x && double.IsFinite(x)) w.WriteNumber(name, x); else w.WriteNull(name);
    }

    private static void WriteAxis(Utf8JsonWriter w, string name, Axis axis)
    {
        w.WriteStartObject(name);
        w.WriteString("name", axis.Name);
        w.WriteString("unit", axis.Unit);
        w.WriteStartArray("values");
        foreach (var v in axis.AsSpan()) w.WriteNumberValue(v);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteMatrix(Utf8JsonWriter w, string name, double[,] m)
    {
        w.WriteStartArray(name);
        for (int i = 0; i < m.GetLength(0); i++)
        {
            w.WriteStartArray();
            for (int j = 0; j < m.GetLength(1); j++) w.WriteNumberValue(m[i, j]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    /// <summary>True when the text starts like one of our JSON documents (an object).</summary>
    public static bool LooksLikeJson(string head) => head.TrimStart('\uFEFF', ' ', '\t', '\r', '\n').StartsWith('{');

    /// <summary>Reads a signal written by <see cref="Write(Stream, Signal2D)"/>.</summary>
    public static Signal2D ReadSignal(string path, ImportOptions? options = null)
    {
        using var doc = Parse(path);
        var root = doc.RootElement;
        string source = Path.GetFileName(path);
        string format = Str(root, "format", source);
        if (format == DistributionFormatName)
            throw new NmrInputException("JsonIsDistribution", $"{source} holds a distribution (format {format}), not a signal; Import-NmrSignal reads signals.", InputProblem.Data);
        if (format != SignalFormatName)
            throw new NmrInputException("JsonFormatInvalid", $"{source}: \"format\" is '{format}'; expected '{SignalFormatName}' (a signal written by Export-NmrSignal).", InputProblem.Data);
        CheckVersion(root, source);
        var kernels = new KernelPair(Enum<KernelKind>(root, "kernel1", source), Enum<KernelKind>(root, "kernel2", source));
        if (root.TryGetProperty("inversionEfficiency", out var kappa))
            kernels = kernels.WithInversionEfficiency(Finite(kappa, "inversionEfficiency", source));
        var a1 = new AcquisitionAxis(Str(Obj(root, "axis1", source), "name", source), Numbers(Obj(root, "axis1", source), "values", source));
        var a2 = new AcquisitionAxis(Str(Obj(root, "axis2", source), "name", source), Numbers(Obj(root, "axis2", source), "values", source));
        var r1 = new RelaxationAxis(Str(Obj(root, "relaxationAxis1", source), "name", source), Numbers(Obj(root, "relaxationAxis1", source), "values", source));
        var r2 = new RelaxationAxis(Str(Obj(root, "relaxationAxis2", source), "name", source), Numbers(Obj(root, "relaxationAxis2", source), "values", source));
        var values = Matrix(root, "values", source);
        Distribution2D? truth = root.TryGetProperty("truth", out var t) && t.ValueKind == JsonValueKind.Object ? ReadDistribution(t, source) : null;
        var provenance = new Dictionary<string, string>();
        if (root.TryGetProperty("provenance", out var p) && p.ValueKind == JsonValueKind.Object)
            foreach (var prop in p.EnumerateObject()) provenance[prop.Name] = prop.Value.ToString();
        provenance["ImportedFrom"] = Path.GetFullPath(path);
        double? sigma = options?.NoiseSigma ?? NullableNumber(root, "noiseSigma", source);
        int? seed = root.TryGetProperty("seed", out var sd) && sd.ValueKind != JsonValueKind.Null ? Int(sd, "seed", source) : null;
        return new Signal2D(values, a1, a2, kernels, r1, r2, sigma, NullableNumber(root, "snr", source), truth,
            options?.Name ?? (root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null), seed, provenance);
    }

    /// <summary>Reads a distribution written by <see cref="Write(Stream, Distribution2D)"/>.</summary>
    public static Distribution2D ReadDistribution(string path)
    {
        using var doc = Parse(path);
        string source = Path.GetFileName(path);
        if (Str(doc.RootElement, "format", source) != DistributionFormatName)
            throw new NmrInputException("JsonFormatInvalid", $"{source}: expected \"format\": \"{DistributionFormatName}\".", InputProblem.Data);
        return ReadDistribution(doc.RootElement, source);
    }

    private static Distribution2D ReadDistribution(JsonElement e, string source)
    {
        CheckVersion(e, source);
        var r1 = new RelaxationAxis(Str(Obj(e, "axis1", source), "name", source), Numbers(Obj(e, "axis1", source), "values", source));
        var r2 = new RelaxationAxis(Str(Obj(e, "axis2", source), "name", source), Numbers(Obj(e, "axis2", source), "values", source));
        return new Distribution2D(Matrix(e, "values", source), r1, r2, e.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null);
    }

    private static JsonDocument Parse(string path)
    {
        if (!File.Exists(path))
            throw new NmrInputException("FileNotFound", $"File '{path}' does not exist.", InputProblem.NotFound);
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path).AsMemory(), new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new NmrInputException("JsonFormatInvalid", $"{Path.GetFileName(path)} is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", InputProblem.Data);
        }
    }

    private static void CheckVersion(JsonElement e, string source)
    {
        if (!e.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int version) || version != Version)
            throw new NmrInputException("JsonFormatInvalid", $"{source}: \"version\" must be {Version}.", InputProblem.Data);
    }

    private static JsonElement Obj(JsonElement e, string name, string source) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v
            : throw new NmrInputException("JsonFormatInvalid", $"{source}: property \"{name}\" (an object) is missing.", InputProblem.Data);

    private static string Str(JsonElement e, string name, string source) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!
            : throw new NmrInputException("JsonFormatInvalid", $"{source}: property \"{name}\" (a string) is missing.", InputProblem.Data);

    private static T Enum<T>(JsonElement e, string name, string source) where T : struct, System.Enum
    {
        string s = Str(e, name, source);
        return System.Enum.TryParse<T>(s, out var v) && System.Enum.IsDefined(v) ? v
            : throw new NmrInputException("JsonFormatInvalid", $"{source}: \"{name}\" is '{s}'; expected one of {string.Join(", ", System.Enum.GetNames<T>())}.", InputProblem.Data);
    }

    private static double? NullableNumber(JsonElement e, string name, string source)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number ? Finite(v, name, source)
            : throw new NmrInputException("JsonFormatInvalid", $"{source}: \"{name}\" must be a number or null.", InputProblem.Data);
    }

    /// <summary>A JSON number that fits a finite double, or JsonFormatInvalid naming <paramref name="what"/>.</summary>
    private static double Finite(JsonElement x, string what, string source) =>
        x.ValueKind == JsonValueKind.Number && x.TryGetDouble(out double v) && double.IsFinite(v) ? v
            : throw new NmrInputException("JsonFormatInvalid", $"{source}: \"{what}\" is not a finite number.", InputProblem.Data);

    private static int Int(JsonElement x, string what, string source) =>
        x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out int v) ? v
            : throw new NmrInputException("JsonFormatInvalid", $"{source}: \"{what}\" is not a whole number (32-bit).", InputProblem.Data);

    private static double[] Numbers(JsonElement e, string name, string source)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array)
            throw new NmrInputException("JsonFormatInvalid", $"{source}: property \"{name}\" (an array of numbers) is missing.", InputProblem.Data);
        var list = new double[v.GetArrayLength()];
        int i = 0;
        foreach (var x in v.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number)
                throw new NmrInputException("JsonFormatInvalid", $"{source}: \"{name}\"[{i}] is not a number.", InputProblem.Data);
            list[i] = Finite(x, $"{name}[{i}]", source);
            i++;
        }
        return list;
    }

    private static double[,] Matrix(JsonElement e, string name, string source)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0)
            throw new NmrInputException("JsonFormatInvalid", $"{source}: property \"{name}\" (an array of rows) is missing or empty.", InputProblem.Data);
        var rows = new List<double[]>();
        int r = 0;
        foreach (var row in v.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array)
                throw new NmrInputException("JsonFormatInvalid", $"{source}: \"{name}\"[{r}] is not an array.", InputProblem.Data);
            var cells = new double[row.GetArrayLength()];
            int c = 0;
            foreach (var x in row.EnumerateArray())
            {
                if (x.ValueKind != JsonValueKind.Number)
                    throw new NmrInputException("JsonFormatInvalid", $"{source}: \"{name}\"[{r}][{c}] is not a number.", InputProblem.Data);
                cells[c] = Finite(x, $"{name}[{r}][{c}]", source);
                c++;
            }
            if (rows.Count > 0 && cells.Length != rows[0].Length)
                throw new NmrInputException("JsonRaggedRow", $"{source}: \"{name}\"[{r}] has {cells.Length} values but row 0 has {rows[0].Length}.", InputProblem.Data);
            rows.Add(cells);
            r++;
        }
        var m = new double[rows.Count, rows[0].Length];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
        return m;
    }
}
