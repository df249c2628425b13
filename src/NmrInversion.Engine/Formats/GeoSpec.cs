using System.Globalization;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Formats;

/// <summary>
/// Oxford Instruments GeoSpec (GIT Systems) text exports: an INI-like header (<c>[GITData]</c> with <c>TestType</c>,
/// <c>[Parameters]</c>, <c>[Results]</c> with <c>Dimensions</c> and <c>Noise</c>, ...; ';' starts a comment) followed by
/// <c>[Data]</c>: a header line "X Y Real Imaginary" and tab-separated rows, X in ms. Test types read: 3 (T2 NMR, a CPMG
/// decay) and 7 (T1 NMR, an inversion recovery). Complex data are phased with one zero-order phase
/// (<see cref="ZeroOrderPhase"/>), the sign chosen so that the first echoes (T2) or the recovered last points (T1) are
/// positive. The noise level is the file's <c>[Results] Noise</c> (machine units, as the instrument reports it) when
/// present, else the quadrature-channel estimate; both are recorded in the provenance.
/// </summary>
public static class GeoSpec
{
    private static readonly Dictionary<int, string> TestTypeNames = new()
    {
        [3] = "T2 NMR", [4] = "Saturation Profile", [7] = "T1 NMR", [9] = "Quick Rock Porosity (FID)",
        [105] = "Diffusion Distribution", [106] = "T1 and T2 NMR", [108] = "T2 and Diffusion", [110] = "T2-Store-T2", [111] = "Spatial T2",
    };

    /// <summary>True when the text starts with the [GITData] section.</summary>
    public static bool LooksLikeGeoSpec(string head) => head.TrimStart('\uFEFF', ' ', '\r', '\n', '\t').StartsWith("[GITData]", StringComparison.OrdinalIgnoreCase);

    public static Signal2D Read(string path, ImportOptions options)
    {
        string source = Path.GetFileName(path);
        var lines = File.ReadAllLines(path);
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        string section = "";
        int dataStart = -1;
        for (int i = 0; i < lines.Length; i++)
        {
            string l = lines[i].Trim().TrimStart('\uFEFF');
            if (l.Length == 0 || l[0] == ';') continue;
            if (l[0] == '[' && l[^1] == ']')
            {
                section = l[1..^1];
                if (section.Equals("Data", StringComparison.OrdinalIgnoreCase)) { dataStart = i + 1; break; }
                sections.TryAdd(section, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
                continue;
            }
            int eq = l.IndexOf('=');
            if (eq > 0 && section.Length > 0) sections[section][l[..eq].Trim()] = l[(eq + 1)..].Trim();
        }
        string Value(string sec, string key) =>
            sections.TryGetValue(sec, out var s) && s.TryGetValue(key, out var v) ? v
                : throw new NmrInputException("GeoSpecHeaderInvalid", $"{source}: [{sec}] has no {key}= line; expected a GeoSpec export with TestType in [GITData] and Dimensions in [Results].", InputProblem.Data);
        if (dataStart < 0)
            throw new NmrInputException("GeoSpecHeaderInvalid", $"{source}: no [Data] section; expected a GeoSpec export ([GITData] ... [Data] then X, Y, Real, Imaginary rows).", InputProblem.Data);

        int testType = int.TryParse(Value("GITData", "TestType"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int tt) ? tt
            : throw new NmrInputException("GeoSpecHeaderInvalid", $"{source}: TestType '{Value("GITData", "TestType")}' is not a number.", InputProblem.Data);
        Experiment experiment = testType switch
        {
            3 => Experiment.T2,
            7 => Experiment.T1,
            _ => throw new NmrInputException("GeoSpecTestTypeUnsupported",
                $"{source}: TestType {testType} ({(TestTypeNames.TryGetValue(testType, out var name) ? name : "unknown")}) is not supported; Import-NmrSignal reads GeoSpec test types 3 (T2 NMR) and 7 (T1 NMR).", InputProblem.Data),
        };
        if (options.Experiment is { } requested && requested != experiment)
            throw new NmrInputException("ExperimentMismatch", $"{source} is a GeoSpec TestType {testType} ({experiment}) measurement; -Experiment {requested} does not fit it.");

        var dims = Value("Results", "Dimensions").Split(',').Select(d =>
            int.TryParse(d.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1 ? n
                : throw new NmrInputException("GeoSpecHeaderInvalid", $"{source}: [Results] Dimensions={Value("Results", "Dimensions")} must be positive whole numbers separated by commas.", InputProblem.Data)).ToArray();
        long expected = dims.Aggregate(1L, (a, b) => Math.Min(a * b, long.MaxValue / int.MaxValue));

        // Data: skip the column header line ("X Y Real Imaginary"), then tab-separated numbers.
        var rows = new List<(int Line, string[] Cells)>();
        for (int i = dataStart; i < lines.Length; i++)
        {
            string l = lines[i].Trim();
            if (l.Length == 0) continue;
            var cells = l.Split('\t');
            if (rows.Count == 0 && !double.TryParse(cells[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _)) continue;
            if (cells.Length != 4)
                throw new NmrInputException("CsvRaggedRow", $"{source}, line {i + 1}: {cells.Length} cells; GeoSpec data rows hold X, Y, Real, Imaginary.", InputProblem.Data);
            rows.Add((i + 1, cells));
        }
        if (rows.Count != expected)
            throw new NmrInputException("GeoSpecShapeMismatch", $"{source}: {rows.Count} data rows but [Results] Dimensions={string.Join(",", dims)} describes {expected}.", InputProblem.Data);
        int n = rows.Count;
        var t = new double[n];
        var re = new double[n, 1];
        var im = new double[n, 1];
        for (int r = 0; r < n; r++)
        {
            var (line, c) = rows[r];
            t[r] = DelimitedText.ParseNumber(c[0], false, source, line, 1) / 1000.0;
            re[r, 0] = DelimitedText.ParseNumber(c[2], false, source, line, 3);
            im[r, 0] = DelimitedText.ParseNumber(c[3], false, source, line, 4);
        }
        int head = Math.Max(1, Math.Min(10, n / 10));
        var phased = ZeroOrderPhase.Apply(re, im, experiment == Experiment.T2
            ? x => ZeroOrderPhase.HeadSum(x, head)
            : x => x[n - 1, 0] + (n > 1 ? x[n - 2, 0] : 0));
        var kernels = KernelPair.For(experiment, T1Recovery.Inversion);
        var axis = CsvSignal.MakeAxis(kernels.Kernel1, t, new ImportOptions(), source, "first");
        double quadrature = NoiseEstimation.FromQuadratureChannel(phased.Imaginary);
        var provenance = new Dictionary<string, string>
        {
            ["File"] = Path.GetFullPath(path),
            ["Format"] = "GeoSpec",
            ["Instrument"] = "Oxford Instruments GeoSpec (GIT Systems)" + (sections.TryGetValue("Scanner", out var sc) && sc.TryGetValue("Name", out var probe) ? $", probe {probe}" : ""),
            ["TestType"] = $"{testType} ({TestTypeNames[testType]})",
            ["Experiment"] = experiment.ToString(),
            ["Dimensions"] = Value("Results", "Dimensions"),
            ["TimeUnit"] = "ms (converted to s)",
            ["Axis1"] = axis.ToString(),
            ["Phase"] = string.Create(CultureInfo.InvariantCulture, $"{phased.Degrees:0.###} deg, one zero-order phase maximising the real channel's energy; sign: {(experiment == Experiment.T2 ? "first echoes" : "recovered last points")} positive"),
            ["NoiseQuadratureEstimate"] = quadrature.ToString("G6", CultureInfo.InvariantCulture),
        };
        if (experiment == Experiment.T1) provenance["T1Recovery"] = "Inversion";
        foreach (var key in new[] { "Tau", "NumOfEchoes", "NumTIValues", "T1Max", "T2Max", "RecycleDelay" })
            if (sections.TryGetValue("Parameters", out var ps) && ps.TryGetValue(key, out var v)) provenance[key] = v;
        (double, string)? stated = null;
        var warnings = new List<NmrWarning>();
        string estimated = "estimated: robust sd of point-to-point differences of the phased imaginary channel";
        if (sections.TryGetValue("Results", out var results) && results.TryGetValue("Noise", out var noise))
        {
            if (double.TryParse(noise, NumberStyles.Float, CultureInfo.InvariantCulture, out double sigma) && double.IsFinite(sigma) && sigma > 0)
                stated = (sigma, "file: [Results] Noise");
            else
            {
                stated = (quadrature, estimated + $" (the file's [Results] Noise={noise} is not a positive number)");
                if (options.NoiseSigma is null)
                    warnings.Add(new NmrWarning("FileNoiseInvalid", string.Create(CultureInfo.InvariantCulture,
                        $"{source}: [Results] Noise={noise} is not a usable noise level (a positive number); the noise level is estimated from the data instead (Provenance NoiseSource says how). Pass -NoiseSigma to set it.")));
            }
        }
        else
            stated = (quadrature, estimated);
        return MeasuredSignal.Create(phased.Real, axis, AcquisitionAxis.Single(), kernels, options.Name ?? Path.GetFileNameWithoutExtension(path), provenance, options.NoiseSigma, stated)
            .WithWarnings(warnings);
    }
}
