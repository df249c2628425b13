using System.Globalization;

namespace NmrInversion.Engine.Distributions;

/// <summary>
/// One peak of a 2D distribution: a lognormal in each dimension, i.e. a Gaussian in log10 of the relaxation time.
/// Log means and log standard deviations are base-10 logarithms of seconds (or of m^2/s for D), as in Table 1 of the paper.
/// <see cref="Weight"/> is the fraction of the total signal this peak carries (weights are renormalised to sum to 1).
/// For 1D distributions the second-dimension parameters are ignored.
/// </summary>
public sealed record LognormalComponent(double LogMean1, double LogSd1, double LogMean2, double LogSd2, double Weight = 1.0)
{
    /// <summary>Throws when a parameter is not finite, a standard deviation is not positive, or the weight is negative.</summary>
    public void Validate()
    {
        foreach (var (name, v) in new[] { ("LogMean1", LogMean1), ("LogSd1", LogSd1), ("LogMean2", LogMean2), ("LogSd2", LogSd2), ("Weight", Weight) })
        {
            if (double.IsNaN(v) || double.IsInfinity(v))
                throw new NmrInputException("ComponentNotFinite", $"Lognormal component parameter {name} is {v.ToString(CultureInfo.InvariantCulture)}; all five numbers (T1 log mean, T1 log sd, T2 log mean, T2 log sd, weight) must be finite.");
        }
        if (!(LogSd1 > 0) || !(LogSd2 > 0))
            throw new NmrInputException("ComponentWidthInvalid", $"Lognormal component log standard deviations must be > 0; got {LogSd1.ToString(CultureInfo.InvariantCulture)} and {LogSd2.ToString(CultureInfo.InvariantCulture)}.");
        if (!(Weight > 0))
            throw new NmrInputException("ComponentWeightInvalid", $"Lognormal component weight must be > 0; got {Weight.ToString(CultureInfo.InvariantCulture)}.");
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"10^{LogMean1:0.###} (sd {LogSd1:0.###}) x 10^{LogMean2:0.###} (sd {LogSd2:0.###}), weight {Weight:0.###}");
}
