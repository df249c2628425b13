using System.Globalization;

namespace NmrInversion.Engine.Regularization;

/// <summary>One visited hyperparameter setting of a search: the value(s), the criterion's score there, and the fit.</summary>
public sealed record SearchPoint(double Alpha, double? Beta, double Score, double ResidualNorm, int Iterations)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"alpha {Alpha:G4}{(Beta is { } b ? $", beta {b:G4}" : "")}: score {Score:G6}, residual {ResidualNorm:G4}");
}

/// <summary>
/// The curve a hyperparameter search walked (GCV score against alpha, or the beta sweep of MTGV), in visiting order,
/// with the criterion's name and the index of the chosen point. Kept in every regularization result so users can plot it.
/// </summary>
public sealed class SearchCurve
{
    public SearchCurve(string criterion, IReadOnlyList<SearchPoint> points, int chosenIndex)
    {
        if (points.Count == 0) throw new ArgumentException("A search curve needs at least one point.", nameof(points));
        if (chosenIndex < 0 || chosenIndex >= points.Count) throw new ArgumentOutOfRangeException(nameof(chosenIndex));
        Criterion = criterion;
        Points = points.ToArray();
        ChosenIndex = chosenIndex;
    }

    /// <summary>"GCV", "BRD", "S-curve", "Fixed", ...</summary>
    public string Criterion { get; }

    public IReadOnlyList<SearchPoint> Points { get; }

    public int ChosenIndex { get; }

    public SearchPoint Chosen => Points[ChosenIndex];

    public override string ToString() => $"{Criterion} over {Points.Count} value(s), chosen {Chosen}";
}
