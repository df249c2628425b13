using System.Globalization;
using NmrInversion.Engine;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Metrics;

namespace NmrInversion.Plotting;

/// <summary>
/// A reconstruction to compare with its truth: the method's name, its distribution, and the hyperparameters it was
/// solved at ("α = 0.0389 (GCV)"; empty for a plain distribution).
/// </summary>
public sealed record Reconstruction(string Method, Distribution2D Distribution, Distribution2D Truth, string Settings = "")
{
    /// <summary>An inversion result compared with <paramref name="reference"/>, or else with the Truth its signal carries.</summary>
    public static Reconstruction Of(InversionResult result, Distribution2D? reference = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var truth = reference ?? result.Truth ?? throw new NmrInputException("ReferenceMissing",
            $"The {result.Method} result for '{result.Name}' carries no Truth (a measured signal); pass -Reference to compare it with a known distribution.");
        return new Reconstruction(result.Method, result.Distribution, truth, Hyperparameters.Of(result).Text);
    }
}

/// <summary>A panel of a comparison figure: the distribution, its title, and its chi against the row's truth (none for the truth).</summary>
public sealed record ComparisonPanel(string Title, Distribution2D Distribution, ChiScore? Chi);

/// <summary>One row of a comparison figure: the truth, then its reconstructions side by side.</summary>
public sealed record ComparisonRow(Distribution2D Truth, IReadOnlyList<ComparisonPanel> Panels);

/// <summary>
/// The data of a comparison figure, decided without drawing: one row per truth (in order of first appearance), the
/// truth first and then up to <see cref="MaxMethods"/> reconstructions, each titled with its method and its chi (2D
/// map) against the truth, and on a second line the alpha/beta the method used. Truths that are equal (same name, grid and values) share a row.
/// </summary>
public static class ComparisonData
{
    public const int MaxMethods = 4;

    public const int MaxRows = 8;

    public static IReadOnlyList<ComparisonRow> Build(IEnumerable<Reconstruction> reconstructions)
    {
        ArgumentNullException.ThrowIfNull(reconstructions);
        var groups = new List<(Distribution2D Truth, List<Reconstruction> Items)>();
        foreach (var r in reconstructions)
        {
            int g = groups.FindIndex(x => SameDistribution(x.Truth, r.Truth));
            if (g < 0) groups.Add((r.Truth, new List<Reconstruction> { r }));
            else groups[g].Items.Add(r);
        }
        if (groups.Count == 0)
            throw new NmrInputException("PlotNothingToDraw", "A comparison needs at least one reconstruction besides its truth.");
        if (groups.Count > MaxRows)
            throw new NmrInputException("PlotTooManyRows", $"A comparison draws at most {MaxRows} truths (rows); got {groups.Count}. Split the input.");
        var rows = new List<ComparisonRow>();
        foreach (var (truth, items) in groups)
        {
            if (items.Count > MaxMethods)
                throw new NmrInputException("PlotTooManyMethods",
                    $"A comparison shows at most {MaxMethods} reconstructions beside the truth; '{truth.Name}' has {items.Count} ({string.Join(", ", items.Select(i => i.Method))}).");
            var panels = new List<ComparisonPanel> { new($"Truth {truth.Name}", truth, null) };
            foreach (var item in items)
            {
                var chi = ChiMetric.Compare(truth, item.Distribution);
                string title = string.Create(CultureInfo.InvariantCulture, $"{item.Method}  χ = {chi.Chi2D:G3}");
                if (item.Settings.Length > 0) title += "\n" + item.Settings;
                panels.Add(new ComparisonPanel(title, item.Distribution, chi));
            }
            rows.Add(new ComparisonRow(truth, panels));
        }
        return rows;
    }

    /// <summary>Same name, same grid and the same values (to 1e-12 relative to the largest).</summary>
    public static bool SameDistribution(Distribution2D a, Distribution2D b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (!string.Equals(a.Name, b.Name, StringComparison.Ordinal) || !a.Axis1.Equals(b.Axis1) || !a.Axis2.Equals(b.Axis2)) return false;
        var va = a.Values;
        var vb = b.Values;
        double scale = 0;
        foreach (var v in va) scale = Math.Max(scale, v);
        for (int i = 0; i < va.GetLength(0); i++)
            for (int j = 0; j < va.GetLength(1); j++)
                if (Math.Abs(va[i, j] - vb[i, j]) > 1e-12 * scale) return false;
        return true;
    }
}
