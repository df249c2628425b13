using System.Management.Automation;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Formats;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Writes a distribution (or an inversion result's distribution) to CSV (header row of T2, first column of T1) or JSON (exact).</para>
/// </summary>
[Cmdlet(VerbsData.Export, "NmrDistribution", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(FileInfo))]
public sealed class ExportNmrDistributionCommand : ExportCmdlet
{
    /// <summary>The distribution; an inversion result from the pipeline binds its Distribution property.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Distribution2D? Distribution { get; set; }

    protected override void ProcessRecord()
    {
        var d = Distribution!;
        Export(d, $"{d.Axis1.Name}-{d.Axis2.Name} distribution '{d.Name}' ({d.Size})",
            s => SignalJson.Write(s, d), w => CsvSignal.Write(w, d));
    }
}
