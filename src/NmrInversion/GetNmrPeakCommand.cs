using System.Management.Automation;
using NmrInversion.Engine.Analysis;
using NmrInversion.Engine.Distributions;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Finds the peaks of a distribution: connected regions above a fraction of the maximum, with their log-mean positions, log widths, volume fractions and T1/T2 ratio.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "NmrPeak")]
[OutputType(typeof(Peak))]
public sealed class GetNmrPeakCommand : NmrCmdlet
{
    /// <summary>The distribution; an inversion result from the pipeline binds its Distribution property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Distribution2D? Distribution { get; set; }

    /// <summary>Cells above this fraction of the maximum belong to peaks (default 0.05).</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double Threshold { get; set; } = PeakFinder.DefaultThreshold;

    /// <summary>Find the peaks of the map's projection onto this axis (T1, T2 or D): e.g. the T2 distribution of a T1-T2 map.</summary>
    [Parameter]
    [ValidateSet("T1", "T2", "D", IgnoreCase = true)]
    public string? Projection { get; set; }

    protected override void ProcessRecord()
    {
        var d = Distribution!;
        RunForItem(() =>
        {
            if (Projection is not null) d = d.ProjectionOnto(Projection);
            var peaks = PeakFinder.Find(d, Threshold);
            WriteVerbose($"{d}: {peaks.Count} peak(s) above {Threshold} of the maximum.");
            foreach (var p in peaks) WriteObject(p);
        }, d);
    }
}
