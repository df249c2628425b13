using System.Management.Automation;
using NmrInversion.Engine;
using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Inversion;
using NmrInversion.Plotting;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Writes one self-contained HTML report of a batch of inversion results: an overview table, and per sample its maps, fit figures, summary table, peaks and warnings.</para>
/// <para type="description">Collects every piped result, groups them by sample name (several methods per sample are
/// fine), draws each result's map and fit figure, and writes one HTML file with the figures embedded as PNG data URIs
/// and the CSS inline (no external resource). The file is written to a temporary file and renamed; an existing file is
/// only replaced with -Force.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "NmrReport", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportNmrReportCommand : NmrCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Inversion results (Invoke-NmrTikhonov, Invoke-NmrMtgv, Invoke-NmrUnetInversion).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public InversionResult[] InputObject { get; set; } = Array.Empty<InversionResult>();

    /// <summary>The HTML file to write.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The HTML file to write, taken literally.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    /// <summary>Title of the report (heading and browser tab).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Title { get; set; } = "NmrInversion report";

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private readonly List<InversionResult> _results = new();

    protected override void ProcessRecord()
    {
        foreach (var r in InputObject) _results.Add(r);
    }

    protected override void EndProcessing()
    {
        if (_results.Count == 0) Terminate("ReportNothingToWrite", "Nothing to report: no inversion result was given.", InputProblem.Argument, null);
        string fullPath = GetUnresolvedProviderPathFromPSPath(ParameterSetName == LiteralPathSet ? LiteralPath : Path);
        BatchReport? report = null;
        Run(() => report = BatchReport.Build(_results, Title), _results);
        CheckTarget(fullPath);
        int total = report!.Entries.Count();
        if (!ShouldProcess(fullPath, $"Write HTML report of {total} result(s) in {report.Samples.Count} sample(s)")) return;

        var figures = new Dictionary<ReportEntry, EntryFigures>();
        var progress = new ProgressRecord(1, "Export-NmrReport", "Drawing figures");
        int done = 0;
        foreach (var entry in report.Entries)
        {
            progress.StatusDescription = $"{entry.Result.Method} {entry.Result.Name} ({done + 1} of {total})";
            progress.PercentComplete = 100 * done / total;
            WriteProgress(progress);
            Run(() => figures[entry] = EntryFigures.Render(entry), entry.Result);
            done++;
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);

        string generator = $"NmrInversion {MyInvocation.MyCommand.Module?.Version?.ToString() ?? ""}".Trim();
        Run(() => AtomicFile.WriteText(fullPath, Force, w => ReportHtml.Write(w, report, figures, generator)), fullPath);
        WriteVerbose($"Wrote {report.Samples.Count} sample(s), {total} result(s) to {fullPath}.");
        var items = InvokeProvider.Item.Get(new[] { fullPath }, true, true);
        WriteObject(items.Count == 1 ? items[0] : new FileInfo(fullPath));
    }

    private void CheckTarget(string fullPath)
    {
        if (Directory.Exists(fullPath))
            Terminate("PathIsFolder", $"'{fullPath}' is a folder; -Path names the HTML file to write.", InputProblem.Argument, fullPath);
        string? folder = System.IO.Path.GetDirectoryName(fullPath);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
            Terminate("FolderNotFound", $"The folder of '{fullPath}' does not exist; create it first.", InputProblem.NotFound, fullPath);
        if (File.Exists(fullPath) && !Force)
            ThrowTerminatingError(new ErrorRecord(
                new IOException($"'{fullPath}' exists; pass -Force to replace it."), "FileExists", ErrorCategory.ResourceExists, fullPath));
    }
}
