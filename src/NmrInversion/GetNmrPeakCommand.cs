using System.Management.Automation;
using NmrInversion.Engine.Analysis;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Inversion;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Finds the peaks of a distribution: connected regions above a fraction of the maximum, with their log-mean positions, log widths, volume fractions and T1/T2 ratio.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "NmrPeak", DefaultParameterSetName = "Result")]
[OutputType(typeof(Peak))]
public sealed class GetNmrPeakCommand : NmrCmdlet
{
    /// <summary>The distribution.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Distribution")]
    [ValidateNotNull]
    public Distribution2D? Distribution { get; set; }

    /// <summary>An inversion result: its map's peaks, each with the result's sample name, method and source file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Result")]
    [ValidateNotNull]
    public InversionResult? Result { get; set; }

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
        var d = Result?.Distribution ?? Distribution!;
        RunForItem(() =>
        {
            if (Projection is not null) d = d.ProjectionOnto(Projection);
            var peaks = PeakFinder.Find(d, Threshold);
            WriteVerbose($"{Result?.Name ?? d.Name}: {peaks.Count} peak(s) above {Threshold} of the maximum.");
            foreach (var p in peaks)
                WriteObject(Result is { } r ? p with { Name = r.Name, Method = r.Method, SourceFile = r.SourceFile } : p);
        }, (object?)Result ?? d);
    }
}
