using System.Globalization;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Network;

namespace NmrInversion.Engine.Analysis;

/// <summary>What <see cref="DistributionSummary.Of"/> is asked beyond the result itself.</summary>
public sealed class SummaryOptions
{
    /// <summary>A cutoff on <see cref="CutoffAxis"/> (s for T1/T2, m^2/s for D), e.g. 0.033 for a T2 cutoff of 33 ms; null for none.</summary>
    public double? Cutoff { get; init; }

    /// <summary>The axis the cutoff applies to (T1, T2 or D); null: the map's T2 axis if it has one, else its last axis.</summary>
    public string? CutoffAxis { get; init; }

    /// <summary>Amplitude of one unit of porosity or volume (a reference sample's amplitude over its known value); null: no porosity.</summary>
    public double? CalibrationAmplitude { get; init; }
}

/// <summary>
/// The numbers a laboratory reports for one sample and one method, as one flat row: who (sample, file, method and its
/// weights, misfit, noise level), how much (total <see cref="Amplitude"/> in signal units and, with a calibration, the
/// <see cref="Porosity"/>: amplitude over the amplitude of one unit), where (the log-mean, i.e. geometric mean, of each
/// axis: 10^(sum f log10 x / sum f) over the map's projection onto it) and how the mass splits at a cutoff
/// (<see cref="FractionBelow"/> and <see cref="FractionAbove"/>: bound and free fluid, BVI and FFI for a T2 cutoff).
/// <para>Each grid cell stands for the interval between the geometric midpoints to its neighbours (the end cells extend
/// half a spacing outward), and a cell that the cutoff crosses is split in proportion in log10, so the fractions move
/// continuously with the cutoff instead of jumping from cell to cell. A cutoff outside the grid puts all the mass on one
/// side.</para>
/// </summary>
public sealed record DistributionSummary
{
    /// <summary>The sample: the signal's name.</summary>
    public required string Name { get; init; }

    /// <summary>The file the signal was imported from; null for a simulated signal.</summary>
    public string? SourceFile { get; init; }

    /// <summary>T1T2, T2, D, ...</summary>
    public required string Experiment { get; init; }

    /// <summary>Tikhonov, MTGV, U-Net, U-Net+DC.</summary>
    public required string Method { get; init; }

    /// <summary>The regularisation weight: Tikhonov's alpha, MTGV's data weight, the data-consistency step's alpha; null for the network's own map.</summary>
    public double? Alpha { get; init; }

    /// <summary>MTGV's smoothness weight beta; null for the other methods.</summary>
    public double? Beta { get; init; }

    /// <summary>Residual per point over the noise level (about 1 when the map explains the data); null when no noise level is known.</summary>
    public double? Misfit { get; init; }

    /// <summary>The noise standard deviation used, in signal units.</summary>
    public double? NoiseLevel { get; init; }

    /// <summary>The map's total amplitude in signal units (<see cref="InversionResult.Amplitude"/>; M0 for a T1 or T2 measurement).</summary>
    public double Amplitude { get; init; }

    /// <summary>Geometric mean of T1 (s); null when the map has no T1 axis.</summary>
    public double? LogMeanT1 { get; init; }

    /// <summary>Geometric mean of T2 (s); null when the map has no T2 axis. Of a T2-T2 map: its second axis.</summary>
    public double? LogMeanT2 { get; init; }

    /// <summary>Geometric mean of D (m^2/s); null when the map has no D axis.</summary>
    public double? LogMeanD { get; init; }

    /// <summary>The axis the cutoff applies to; null without a cutoff.</summary>
    public string? CutoffAxis { get; init; }

    /// <summary>The cutoff (s, or m^2/s for D); null without one.</summary>
    public double? Cutoff { get; init; }

    /// <summary>Share of the mass below the cutoff (bound fluid, BVI for a T2 cutoff); null without a cutoff.</summary>
    public double? FractionBelow { get; init; }

    /// <summary>Share of the mass above the cutoff (free fluid, FFI); 1 - <see cref="FractionBelow"/>.</summary>
    public double? FractionAbove { get; init; }

    /// <summary>
    /// Amplitude over the calibration's amplitude per unit: a porosity, or a water content in the unit of the
    /// calibration value; null when not calibrated. Comparable only between measurements taken alike (receiver gain,
    /// scans, sample volume or mass).
    /// </summary>
    public double? Porosity { get; init; }

    /// <summary>The result's warning ids joined with ';' (e.g. "EdgeMass;HighMisfit"); empty when there are none.</summary>
    public string Warnings { get; init; } = "";

    /// <summary>The summary of one inversion result.</summary>
    public static DistributionSummary Of(InversionResult result, SummaryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        options ??= new SummaryOptions();
        var d = result.Distribution;
        var axes = d.Dimensions == 1 ? new[] { (d.Axis1, d.Projection1()) } : new[] { (d.Axis1, d.Projection1()), (d.Axis2, d.Projection2()) };
        double? LogMeanOf(string name)
        {
            // A T2-T2 map reports its second axis (the last one named so), as Peak.T2 does.
            var match = axes.LastOrDefault(a => a.Item1.Name == name);
            if (match.Item1 is null) return null;
            double g = GeometricMean(match.Item2, match.Item1);
            return double.IsFinite(g) ? g : null;
        }

        string? cutoffAxis = null;
        double? below = null;
        if (options.Cutoff is { } cutoff)
        {
            if (!(cutoff > 0) || !double.IsFinite(cutoff))
                throw new NmrInputException("CutoffInvalid", string.Create(CultureInfo.InvariantCulture, $"The cutoff must be a positive, finite time (s) or diffusion coefficient (m^2/s); got {cutoff}."));
            var (axis, weights) = CutoffAxisOf(d, axes, options.CutoffAxis);
            cutoffAxis = axis.Name;
            double b = ShareBelow(weights, axis, cutoff);
            below = double.IsFinite(b) ? b : null;
        }

        double? porosity = null;
        if (options.CalibrationAmplitude is { } unit)
        {
            if (!(unit > 0) || !double.IsFinite(unit))
                throw new NmrInputException("CalibrationInvalid", string.Create(CultureInfo.InvariantCulture, $"The calibration amplitude (amplitude of one unit of porosity or volume) must be positive and finite; got {unit}."));
            porosity = result.Amplitude / unit;
        }

        return new DistributionSummary
        {
            Name = result.Name,
            SourceFile = result.SourceFile,
            Experiment = result.Signal.Experiment.ToString(),
            Method = result.Method,
            Alpha = AlphaOf(result),
            Beta = BetaOf(result),
            Misfit = double.IsFinite(result.Misfit) ? result.Misfit : null,
            NoiseLevel = result.NoiseLevel,
            Amplitude = result.Amplitude,
            LogMeanT1 = LogMeanOf("T1"),
            LogMeanT2 = LogMeanOf("T2"),
            LogMeanD = LogMeanOf("D"),
            CutoffAxis = cutoffAxis,
            Cutoff = options.Cutoff,
            FractionBelow = below,
            FractionAbove = below is { } x ? 1 - x : null,
            Porosity = porosity,
            Warnings = string.Join(";", result.Warnings.Select(w => w.Id)),
        };
    }

    /// <summary>The regularisation weight alpha of a result (Tikhonov, MTGV, U-Net+DC); null for the network's map.</summary>
    public static double? AlphaOf(InversionResult result) => result switch
    {
        TikhonovResult t => t.Alpha,
        MtgvResult m => m.Alpha,
        UnetResult u => u.DataConsistencyAlpha,
        _ => null,
    };

    /// <summary>How a result's hyperparameters were chosen, in words ("" for the network's own map).</summary>
    public static string RuleOf(InversionResult result) => result switch
    {
        TikhonovResult t => $"{t.AlphaRule}: {t.AlphaReason}",
        MtgvResult m => $"alpha {(m.AlphaChosenBy == "Fixed" ? "fixed" : "by GCV")}, beta {(m.BetaChosenBy == "Fixed" ? "fixed" : "by the BRD-style search")}",
        UnetResult { DataConsistencyAlpha: not null } => "data-consistency alpha by GCV",
        _ => "",
    };

    /// <summary>The module's version, as exports state it.</summary>
    public static string ModuleVersion => typeof(DistributionSummary).Assembly.GetName().Version?.ToString(3) ?? "";

    /// <summary>MTGV's beta; null for the other methods.</summary>
    public static double? BetaOf(InversionResult result) => result is MtgvResult m ? m.Beta : null;

    /// <summary>10^(sum w log10 x / sum w): the geometric mean of the axis values weighted by <paramref name="weights"/>; NaN when they sum to 0.</summary>
    public static double GeometricMean(IReadOnlyList<double> weights, RelaxationAxis axis)
    {
        Check(weights, axis);
        double mass = 0, moment = 0;
        for (int k = 0; k < weights.Count; k++)
        {
            mass += weights[k];
            moment += weights[k] * Math.Log10(axis[k]);
        }
        return mass > 0 ? Math.Pow(10, moment / mass) : double.NaN;
    }

    /// <summary>
    /// The share of the weights below <paramref name="cutoff"/> on <paramref name="axis"/>, each cell spread evenly in
    /// log10 over its interval (see the type's remarks); NaN when the weights sum to 0.
    /// </summary>
    public static double ShareBelow(IReadOnlyList<double> weights, RelaxationAxis axis, double cutoff)
    {
        Check(weights, axis);
        int n = axis.Count;
        if (n < 2)
            throw new NmrInputException("CutoffAxisInvalid", $"A cutoff needs an axis of at least two points; {axis.Name} has {n}.");
        var l = new double[n];
        for (int k = 0; k < n; k++) l[k] = Math.Log10(axis[k]);
        double c = Math.Log10(cutoff), mass = 0, below = 0;
        for (int k = 0; k < n; k++)
        {
            double lower = k == 0 ? l[0] - (l[1] - l[0]) / 2 : (l[k - 1] + l[k]) / 2;
            double upper = k == n - 1 ? l[n - 1] + (l[n - 1] - l[n - 2]) / 2 : (l[k] + l[k + 1]) / 2;
            double share = Math.Clamp((c - lower) / (upper - lower), 0, 1);
            mass += weights[k];
            below += weights[k] * share;
        }
        return mass > 0 ? below / mass : double.NaN;
    }

    private static (RelaxationAxis Axis, double[] Weights) CutoffAxisOf(Distribution2D d, (RelaxationAxis, double[])[] axes, string? name)
    {
        if (name is null)
        {
            var t2 = axes.LastOrDefault(a => a.Item1.Name == "T2");
            return t2.Item1 is not null ? t2 : axes[^1];
        }
        var match = axes.LastOrDefault(a => string.Equals(a.Item1.Name, name, StringComparison.OrdinalIgnoreCase));
        if (match.Item1 is null)
            throw new NmrInputException("CutoffAxisUnknown",
                $"The {d.Axis1.Name}{(d.Dimensions == 2 ? "-" + d.Axis2.Name : "")} map has no {name} axis for the cutoff; its axes are {string.Join(" and ", axes.Select(a => a.Item1.Name))}.");
        return match;
    }

    private static void Check(IReadOnlyList<double> weights, RelaxationAxis axis)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(axis);
        if (weights.Count != axis.Count)
            throw new NmrInputException("DistributionSizeMismatch", $"{weights.Count} weights for the {axis.Count} points of {axis.Name}.", InputProblem.Data);
    }
}
