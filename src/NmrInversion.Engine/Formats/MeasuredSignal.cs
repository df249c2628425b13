using System.Globalization;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Formats;

/// <summary>
/// The last step of every importer: a <see cref="Signal2D"/> with its provenance and a noise level. The noise level is,
/// in order: the caller's, the file's, the quadrature-channel estimate of phased complex data, or the kernel-residual
/// estimate (<see cref="NoiseEstimation"/>). Provenance "NoiseSource" says which.
/// </summary>
internal static class MeasuredSignal
{
    public static Signal2D Create(double[,] values, AcquisitionAxis axis1, AcquisitionAxis axis2, KernelPair kernels, string name,
        Dictionary<string, string> provenance, double? callerSigma, (double Sigma, string Source)? fileOrQuadrature)
    {
        double? sigma;
        if (callerSigma is { } c)
        {
            sigma = c;
            provenance["NoiseSource"] = "parameter";
        }
        else if (fileOrQuadrature is { } f && double.IsFinite(f.Sigma) && f.Sigma > 0)
        {
            sigma = f.Sigma;
            provenance["NoiseSource"] = f.Source;
        }
        else
        {
            var bare = new Signal2D(values, axis1, axis2, kernels, name: name);
            double estimate = NoiseEstimation.FromKernelResidual(bare);
            string source = "estimated: signal energy outside the kernels' range on the relaxation grid the acquisition resolves (CompressedProblem.NoiseEstimate)";
            if (!(double.IsFinite(estimate) && estimate > 0))
            {
                estimate = FitNoiseEstimate.Of(bare);
                source = "estimated: residual of a non-negative Tikhonov fit at the GCV minimum over its N - tr A degrees of freedom (FitNoiseEstimate)";
            }
            sigma = double.IsFinite(estimate) && estimate > 0 ? estimate : null;
            provenance["NoiseSource"] = sigma is null ? "none (the data leave no degrees of freedom to estimate it)" : source;
        }
        if (sigma is { } s) provenance["NoiseSigma"] = s.ToString("G6", CultureInfo.InvariantCulture);
        return new Signal2D(values, axis1, axis2, kernels, noiseSigma: sigma, name: name, provenance: provenance);
    }
}
