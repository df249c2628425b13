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
    protected InversionResult(string method, Distribution2D distribution, Signal2D signal, double seconds, double residualNorm, double? noiseLevel)
    {
        Method = method;
        Distribution = distribution;
        Signal = signal;
        Seconds = seconds;
        ResidualNorm = residualNorm;
        NoiseLevel = noiseLevel;
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

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Method} inversion of {Signal}");
}
