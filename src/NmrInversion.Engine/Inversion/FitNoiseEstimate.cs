using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Inversion;

/// <summary>
/// The noise level of a short measurement from the residual of its own non-negative fit, for signals whose kernels
/// leave too few noise-only coefficients for <see cref="NoiseEstimation.FromKernelResidual"/> (16 to 32 point recovery
/// and diffusion curves on a grid that covers their acquisition): sigma^2 = ||S - K F||^2 / (N - tr A), with F the
/// Tikhonov solution at the GCV minimum and tr A its effective number of parameters, the residual's degrees of freedom
/// (Wahba's estimate of the variance that GCV itself rests on). The estimate assumes the kernels describe the data;
/// where they do not it absorbs the misfit, so the sanity checks of the import (shape, sign, time unit) matter more for
/// such signals.
/// </summary>
public static class FitNoiseEstimate
{
    /// <summary>The estimate, or NaN when the fit leaves no degrees of freedom (or the signal is all zero).</summary>
    public static double Of(Signal2D signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (!(signal.MaxAbs > 0)) return double.NaN;
        var bare = new Signal2D(signal.Values, signal.Axis1, signal.Axis2, signal.Kernels, signal.RelaxationAxis1, signal.RelaxationAxis2,
            name: signal.Name);
        var fit = TikhonovInversion.Invert(bare, new TikhonovOptions { GcvPlateau = 0 });
        double n = (double)signal.Axis1.Count * signal.Axis2.Count;
        double dof = n - fit.InfluenceTrace;
        return dof >= 1 ? fit.ResidualNorm / Math.Sqrt(dof) : double.NaN;
    }
}
