using NmrInversion.Engine.Grids;

namespace NmrInversion.Engine.Distributions;

/// <summary>
/// Random distributions following the paper's training recipe (section 5): weighted superpositions of 1 to 5 lognormal
/// components with log standard deviations drawn uniformly from 0.025 to 0.25 (independently per dimension).
/// The paper does not state how means and weights were drawn; here log means are uniform over the grid's log range,
/// kept two standard deviations inside its ends, and weights are uniform in [0.1, 1] before normalisation.
/// Deterministic for a given <see cref="Random"/> state.
/// </summary>
public sealed class RandomDistributions
{
    public RandomDistributions(RelaxationAxis axis1, RelaxationAxis axis2, int minComponents = 1, int maxComponents = 5,
        double minLogSd = 0.025, double maxLogSd = 0.25)
    {
        if (minComponents < 1 || maxComponents < minComponents)
            throw new NmrInputException("ComponentCountInvalid", $"Component counts must satisfy 1 <= minimum <= maximum; got {minComponents}..{maxComponents}.");
        if (!(minLogSd > 0) || !(maxLogSd >= minLogSd))
            throw new NmrInputException("LogSdRangeInvalid", $"Log standard deviations must satisfy 0 < minimum <= maximum; got {minLogSd}..{maxLogSd}.");
        Axis1 = axis1;
        Axis2 = axis2;
        MinComponents = minComponents;
        MaxComponents = maxComponents;
        MinLogSd = minLogSd;
        MaxLogSd = maxLogSd;
    }

    public RelaxationAxis Axis1 { get; }
    public RelaxationAxis Axis2 { get; }
    public int MinComponents { get; }
    public int MaxComponents { get; }
    public double MinLogSd { get; }
    public double MaxLogSd { get; }

    /// <summary>Draws the components of one random map.</summary>
    public LognormalComponent[] NextComponents(Random rng)
    {
        int n = rng.Next(MinComponents, MaxComponents + 1);
        var c = new LognormalComponent[n];
        for (int k = 0; k < n; k++)
        {
            double sd1 = MinLogSd + (MaxLogSd - MinLogSd) * rng.NextDouble();
            double sd2 = MinLogSd + (MaxLogSd - MinLogSd) * rng.NextDouble();
            double m1 = Mean(rng, Axis1, sd1);
            double m2 = Axis2.Count == 1 ? 0 : Mean(rng, Axis2, sd2);
            double w = 0.1 + 0.9 * rng.NextDouble();
            c[k] = new LognormalComponent(m1, sd1, m2, sd2, w);
        }
        return c;
    }

    /// <summary>Draws one random distribution.</summary>
    public Distribution2D Next(Random rng, string? name = null) =>
        Distribution2D.FromComponents(NextComponents(rng), Axis1, Axis2, name ?? "Random");

    private static double Mean(Random rng, RelaxationAxis axis, double sd)
    {
        double lo = Math.Log10(axis.Minimum) + 2 * sd, hi = Math.Log10(axis.Maximum) - 2 * sd;
        if (hi <= lo) return 0.5 * (Math.Log10(axis.Minimum) + Math.Log10(axis.Maximum));
        return lo + (hi - lo) * rng.NextDouble();
    }
}
