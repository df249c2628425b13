using System.Globalization;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Inversion;

/// <summary>
/// What every inversion method returns: the reconstructed distribution (unit sum), the method, its cost and fit, and the
/// signal's <see cref="Truth"/> carried through so that Measure-NmrChi can score the result. Methods add their
/// hyperparameters in subclasses.
/// </summary>
public abstract class InversionResult
{
    private readonly List<NmrWarning> _warnings = new();

    protected InversionResult(string method, Distribution2D distribution, Signal2D signal, double seconds, double residualNorm, double? noiseLevel,
        double amplitude)
    {
        Method = method;
        Distribution = distribution;
        Signal = signal;
        Seconds = seconds;
        ResidualNorm = residualNorm;
        NoiseLevel = noiseLevel;
        Amplitude = amplitude;
    }

    /// <summary>"Tikhonov", "MTGV", "U-Net".</summary>
    public string Method { get; }

    /// <summary>The reconstruction, normalised to unit sum.</summary>
    public Distribution2D Distribution { get; }

    /// <summary>The signal that was inverted.</summary>
    public Signal2D Signal { get; }

    /// <summary>The distribution the signal was simulated from, when known.</summary>
    public Distribution2D? Truth => Signal.Truth;

    /// <summary>Preset or signal name.</summary>
    public string Name => Signal.Name;

    /// <summary>The file the signal was imported from (full path; for Spinsolve its data file), or null for a simulated signal.</summary>
    public string? SourceFile => Signal.SourceFile;

    /// <summary>SNR of a simulated signal.</summary>
    public double? Snr => Signal.Snr;

    /// <summary>Wall-clock seconds spent on this signal, hyperparameter search included.</summary>
    public double Seconds { get; }

    /// <summary>||K1 F K2^T - S|| of the reconstruction scaled back to the signal's units (F scaled to fit the data, see the method).</summary>
    public double ResidualNorm { get; }

    /// <summary>Noise standard deviation used: the signal's known value, else the estimate from the data.</summary>
    public double? NoiseLevel { get; }

    /// <summary>
    /// Residual per point divided by the noise level: ~1 when the reconstruction explains the data to the noise, far
    /// above 1 when it does not (for the network: a signal unlike its training data).
    /// </summary>
    public double Misfit
    {
        get
        {
            if (NoiseLevel is not { } sigma || !(sigma > 0)) return double.NaN;
            double n = (double)Signal.Axis1.Count * Signal.Axis2.Count;
            return ResidualNorm / Math.Sqrt(n) / sigma;
        }
    }

    /// <summary>
    /// The total amplitude of the reconstruction in the signal's units: the sum of the map before it was normalised to
    /// unit sum, so that <c>Amplitude * K1 F K2^T</c> is the fitted signal (<see cref="FittedSignal"/>). For an
    /// inversion-recovery or CPMG measurement it is the equilibrium magnetisation M0 the data imply.
    /// </summary>
    public double Amplitude { get; }

    /// <summary>What is doubtful about this result (edge mass, misfit, a solve stopped at its limit, ...), with stable ids.</summary>
    public IReadOnlyList<NmrWarning> Warnings => _warnings;

    /// <summary>Adds a warning to the result (the engine's checks, and a cmdlet's own).</summary>
    public void AddWarning(NmrWarning warning)
    {
        ArgumentNullException.ThrowIfNull(warning);
        if (!_warnings.Any(w => w.Id == warning.Id)) _warnings.Add(warning);
    }

    /// <summary>True when the result carries a warning with this id.</summary>
    public bool HasWarning(string id) => _warnings.Any(w => w.Id == id);

    /// <summary>The signal the reconstruction predicts, <c>Amplitude * K1 F K2^T</c>, on the signal's acquisition axes and in its units.</summary>
    public double[,] FittedSignal()
    {
        var fit = ForwardModel.Apply(Distribution, Signal.Kernels, Signal.Axis1, Signal.Axis2);
        for (int i = 0; i < fit.GetLength(0); i++)
            for (int j = 0; j < fit.GetLength(1); j++) fit[i, j] *= Amplitude;
        return fit;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Method} inversion of {Signal}");
}
