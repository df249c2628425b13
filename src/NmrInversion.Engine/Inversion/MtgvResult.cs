using System.Globalization;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Inversion;

/// <summary>
/// An MTGV reconstruction: the distribution (unit sum), the data weight <see cref="Alpha"/> and smoothness weight
/// <see cref="Beta"/> it was solved at (chosen by the search or fixed by the user), the curves the search walked,
/// and how the solve ended.
/// </summary>
public sealed class MtgvResult : InversionResult
{
    public MtgvResult(Distribution2D distribution, Signal2D signal, double seconds, double residualNorm, double? noiseLevel,
        double alpha, double beta, SearchCurve betaCurve, IReadOnlyList<SearchCurve> alphaCurves, int iterations, bool converged, double amplitude)
        : base("MTGV", distribution, signal, seconds, residualNorm, noiseLevel, amplitude)
    {
        Alpha = alpha;
        Beta = beta;
        SearchCurve = betaCurve;
        AlphaCurves = alphaCurves;
        Iterations = iterations;
        Converged = converged;
    }

    /// <summary>Data weight alpha (of the data normalised to max |S| = 1).</summary>
    public double Alpha { get; }

    /// <summary>Smoothness weight beta (small: smooth, second-order TV; large: sparse, L1).</summary>
    public double Beta { get; }

    /// <summary>The beta search: one point per visited beta (score = BRD score ||r|| / (sigma sqrt(n))), with the chosen one.</summary>
    public SearchCurve SearchCurve { get; }

    /// <summary>The GCV trajectory of alpha at each visited beta (empty when alpha was fixed).</summary>
    public IReadOnlyList<SearchCurve> AlphaCurves { get; }

    /// <summary>How alpha was chosen: "GCV" (the search walked a GCV curve at each beta) or "Fixed" (given with -Alpha).</summary>
    public string AlphaChosenBy => AlphaCurves.Count > 0 ? "GCV" : "Fixed";

    /// <summary>How beta was chosen: the beta curve's criterion, "BRD" (the BRD-style search) or "Fixed" (given with -Beta).</summary>
    public string BetaChosenBy => SearchCurve.Criterion;

    /// <summary>Primal-dual iterations over the whole search.</summary>
    public int Iterations { get; }

    /// <summary>True when the solve at the chosen (alpha, beta) met the stopping tolerance.</summary>
    public bool Converged { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"MTGV inversion of {Signal}: alpha {Alpha:G4}, beta {Beta:G4}, {Iterations} iterations{(Converged ? "" : " (not converged)")}");
}
