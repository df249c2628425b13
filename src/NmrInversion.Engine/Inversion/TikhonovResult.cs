using System.Globalization;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Inversion;

/// <summary>
/// A non-negative Tikhonov reconstruction (<see cref="TikhonovInversion"/>): the distribution on the signal's relaxation
/// grid (unit sum), the alpha used and how it was chosen, the search curve, and the solver's cost and convergence.
/// </summary>
public sealed class TikhonovResult : InversionResult
{
    internal TikhonovResult(Distribution2D distribution, Signal2D signal, double seconds, double residualNorm, double? noiseLevel,
        double alpha, AlphaMethod alphaMethod, SearchCurve searchCurve, bool searchConverged, int iterations, int totalIterations, bool converged,
        int keptCoefficients, int activeCells, double influenceTrace, double amplitude, string alphaRule, string alphaReason)
        : base("Tikhonov", distribution, signal, seconds, residualNorm, noiseLevel, amplitude)
    {
        Alpha = alpha;
        AlphaMethod = alphaMethod;
        SearchCurve = searchCurve;
        SearchConverged = searchConverged;
        Iterations = iterations;
        TotalIterations = totalIterations;
        Converged = converged;
        KeptCoefficients = keptCoefficients;
        ActiveCells = activeCells;
        InfluenceTrace = influenceTrace;
        AlphaRule = alphaRule;
        AlphaReason = alphaReason;
    }

    /// <summary>The rule that chose alpha: GCV (its minimum), GCV plateau (the largest alpha within the plateau tolerance of the minimum), BRD, S-curve or Fixed.</summary>
    public string AlphaRule { get; }

    /// <summary>Why that rule gave this alpha, in words (for reports and exports).</summary>
    public string AlphaReason { get; }

    /// <summary>The weight of ||F||^2 against ||K1 F K2^T - S||^2 (F in signal units; the value does not depend on the signal's scale).</summary>
    public double Alpha { get; }

    public AlphaMethod AlphaMethod { get; }

    /// <summary>Every alpha visited with its score (GCV value, BRD distance from the fixed point, or S-curve slope).</summary>
    public SearchCurve SearchCurve { get; }

    /// <summary>False when the alpha search did not reach its criterion (BRD: no fixed point in its range, the residual stays above sqrt(N) sigma).</summary>
    public bool SearchConverged { get; }

    /// <summary>Newton iterations of the solve at the chosen alpha.</summary>
    public int Iterations { get; }

    /// <summary>Newton iterations over the whole search.</summary>
    public int TotalIterations { get; }

    /// <summary>True when the solve at the chosen alpha met its gradient tolerance.</summary>
    public bool Converged { get; }

    /// <summary>Number of SVD coefficients kept by the compression (the size of the Newton systems).</summary>
    public int KeptCoefficients { get; }

    /// <summary>Grid cells with a positive amplitude.</summary>
    public int ActiveCells { get; }

    /// <summary>tr A(alpha): effective number of parameters fitted.</summary>
    public double InfluenceTrace { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Tikhonov inversion of {Signal}: alpha {Alpha:G4} ({AlphaMethod}), misfit {Misfit:G4}");
}
