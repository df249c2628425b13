using System.Management.Automation;
using NmrInversion.Engine;
using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Reads measured (or exported) NMR signals from files: delimited text, NmrInversion JSON, Magritek Spinsolve, Bruker minispec, Oxford Instruments GeoSpec and Tecmag TNMR (.tnt).</para>
/// </summary>
[Cmdlet(VerbsData.Import, "NmrSignal", DefaultParameterSetName = "Path")]
[OutputType(typeof(Signal2D))]
public sealed class ImportNmrSignalCommand : NmrCmdlet
{
    /// <summary>Measurement files, or Spinsolve folders (data file + acqu.par); wildcards expand (PowerShell's rules: * ? [a-z], ` escapes). A path that matches nothing is an error (FileNotFound).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Measurement files or Spinsolve folders taken literally (brackets are part of the name). Get-ChildItem and Get-Item output binds here by its PSPath.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>The file format; Auto (default) recognises it from the path and the first bytes.</summary>
    [Parameter]
    public SignalFormat Format { get; set; } = SignalFormat.Auto;

    /// <summary>The experiment (kernel pair). Instrument files state it; plain CSV needs it.</summary>
    [Parameter]
    public Experiment? Experiment { get; set; }

    /// <summary>How T1 is encoded when the file does not say: inversion recovery (default) or saturation recovery.</summary>
    [Parameter]
    public T1Recovery? T1Recovery { get; set; }

    /// <summary>Unit of the time axes of delimited text (s or ms). Instrument files state theirs.</summary>
    [Parameter]
    [ValidateSet("s", "ms")]
    public string TimeUnit { get; set; } = "s";

    /// <summary>Unit of the b axis of delimited text: s/m2 (default), s/mm2 (1e6 s/m^2) or ms/um2 (1e9 s/m^2, NMRInversions.jl's CSV unit).</summary>
    [Parameter]
    [ValidateSet("s/m2", "s/mm2", "ms/um2")]
    public string BUnit { get; set; } = "s/m2";

    /// <summary>First acquisition axis values (t1 or b; in -TimeUnit/-BUnit) for a bare matrix or a one-column decay, or to replace the recovery delays (echo times of a 1D decay) a Tecmag .tnt file's pulse sequence gives.</summary>
    [Parameter]
    public double[]? Axis1 { get; set; }

    /// <summary>Second acquisition axis values (t2 or b) for a bare matrix, or to replace the echo times of a 2D Tecmag .tnt file.</summary>
    [Parameter]
    public double[]? Axis2 { get; set; }

    /// <summary>A text file with the first axis (one row or one column of numbers).</summary>
    [Parameter]
    public string? Axis1Path { get; set; }

    /// <summary>A text file with the second axis.</summary>
    [Parameter]
    public string? Axis2Path { get; set; }

    /// <summary>Delimiter of delimited text: ',', ';', "`t" or ' ' (any whitespace). Default: detected. Naming a non-comma delimiter allows decimal commas.</summary>
    [Parameter]
    public string? Delimiter { get; set; }

    /// <summary>Name of the signal (default: the file name, or the folder name for Spinsolve).</summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>Noise standard deviation in signal units, overriding the file's value and the estimate.</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double? NoiseSigma { get; set; }

    /// <summary>Inversion efficiency kappa of an inversion-recovery T1 measurement, in (0, 1]: k(t1, T1) = 1 - (1 + kappa) exp(-t1 / T1). Default 1 (a perfect inversion).</summary>
    [Parameter]
    public double? InversionEfficiency { get; set; }

    /// <summary>Estimate the inversion efficiency from the data (least Tikhonov residual over kappa; see the help) and attach it to the signal.</summary>
    [Parameter]
    public SwitchParameter EstimateInversionEfficiency { get; set; }

    private readonly CancellationTokenSource _cancel = new();

    private double[]? _axis1;
    private double[]? _axis2;

    protected override void BeginProcessing()
    {
        if (InversionEfficiency is not null && EstimateInversionEfficiency)
            Terminate("InversionEfficiencyGivenTwice", "Pass either -InversionEfficiency (a value) or -EstimateInversionEfficiency, not both.");
        if (InversionEfficiency is { } kappa) Run(() => KernelPair.CheckInversionEfficiency(kappa), null);
        if (Axis1 is not null && Axis1Path is not null)
            Terminate("AxisGivenTwice", "Pass the first axis either as -Axis1 values or as -Axis1Path, not both.");
        if (Axis2 is not null && Axis2Path is not null)
            Terminate("AxisGivenTwice", "Pass the second axis either as -Axis2 values or as -Axis2Path, not both.");
        Run(() =>
        {
            _axis1 = Axis1 ?? (Axis1Path is null ? null : ReadAxisFile(Axis1Path));
            _axis2 = Axis2 ?? (Axis2Path is null ? null : ReadAxisFile(Axis2Path));
        }, Axis1Path ?? Axis2Path);
    }

    protected override void ProcessRecord()
    {
        foreach (var p in (LiteralPath ?? Path)!)
        {
            if (Stopping) return;
            foreach (var path in ResolvePaths(p, literal: LiteralPath is not null))
            {
                if (!IsNewMeasurement(path)) continue;
                Read(path);
            }
        }
    }

    private void Read(string path)
    {
        RunForItem(() =>
        {
            var options = new ImportOptions
            {
                Format = Format,
                Experiment = Experiment,
                T1Recovery = T1Recovery,
                TimeDivisor = TimeUnit == "ms" ? 1000 : 1,
                BFactor = BUnit switch { "s/mm2" => 1e6, "ms/um2" => 1e9, _ => 1 },
                Axis1 = _axis1,
                Axis2 = _axis2,
                Delimiter = Delimiter,
                Name = Name,
                NoiseSigma = NoiseSigma,
            };
            var signal = SignalImport.Read(path, options);
            string incomplete = "";
            if (InversionEfficiency is { } kappa) signal = WithInversionEfficiency(signal, kappa, "parameter");
            else if (EstimateInversionEfficiency || Engine.Inversion.InversionEfficiencyFit.AppearsIncomplete(signal, out incomplete))
            {
                var estimate = Engine.Inversion.InversionEfficiencyFit.Estimate(signal, cancellation: _cancel.Token);
                signal = WithInversionEfficiency(signal, estimate.Kappa, EstimateInversionEfficiency ? estimate.Describe()
                    : $"estimated because {incomplete} (a flat start above -M0: an incomplete inversion; -InversionEfficiency 1 keeps a perfect one): {estimate.Describe()}");
            }
            if (signal.Kernels.InversionEfficiency != 1.0) WriteVerbose($"Inversion efficiency {signal.Provenance["InversionEfficiency"]}: {signal.Provenance["InversionEfficiencySource"]}.");
            WriteVerbose($"{path}: {signal.Provenance.GetValueOrDefault("Format")} {signal.Experiment} {signal.Size}; {signal.Axis1}{(signal.Dimensions == 2 ? "; " + signal.Axis2 : "")}.");
            if (signal.Provenance.TryGetValue("Phase", out var phase)) WriteVerbose($"Phase: {phase}.");
            if (signal.Provenance.TryGetValue("NoiseSource", out var noise)) WriteVerbose($"Noise sigma {signal.NoiseSigma}: {noise}.");
            WriteWarnings(signal.Warnings, signal.Name);
            WriteObject(signal);
        }, path);
    }

    // One measurement per import within one invocation: the keys of the measurements read so far (a Spinsolve folder,
    // its data file and its acqu.par share one), the paths seen, and what is left to decide at the end.
    private readonly HashSet<string> _measurements = new(MeasurementIdentity.Comparer);
    private readonly List<string> _seen = new();
    private readonly List<string> _folders = new();
    private readonly List<(string Path, string Owner)> _companions = new();

    /// <summary>
    /// False when <paramref name="path"/> stands for a measurement already read by this invocation, and for what a
    /// recursive listing brings besides measurements: a piped folder without acqu.par (decided at the end: an error only
    /// when nothing inside it came through the pipeline) and a companion file of a Spinsolve folder (its notes).
    /// </summary>
    private bool IsNewMeasurement(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        _seen.Add(full);
        bool listing = MyInvocation.ExpectingInput && Format == SignalFormat.Auto;
        string key = full;
        try
        {
            if (listing && Directory.Exists(full) && Spinsolve.FindParameterFile(full) is null)
            {
                _folders.Add(full);
                return false;
            }
            if (listing && MeasurementIdentity.CompanionOf(full) is { } owner)
            {
                _companions.Add((full, owner));
                WriteVerbose($"{full}: part of the Spinsolve measurement {owner}, not a measurement of its own.");
                return false;
            }
            key = MeasurementIdentity.KeyOf(full, Format);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The read reports what is wrong with the path.
        }
        if (_measurements.Add(key)) return true;
        WriteVerbose($"{full}: measurement {key} was already imported by this command; skipped.");
        return false;
    }

    protected override void StopProcessing() => _cancel.Cancel();

    protected override void EndProcessing()
    {
        // A companion file whose measurement did not come through the pipeline stands for its folder.
        foreach (var (path, owner) in _companions)
            if (!Stopping && _measurements.Add(owner)) Read(System.IO.Path.GetDirectoryName(path)!);
        // A folder of measurements whose contents never came (Get-Item folder | Import-NmrSignal) is the user's mistake.
        foreach (var folder in _folders)
        {
            string inside = folder.TrimEnd(System.IO.Path.DirectorySeparatorChar) + System.IO.Path.DirectorySeparatorChar;
            if (!Stopping && !_seen.Any(p => p.StartsWith(inside, StringComparison.Ordinal))) Read(folder);
        }
        _cancel.Dispose();
    }

    /// <summary>The same signal with kernels of inversion efficiency <paramref name="kappa"/>, stated in the provenance.</summary>
    private static Signal2D WithInversionEfficiency(Signal2D s, double kappa, string source)
    {
        var provenance = new Dictionary<string, string>(s.Provenance)
        {
            ["InversionEfficiency"] = kappa.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture),
            ["InversionEfficiencySource"] = source,
        };
        return new Signal2D(s.Values, s.Axis1, s.Axis2, s.Kernels.WithInversionEfficiency(kappa), s.RelaxationAxis1, s.RelaxationAxis2,
            s.NoiseSigma, s.Snr, null, s.Name, s.Seed, provenance).WithWarnings(s.Warnings);
    }

    /// <summary>
    /// Provider paths of a -Path or -LiteralPath value. -LiteralPath is taken as it is. -Path follows PowerShell's
    /// wildcard rules: a pattern expands to the matching items; a pattern that matches nothing is read literally when
    /// that item exists (a folder named "br[1]"), else it is an error. A path that names nothing is FileNotFound
    /// (ObjectNotFound) for that path: never silence.
    /// </summary>
    private IEnumerable<string> ResolvePaths(string psPath, bool literal)
    {
        if (literal || !WildcardPattern.ContainsWildcardCharacters(psPath))
        {
            string path = GetUnresolvedProviderPathFromPSPath(psPath);
            if (File.Exists(path) || Directory.Exists(path)) return new[] { path };
            return NotFound(psPath, $"'{path}' does not exist; pass a measurement file or a Spinsolve folder.");
        }
        List<string> matches;
        try
        {
            matches = GetResolvedProviderPathFromPSPath(psPath, out _).ToList();
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException)
        {
            matches = new List<string>();
        }
        if (matches.Count > 0) return matches;
        string literalPath = GetUnresolvedProviderPathFromPSPath(WildcardPattern.Unescape(psPath));
        if (File.Exists(literalPath) || Directory.Exists(literalPath))
        {
            WriteVerbose($"'{psPath}' matches nothing as a wildcard pattern; reading the item of that literal name.");
            return new[] { literalPath };
        }
        return NotFound(psPath, $"No file matches '{psPath}'. (Brackets are wildcards in -Path; pass -LiteralPath for names with brackets.)");
    }

    private string[] NotFound(string psPath, string message)
    {
        WriteError(new ErrorRecord(new NmrInputException("FileNotFound", message, InputProblem.NotFound), "FileNotFound", ErrorCategory.ObjectNotFound, psPath));
        return Array.Empty<string>();
    }

    private double[] ReadAxisFile(string psPath)
    {
        string path = GetUnresolvedProviderPathFromPSPath(psPath);
        var table = DelimitedText.ReadFile(path, Delimiter);
        int first = table.RowCount > 1 && Enumerable.Range(0, table.Rows[0].Length).All(c => !table.IsNumber(0, c)) ? 1 : 0; // a header such as "t2 (ms)"
        bool oneRow = table.RowCount - first == 1, oneColumn = table.Rows.Skip(first).All(r => r.Length == 1);
        if (!oneRow && !oneColumn)
            throw new NmrInputException("CsvAxisShape", $"{table.Source} must hold one row or one column of axis values; it has {table.RowCount} rows of up to {table.Rows.Max(r => r.Length)} cells.", InputProblem.Data);
        var values = new List<double>();
        for (int r = first; r < table.RowCount; r++)
            for (int c = 0; c < table.Rows[r].Length; c++) values.Add(table.Number(r, c));
        return values.ToArray();
    }
}
