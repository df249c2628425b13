using System.Management.Automation;
using NmrInversion.Engine;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Metrics;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Scores reconstructions with the paper's chi (eq. 7) on the 2D map and both projections.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "NmrChi")]
[OutputType(typeof(ChiReport))]
public sealed class MeasureNmrChiCommand : NmrCmdlet
{
    /// <summary>The true distribution. Optional when the reconstruction is an inversion result that carries its Truth.</summary>
    [Parameter(Position = 0)]
    public Distribution2D? Reference { get; set; }

    /// <summary>A distribution, an inversion result (from Invoke-NmrTikhonov, Invoke-NmrMtgv, Invoke-NmrUnetInversion), or a
    /// bare map (double[,], e.g. from another program) on the grid of -Reference; a map with negative or non-finite entries
    /// is refused (DistributionNegative, DistributionNotFinite).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PSObject? Reconstruction { get; set; }

    protected override void ProcessRecord()
    {
        object item = Reconstruction!.BaseObject;
        RunForItem(() =>
        {
            var (distribution, method, name, snr, truth) = item switch
            {
                InversionResult r => (r.Distribution, r.Method, r.Name, r.Snr, r.Truth),
                Distribution2D d => (d, d.Name, Reference?.Name ?? d.Name, (double?)null, (Distribution2D?)null),
                double[,] map => (Reference is null
                    ? throw new NmrInputException("ReferenceMissing", "A bare map (double[,]) has no grid of its own: pass -Reference, the true distribution on the same grid.", InputProblem.Argument)
                    : new Distribution2D(map, Reference.Axis1, Reference.Axis2, "Map"), "Map", Reference.Name, (double?)null, (Distribution2D?)null),
                _ => throw new NmrInputException("ReconstructionTypeInvalid",
                    $"-Reconstruction takes a distribution or an inversion result; got {item.GetType().FullName}.", InputProblem.Argument),
            };
            var reference = Reference ?? truth ?? throw new NmrInputException("ReferenceMissing",
                $"No reference for '{name}': pass -Reference, or pipe inversion results of simulated signals (they carry their Truth).", InputProblem.Argument);
            var score = ChiMetric.Compare(reference, distribution);
            WriteObject(new ChiReport(method, name, snr, score.Chi2D, score.ChiT1, score.ChiT2));
        }, item);
    }
}
