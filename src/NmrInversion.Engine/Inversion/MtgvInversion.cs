using System.Diagnostics;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Inversion;

/// <summary>
/// MTGV inversion of a signal, end to end: SVD compression (cached kernels), normalisation to max |S| = 1, the
/// hyperparameter search (<see cref="MtgvSearch"/>) or a fixed (alpha, beta), and the unit-sum distribution.
/// </summary>
public static class MtgvInversion
{
    public static MtgvResult Invert(Signal2D signal, MtgvOptions? options = null, IProgress<MtgvProgress>? progress = null,
        CancellationToken cancel = default, KernelSvdCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(signal);
        options ??= new MtgvOptions();
        var clock = Stopwatch.StartNew();
        var work = signal.ForInversion(out int exponent);
        var compressed = new CompressedProblem(work, cache);
        double noise = work.NoiseSigma is { } known && known > 0 ? known : compressed.NoiseEstimate;
        if (!(noise > 0))
            throw new NmrInputException("NoiseLevelUnknown",
                $"The signal '{signal.Name}' states no noise level and its grid leaves no coefficients to estimate one from; MTGV needs the noise level to compress the kernels.", InputProblem.Data);
        var problem = new MtgvProblem(compressed, noise);
        var search = MtgvSearch.Run(problem, options, progress, cancel);
        // Back to signal units for the residual: the search worked on S / max|S|.
        var scaled = (double[,])search.Distribution.Clone();
        for (int i = 0; i < scaled.GetLength(0); i++)
            for (int j = 0; j < scaled.GetLength(1); j++)
                scaled[i, j] *= problem.Scale;
        double residual = Math.ScaleB(compressed.ResidualNorm(scaled), exponent);
        double amplitude = 0;
        foreach (double v in scaled) amplitude += v;
        var distribution = new Distribution2D(search.Distribution, signal.RelaxationAxis1, signal.RelaxationAxis2, "MTGV");
        var result = new MtgvResult(distribution, signal, clock.Elapsed.TotalSeconds, residual, Math.ScaleB(noise, exponent),
            search.Alpha, search.Beta, search.BetaCurve, search.AlphaCurves, search.Iterations, search.Converged, Math.ScaleB(amplitude, exponent));
        if (!search.Converged)
            result.AddWarning(new NmrWarning("IterationLimit", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The solve at alpha {search.Alpha:G4}, beta {search.Beta:G4} stopped at the iteration limit ({options.MaxIterations}) before the cost settled to {options.Tolerance:G3}; raise -MaxIterations for a tighter solution.")));
        ResultDiagnostics.Check(result);
        return result;
    }
}
