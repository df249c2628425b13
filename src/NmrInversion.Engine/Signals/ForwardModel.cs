using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;

namespace NmrInversion.Engine.Signals;

/// <summary>
/// The forward model of the paper (eq. 1-2): S = K1 F K2^T + E, with E white Gaussian noise at a given SNR.
/// </summary>
public static class ForwardModel
{
    /// <summary>The noiseless signal K1 F K2^T of a distribution on the given acquisition axes.</summary>
    public static double[,] Apply(Distribution2D distribution, KernelPair kernels, AcquisitionAxis axis1, AcquisitionAxis axis2)
    {
        kernels.CheckAxes(distribution.Axis1, distribution.Axis2);
        var k1 = KernelSvdCache.Shared.Get(kernels, 1, axis1, distribution.Axis1).Matrix;
        var k2 = KernelSvdCache.Shared.Get(kernels, 2, axis2, distribution.Axis2).Matrix;
        return MatrixProducts.Sandwich(k1, distribution.Values, k2);
    }

    /// <summary>
    /// Simulates a noisy signal. <paramref name="snr"/> = max |S_clean| / sigma; <paramref name="seed"/> fixes the noise.
    /// A null SNR gives the noiseless signal.
    /// </summary>
    public static Signal2D Simulate(Distribution2D distribution, KernelPair kernels, AcquisitionAxis axis1, AcquisitionAxis axis2,
        double? snr, int seed)
    {
        var clean = Apply(distribution, kernels, axis1, axis2);
        double? sigma = null;
        if (snr is { } value)
        {
            sigma = NoiseModel.SigmaFor(MatrixProducts.MaxAbs(clean), value);
            NoiseModel.AddTo(clean, sigma.Value, new Random(seed));
        }
        return new Signal2D(clean, axis1, axis2, kernels, distribution.Axis1, distribution.Axis2, sigma, snr, distribution, distribution.Name, seed);
    }
}
