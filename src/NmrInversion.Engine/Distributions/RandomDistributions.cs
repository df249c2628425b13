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

    /// <summary>Smallest separation of the two peaks of a close pair along each axis, decades.</summary>
    public const double MinPairSeparation = 0.2;

    /// <summary>Largest separation of the two peaks of a close pair along each axis, decades.</summary>
    public const double MaxPairSeparation = 1.2;

    /// <summary>
    /// Draws a close pair: two components whose log means differ by <see cref="MinPairSeparation"/> ..
    /// <see cref="MaxPairSeparation"/> decades along each axis (random signs), log standard deviations from this
    /// generator's range (one per peak shared by both axes, or one per axis, with equal odds), weights as in
    /// <see cref="NextComponents"/>. Two populations a few widths apart are where a network trained on the 1..5-component
    /// recipe alone draws its peaks too narrow at moderate SNR (the paper's presets B-E at SNR 100-200).
    /// </summary>
    public LognormalComponent[] NextClosePair(Random rng) => NextClosePair(rng, MaxLogSd);

    /// <summary>
    /// A close pair whose log standard deviations lie in <see cref="MinLogSd"/>..<paramref name="maxLogSd"/> (at most
    /// <see cref="MaxLogSd"/>): narrow pairs such as the paper's presets A-C (0.05-0.10). With <paramref name="maxLogSd"/>
    /// = <see cref="MaxLogSd"/> it draws the same pair from the same generator state as <see cref="NextClosePair(Random)"/>.
    /// </summary>
    public LognormalComponent[] NextClosePair(Random rng, double maxLogSd)
    {
        CheckClosePairMaxLogSd(maxLogSd);
        var c = new LognormalComponent[2];
        bool isotropic = rng.NextDouble() < 0.5;
        var sds = new (double Sd1, double Sd2)[2];
        for (int k = 0; k < 2; k++)
        {
            double sd1 = MinLogSd + (maxLogSd - MinLogSd) * rng.NextDouble();
            double sd2 = isotropic ? sd1 : MinLogSd + (maxLogSd - MinLogSd) * rng.NextDouble();
            sds[k] = (sd1, sd2);
        }
        double d1 = Separation(rng), d2 = Separation(rng);
        var (a1, b1) = PairMeans(rng, Axis1, d1, sds[0].Sd1, sds[1].Sd1);
        var (a2, b2) = Axis2.Count == 1 ? (0.0, 0.0) : PairMeans(rng, Axis2, d2, sds[0].Sd2, sds[1].Sd2);
        c[0] = new LognormalComponent(a1, sds[0].Sd1, a2, sds[0].Sd2, 0.1 + 0.9 * rng.NextDouble());
        c[1] = new LognormalComponent(b1, sds[1].Sd1, b2, sds[1].Sd2, 0.1 + 0.9 * rng.NextDouble());
        return c;
    }

    /// <summary>Refuses a cap on close-pair widths outside this generator's <see cref="MinLogSd"/>..<see cref="MaxLogSd"/>.</summary>
    public void CheckClosePairMaxLogSd(double maxLogSd)
    {
        if (!(maxLogSd >= MinLogSd && maxLogSd <= MaxLogSd))
            throw new NmrInputException("ClosePairLogSdInvalid",
                $"The largest log standard deviation of a close pair must lie in {MinLogSd}..{MaxLogSd}, the recipe's range; got {maxLogSd}.");
    }

    private static double Separation(Random rng)
    {
        double d = MinPairSeparation + (MaxPairSeparation - MinPairSeparation) * rng.NextDouble();
        return rng.NextDouble() < 0.5 ? -d : d;
    }

    /// <summary>Log means m and m + d on an axis, both at least two of their widths inside its ends where the axis allows.</summary>
    private static (double First, double Second) PairMeans(Random rng, RelaxationAxis axis, double d, double sdFirst, double sdSecond)
    {
        double lo = Math.Log10(axis.Minimum), hi = Math.Log10(axis.Maximum);
        // m in [lo + 2 sdFirst, hi - 2 sdFirst] and m + d in [lo + 2 sdSecond, hi - 2 sdSecond].
        double from = Math.Max(lo + 2 * sdFirst, lo + 2 * sdSecond - d), to = Math.Min(hi - 2 * sdFirst, hi - 2 * sdSecond - d);
        double m = to > from ? from + (to - from) * rng.NextDouble() : 0.5 * (lo + hi) - 0.5 * d;
        return (m, m + d);
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
