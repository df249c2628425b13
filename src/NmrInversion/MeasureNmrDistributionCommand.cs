using System.Globalization;
using System.Management.Automation;
using NmrInversion.Engine.Analysis;
using NmrInversion.Engine.Inversion;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Summarises inversion results as one flat row each: the log-mean (geometric mean) of every axis, the total amplitude, the fractions below and above a cutoff (bound and free fluid) and, with a calibration, the porosity or water content.</para>
/// <para type="description">The rows go straight to Export-Csv: Name, SourceFile, Experiment, Method, Alpha, Beta,
/// Misfit, NoiseLevel, Amplitude, LogMeanT1, LogMeanT2, LogMeanD, CutoffAxis, Cutoff, FractionBelow, FractionAbove,
/// Porosity and Warnings (the result's warning ids joined with ';').</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "NmrDistribution", DefaultParameterSetName = "NoCalibration")]
[OutputType(typeof(DistributionSummary))]
public sealed class MeasureNmrDistributionCommand : NmrCmdlet
{
    /// <summary>The inversion result(s) to summarise (Invoke-NmrTikhonov, Invoke-NmrMtgv, Invoke-NmrUnetInversion).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public InversionResult? Result { get; set; }

    /// <summary>A cutoff on -CutoffAxis, in s (T1, T2) or m^2/s (D): e.g. 0.033 for a T2 cutoff of 33 ms.</summary>
    [Parameter]
    [ValidateRange(double.Epsilon, double.MaxValue)]
    public double? Cutoff { get; set; }

    /// <summary>The axis the cutoff applies to: T1, T2 or D. Default: T2 when the map has a T2 axis (T2, T1-T2, D-T2), else its last axis (T1, D, T1-D: D).</summary>
    [Parameter]
    [ValidateSet("T1", "T2", "D", IgnoreCase = true)]
    public string? CutoffAxis { get; set; }

    /// <summary>The amplitude of one unit of porosity or volume (for example a water reference's amplitude divided by its volume); Porosity = Amplitude / CalibrationAmplitude.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Amplitude")]
    [ValidateRange(double.Epsilon, double.MaxValue)]
    public double? CalibrationAmplitude { get; set; }

    /// <summary>The inversion result of a reference sample measured alike (same gain and scans), whose porosity or volume is -CalibrationValue.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Reference")]
    [ValidateNotNull]
    public InversionResult? Calibration { get; set; }

    /// <summary>The reference sample's known porosity, volume or water content (default 1: a bulk water reference reads as porosity 1).</summary>
    [Parameter(ParameterSetName = "Reference")]
    [ValidateRange(double.Epsilon, double.MaxValue)]
    public double CalibrationValue { get; set; } = 1.0;

    private SummaryOptions? _options;

    protected override void BeginProcessing()
    {
        if (CutoffAxis is not null && Cutoff is null)
            Terminate("CutoffMissing", "-CutoffAxis names the axis of -Cutoff; pass -Cutoff too (e.g. -Cutoff 0.033 -CutoffAxis T2).");
        double? unit = CalibrationAmplitude;
        if (Calibration is { } reference)
        {
            if (!(reference.Amplitude > 0) || !double.IsFinite(reference.Amplitude))
                Terminate("CalibrationInvalid", string.Create(CultureInfo.InvariantCulture,
                    $"The calibration result for '{reference.Name}' has amplitude {reference.Amplitude:G4}; a reference sample needs a positive amplitude."), target: reference);
            unit = reference.Amplitude / CalibrationValue;
            WriteVerbose(string.Create(CultureInfo.InvariantCulture,
                $"Calibration: '{reference.Name}' ({reference.Method}) amplitude {reference.Amplitude:G6} for {CalibrationValue:G6}: {unit:G6} per unit."));
        }
        _options = new SummaryOptions { Cutoff = Cutoff, CutoffAxis = CutoffAxis?.ToUpperInvariant() switch { "T1" => "T1", "T2" => "T2", "D" => "D", _ => null }, CalibrationAmplitude = unit };
    }

    protected override void ProcessRecord()
    {
        var r = Result!;
        RunForItem(() =>
        {
            if (Calibration is { } reference && reference.Method != r.Method)
                WriteVerbose($"'{r.Name}' ({r.Method}) is calibrated against a {reference.Method} result; amplitudes of different methods agree only as well as their fits.");
            WriteObject(DistributionSummary.Of(r, _options));
        }, r);
    }
}
