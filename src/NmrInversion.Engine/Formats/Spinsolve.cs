using System.Globalization;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Formats;

/// <summary>
/// Magritek Spinsolve 2D relaxation exports: a text data file (one row per indirect step, the echoes of that step as
/// re,im pairs, separated by commas or spaces) and the acquisition parameters in <c>acqu.par</c> (key = value) in the
/// same folder.
/// <list type="bullet">
/// <item><c>experiment = "T1IRT2"</c>: T1-T2 (inversion recovery x CPMG). Inversion times: <c>tauSteps</c> values from
/// <c>minTau</c> to <c>maxTau</c> (ms), log-spaced when <c>logspace = "yes"</c>, else linear. Echo times: <c>echoTime</c>
/// (us) x 1..<c>nrEchoes</c>.</item>
/// <item><c>experiment = "DT2"</c> (PFG-CPMG): D-T2. <c>nrSteps</c> gradient amplitudes g from 1 mT/m to <c>gradMax</c>
/// (mT/m), linear (the convention of NMRInversions.jl's import_spinsolve, which reads the same files); diffusion time
/// Delta = <c>bDelta</c> (ms); gradient pulse length delta = <c>lDelta</c> + <c>gradRamp</c> (ms). b from the
/// Stejskal-Tanner equation for rectangular gradient pulses, b = (gamma g delta)^2 (Delta - delta/3) (E. O. Stejskal and
/// J. E. Tanner, J. Chem. Phys. 42 (1965) 288), gamma(1H) = 2.6752218744e8 rad s^-1 T^-1 (CODATA 2018).
/// <c>gradAmpPC</c> and <c>gradSpacing</c> are recorded in the provenance but not applied.</item>
/// </list>
/// Phasing: one zero-order phase for the whole data set that maximises the energy of the real channel
/// (<see cref="ZeroOrderPhase"/>), its sign chosen so that the recovered last row (T1-T2) or the least attenuated first
/// row (D-T2) sums positive. The signal keeps the instrument's arbitrary units; the noise level is estimated from the
/// phased imaginary channel (<see cref="NoiseEstimation.FromQuadratureChannel"/>). Echo trains are kept as measured.
/// </summary>
public static class Spinsolve
{
    /// <summary>Gyromagnetic ratio of 1H, rad s^-1 T^-1 (CODATA 2018).</summary>
    public const double GammaProton = 2.6752218744e8;

    private static readonly string[] DataExtensions = { ".dat", ".csv", ".txt", ".1d", ".2d" };

    /// <summary>The acqu.par of a folder or of a data file's folder, or null.</summary>
    public static string? FindParameterFile(string path)
    {
        string? folder = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null || !Directory.Exists(folder)) return null;
        return Directory.EnumerateFiles(folder).FirstOrDefault(f => string.Equals(Path.GetFileName(f), "acqu.par", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Reads acqu.par: key = value per line, quotes removed.</summary>
    public static Dictionary<string, string> ReadParameters(string acquPar)
    {
        var p = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in File.ReadLines(acquPar))
        {
            int eq = raw.IndexOf('=');
            if (eq <= 0) continue;
            string key = raw[..eq].Trim().TrimStart('\uFEFF');
            string value = raw[(eq + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1];
            p[key] = value;
        }
        return p;
    }

    /// <summary>Reads a Spinsolve measurement from its folder, its data file or its acqu.par.</summary>
    public static Signal2D Read(string path, ImportOptions options)
    {
        string acqu = FindParameterFile(path)
            ?? throw new NmrInputException("SpinsolveParametersMissing", $"No acqu.par next to '{path}'; a Spinsolve export is a data file plus its acqu.par in the same folder.", InputProblem.NotFound);
        var par = ReadParameters(acqu);
        string experimentName = Get(par, "experiment", acqu);
        string dataFile = FindDataFile(path, acqu, experimentName);
        string source = Path.GetFileName(dataFile);

        var provenance = new Dictionary<string, string>
        {
            ["File"] = Path.GetFullPath(dataFile),
            ["ParameterFile"] = Path.GetFullPath(acqu),
            ["Format"] = "Spinsolve",
            ["Instrument"] = $"Magritek Spinsolve {Optional(par, "specType")} {Optional(par, "specID")} (software {Optional(par, "softwareVersion")})".Replace("  ", " ").Trim(),
            ["SpinsolveExperiment"] = experimentName,
        };
        if (par.TryGetValue("expName", out var expName)) provenance["ExperimentName"] = expName;

        int echoes = Int(par, "nrEchoes", acqu);
        if (experimentName is "T1IRT2" or "DT2")
            CheckDataLength(dataFile, Int(par, experimentName == "DT2" ? "nrSteps" : "tauSteps", acqu), echoes, experimentName);
        double echoTime = Number(par, "echoTime", acqu) / 1e6;
        provenance["nrEchoes"] = echoes.ToString(CultureInfo.InvariantCulture);
        provenance["echoTime"] = par["echoTime"] + " us";
        var t2 = AcquisitionAxis.EchoTrain(echoTime, echoes);

        AcquisitionAxis axis1;
        KernelPair kernels;
        Func<double[,], double> reference;
        switch (experimentName)
        {
            case "T1IRT2":
            {
                int steps = Int(par, "tauSteps", acqu);
                double min = Number(par, "minTau", acqu) / 1000, max = Number(par, "maxTau", acqu) / 1000;
                bool log = string.Equals(Optional(par, "logspace"), "yes", StringComparison.OrdinalIgnoreCase);
                var tau = log ? Axis.LogSpace(min, max, steps) : Enumerable.Range(0, steps).Select(i => min + (max - min) * i / (steps - 1)).ToArray();
                axis1 = new AcquisitionAxis("t1", tau);
                kernels = KernelPair.For(options.Experiment ?? Experiment.T1T2, options.T1Recovery ?? T1Recovery.Inversion);
                reference = x => ZeroOrderPhase.RowSum(x, -1);
                foreach (var k in new[] { "minTau", "maxTau", "tauSteps", "logspace" }) provenance[k] = Optional(par, k);
                provenance["T1Recovery"] = (options.T1Recovery ?? T1Recovery.Inversion).ToString();
                break;
            }
            case "DT2":
            {
                int steps = Int(par, "nrSteps", acqu);
                double gMax = Number(par, "gradMax", acqu) / 1000;          // mT/m -> T/m
                double bigDelta = Number(par, "bDelta", acqu) / 1000;       // ms -> s
                double ramp = par.ContainsKey("gradRamp") ? Number(par, "gradRamp", acqu) / 1000 : 0;
                double delta = Number(par, "lDelta", acqu) / 1000 + ramp;  // ms -> s
                string nucleus = Optional(par, "nucleus");
                if (nucleus.Length > 0 && !nucleus.StartsWith("1H", StringComparison.OrdinalIgnoreCase))
                    throw new NmrInputException("SpinsolveNucleusUnsupported", $"{Path.GetFileName(acqu)}: nucleus '{nucleus}'; b values are computed for 1H only.", InputProblem.Data);
                const double gMin = 1e-3;
                var b = new double[steps];
                for (int i = 0; i < steps; i++)
                {
                    double g = steps == 1 ? gMax : gMin + (gMax - gMin) * i / (steps - 1);
                    double q = GammaProton * g * delta;
                    b[i] = q * q * (bigDelta - delta / 3);
                }
                axis1 = new AcquisitionAxis("b", b);
                kernels = KernelPair.For(options.Experiment ?? Experiment.DT2);
                reference = x => ZeroOrderPhase.RowSum(x, 0);
                foreach (var k in new[] { "nrSteps", "gradMax", "bDelta", "lDelta", "gradRamp", "gradAmpPC", "gradSpacing", "nucleus" }) provenance[k] = Optional(par, k);
                provenance["bFormula"] = "b = (gamma g delta)^2 (Delta - delta/3); g = 1 mT/m..gradMax linear; delta = lDelta + gradRamp; Delta = bDelta";
                break;
            }
            default:
                throw new NmrInputException("SpinsolveExperimentUnsupported",
                    $"{Path.GetFileName(acqu)}: experiment '{experimentName}' is not supported; Import-NmrSignal reads Spinsolve T1IRT2 (T1-T2) and DT2 (D-T2) exports. Import 1D exports (T1, T2, PGSTE: two columns) as CSV with -Format Csv -Experiment T1|T2|D.", InputProblem.Data);
        }
        if (kernels.Dimensions != 2 || Kernel.AcquisitionName(kernels.Kernel1) != axis1.Name || kernels.Kernel2 != KernelKind.T2Decay)
            throw new NmrInputException("ExperimentMismatch", $"{source} is a Spinsolve {experimentName} measurement ({axis1.Name} x t2); -Experiment {kernels.Experiment} does not fit it.");

        var (re, im) = ReadComplexRows(dataFile, axis1.Count, echoes, experimentName);
        var phased = ZeroOrderPhase.Apply(re, im, reference);
        provenance["Phase"] = string.Create(CultureInfo.InvariantCulture, $"{phased.Degrees:0.###} deg, one zero-order phase maximising the real channel's energy; sign: {(experimentName == "DT2" ? "first (lowest b) row" : "last (recovered) row")} positive");
        provenance["Experiment"] = kernels.Experiment.ToString();
        provenance["Axis1"] = axis1.ToString();
        provenance["Axis2"] = t2.ToString();
        double sigma = NoiseEstimation.FromQuadratureChannel(phased.Imaginary);
        return MeasuredSignal.Create(phased.Real, axis1, t2, kernels, options.Name ?? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(dataFile))) ?? source,
            provenance, options.NoiseSigma, (sigma, "estimated: robust sd of echo-to-echo differences of the phased imaginary channel"));
    }

    /// <summary>
    /// The data file a read of <paramref name="path"/> (a Spinsolve folder, its data file or its acqu.par) would use, or
    /// null when there is none or it is ambiguous (the read then reports why).
    /// </summary>
    public static string? DataFileOf(string path)
    {
        string? acqu = FindParameterFile(path);
        if (acqu is null) return null;
        try
        {
            var par = ReadParameters(acqu);
            return Path.GetFullPath(FindDataFile(path, acqu, par.TryGetValue("experiment", out var e) ? e : ""));
        }
        catch (NmrInputException)
        {
            return null;
        }
    }

    /// <summary>
    /// True for a file that sits in a Spinsolve measurement folder (one with acqu.par) but is neither acqu.par nor a data
    /// file (notes, exported pictures): it is part of that measurement, not one of its own.
    /// </summary>
    public static bool IsCompanionFile(string path)
    {
        if (!File.Exists(path) || FindParameterFile(path) is null) return false;
        string name = Path.GetFileName(path);
        return !name.Equals("acqu.par", StringComparison.OrdinalIgnoreCase)
            && !DataExtensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase);
    }

    private static string FindDataFile(string path, string acqu, string experimentName)
    {
        if (File.Exists(path) && !string.Equals(Path.GetFileName(path), "acqu.par", StringComparison.OrdinalIgnoreCase)) return path;
        string folder = Path.GetDirectoryName(Path.GetFullPath(acqu))!;
        var candidates = Directory.EnumerateFiles(folder)
            .Where(f => DataExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (candidates.Count == 1) return candidates[0];
        var named = candidates.Where(f => Path.GetFileNameWithoutExtension(f).Equals(experimentName, StringComparison.OrdinalIgnoreCase)).ToList();
        if (named.Count == 1) return named[0];
        if (candidates.Count == 0)
            throw new NmrInputException("SpinsolveDataMissing", $"Folder '{folder}' has acqu.par but no data file ({string.Join(", ", DataExtensions)}).", InputProblem.NotFound);
        throw new NmrInputException("SpinsolveDataAmbiguous", $"Folder '{folder}' has several data files ({string.Join(", ", candidates.Select(Path.GetFileName))}); pass the one to read as -Path.");
    }

    /// <summary>
    /// Refuses, before anything is allocated, counts in acqu.par that the data file is too short to hold: each of the
    /// rows x echoes complex points takes two numbers of at least one digit and a separator.
    /// </summary>
    private static void CheckDataLength(string dataFile, int rows, int echoes, string experimentName)
    {
        long length = new FileInfo(dataFile).Length;
        long minimum = (long)rows * echoes * 4 - 1;
        if (minimum > length)
            throw new NmrInputException("SpinsolveShapeMismatch", string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(dataFile)} has {length} bytes, but acqu.par describes {rows} {(experimentName == "DT2" ? "gradient steps" : "inversion times")} x {echoes} echoes ({2L * rows * echoes} numbers, at least {minimum} bytes); acqu.par does not belong to this data file, or the file is cut short."), InputProblem.Data);
    }

    private static (double[,] Re, double[,] Im) ReadComplexRows(string dataFile, int rows, int echoes, string experimentName)
    {
        string source = Path.GetFileName(dataFile);
        var lines = File.ReadAllLines(dataFile).Select((t, i) => (Line: i + 1, Text: t.Trim().TrimStart('\uFEFF'))).Where(l => l.Text.Length > 0).ToList();
        if (lines.Count != rows)
            throw new NmrInputException("SpinsolveShapeMismatch",
                $"{source} has {lines.Count} data rows but acqu.par describes {rows} ({experimentName}: one row per {(experimentName == "DT2" ? "gradient step" : "inversion time")}).", InputProblem.Data);
        var re = new double[rows, echoes];
        var im = new double[rows, echoes];
        var separators = new[] { ',', ' ', '\t', ';' };
        for (int r = 0; r < rows; r++)
        {
            var cells = lines[r].Text.Split(separators, StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length != 2 * echoes)
                throw new NmrInputException("SpinsolveShapeMismatch",
                    $"{source}, line {lines[r].Line}: {cells.Length} numbers, but acqu.par's nrEchoes = {echoes} needs {2 * echoes} (re, im per echo).", InputProblem.Data);
            for (int j = 0; j < echoes; j++)
            {
                re[r, j] = DelimitedText.ParseNumber(cells[2 * j], false, source, lines[r].Line, 2 * j + 1);
                im[r, j] = DelimitedText.ParseNumber(cells[2 * j + 1], false, source, lines[r].Line, 2 * j + 2);
            }
        }
        return (re, im);
    }

    private static string Get(Dictionary<string, string> p, string key, string file) =>
        p.TryGetValue(key, out var v) ? v : throw new NmrInputException("SpinsolveParameterMissing", $"{Path.GetFileName(file)} has no '{key}' parameter.", InputProblem.Data);

    private static string Optional(Dictionary<string, string> p, string key) => p.TryGetValue(key, out var v) ? v : "";

    private static double Number(Dictionary<string, string> p, string key, string file)
    {
        string s = Get(p, key, file);
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v
            : throw new NmrInputException("SpinsolveParameterInvalid", $"{Path.GetFileName(file)}: {key} = '{s}' is not a number.", InputProblem.Data);
    }

    private static int Int(Dictionary<string, string> p, string key, string file)
    {
        double v = Number(p, key, file);
        return v >= 1 && v == Math.Floor(v) && v < int.MaxValue ? (int)v
            : throw new NmrInputException("SpinsolveParameterInvalid", $"{Path.GetFileName(file)}: {key} = {v} must be a positive whole number.", InputProblem.Data);
    }
}
