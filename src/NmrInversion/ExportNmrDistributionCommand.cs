using System.Management.Automation;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Inversion;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Writes a distribution (or an inversion result's distribution) to CSV (header row of T2, first column of T1) or JSON (exact).</para>
/// </summary>
[Cmdlet(VerbsData.Export, "NmrDistribution", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(FileInfo))]
public sealed class ExportNmrDistributionCommand : ExportCmdlet
{
    /// <summary>The distribution (or pipe an inversion result, which binds -Result; one of the two is needed).</summary>
    [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Distribution2D? Distribution { get; set; }

    /// <summary>An inversion result: its distribution, with the sample, source file, method, alpha, beta, misfit, noise level, amplitude and warnings.</summary>
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public InversionResult? Result { get; set; }

    protected override void ProcessRecord()
    {
        if (Result is { } r)
        {
            var rd = r.Distribution;
            Export(r, $"{r.Method} result for '{r.Name}' ({rd.Axis1.Name}-{rd.Axis2.Name}, {rd.Size})",
                s => SignalJson.Write(s, r), w => CsvSignal.Write(w, r));
            return;
        }
        if (Distribution is not { } d)
        {
            Terminate("InputMissing", "Pass a distribution or an inversion result (-Distribution, -Result, or from the pipeline).");
            return;
        }
        Export(d, $"{d.Axis1.Name}-{d.Axis2.Name} distribution '{d.Name}' ({d.Size})",
            s => SignalJson.Write(s, d), w => CsvSignal.Write(w, d));
    }
}
