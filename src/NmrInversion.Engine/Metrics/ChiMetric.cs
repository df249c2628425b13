using System.Globalization;
using NmrInversion.Engine.Distributions;

namespace NmrInversion.Engine.Metrics;

/// <summary>chi of the 2D map and of both 1D projections.</summary>
public sealed record ChiScore(double Chi2D, double ChiT1, double ChiT2)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"chi 2D {Chi2D:G4}, T1 {ChiT1:G4}, T2 {ChiT2:G4}");
}

/// <summary>
/// The reconstruction quality metric of Reci et al., eq. 7 of the paper:
/// chi = sum_i (f_true,i - f_rec,i)^2 / max(1e-4, f_true,i), after normalising both distributions to unit sum.
/// Applied to the 2D map and to its projections on both axes ("T1" is the first axis, "T2" the second, whatever
/// quantity they hold). Lower is better; identical maps give 0.
/// </summary>
public static class ChiMetric
{
    /// <summary>The floor of the denominator, 1e-4.</summary>
    public const double Floor = 1e-4;

    /// <summary>chi between two vectors as given (no normalisation).</summary>
    public static double Chi(ReadOnlySpan<double> truth, ReadOnlySpan<double> reconstruction)
    {
        if (truth.Length != reconstruction.Length)
            throw new NmrInputException("ChiSizeMismatch", $"The reference has {truth.Length} values and the reconstruction {reconstruction.Length}.", InputProblem.Data);
        double chi = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            double d = truth[i] - reconstruction[i];
            chi += d * d / Math.Max(Floor, truth[i]);
        }
        return chi;
    }

    /// <summary>chi of the 2D map and both projections; both distributions are normalised to unit sum first.</summary>
    public static ChiScore Compare(Distribution2D reference, Distribution2D reconstruction)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(reconstruction);
        reference.CheckValues();
        reconstruction.CheckValues();
        if (!reference.Axis1.Equals(reconstruction.Axis1) || !reference.Axis2.Equals(reconstruction.Axis2))
            throw new NmrInputException("ChiGridMismatch",
                $"The reference ({reference.Axis1}; {reference.Axis2}) and the reconstruction ({reconstruction.Axis1}; {reconstruction.Axis2}) are on different grids.", InputProblem.Data);
        // Distribution2D is unit-sum (or all zero) by construction, so no further normalisation is needed here.
        var t = reference.Values;
        var r = reconstruction.Values;
        double chi2 = 0;
        for (int i = 0; i < t.GetLength(0); i++)
            for (int j = 0; j < t.GetLength(1); j++)
            {
                double d = t[i, j] - r[i, j];
                chi2 += d * d / Math.Max(Floor, t[i, j]);
            }
        return new ChiScore(chi2,
            Chi(reference.Projection1(), reconstruction.Projection1()),
            Chi(reference.Projection2(), reconstruction.Projection2()));
    }
}
