using System.Management.Automation;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Formats;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Writes a distribution (or an inversion result's distribution) to CSV (header row of T2, first column of T1) or JSON (exact).</para>
/// </summary>
[Cmdlet(VerbsData.Export, "NmrDistribution", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportNmrDistributionCommand : NmrCmdlet
{
    /// <summary>The file to write. The extension .json selects JSON unless -Format says otherwise.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The distribution; an inversion result from the pipeline binds its Distribution property.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Distribution2D? Distribution { get; set; }

    /// <summary>Csv or Json; Auto (default) chooses by extension (.json: Json, else Csv).</summary>
    [Parameter]
    [ValidateSet("Auto", "Csv", "Json")]
    public string Format { get; set; } = "Auto";

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Output the written file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    protected override void ProcessRecord()
    {
        var d = Distribution!;
        string path = GetUnresolvedProviderPathFromPSPath(Path!);
        bool json = ExportTarget.IsJson(Format, path);
        if (!ExportTarget.CheckWritable(this, path, Force, _written, d)) return;
        if (!ShouldProcess(path, $"Write {d.Axis1.Name}-{d.Axis2.Name} distribution '{d.Name}' ({d.Size}) as {(json ? "JSON" : "CSV")}")) return;
        RunForItem(() =>
        {
            if (json) AtomicFile.Write(path, Force, s => SignalJson.Write(s, d));
            else AtomicFile.WriteText(path, Force, w => CsvSignal.Write(w, d));
            _written.Add(path);
            if (PassThru) WriteObject(new FileInfo(path));
        }, d);
    }
}
