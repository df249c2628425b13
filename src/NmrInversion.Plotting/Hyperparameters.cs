using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Network;

namespace NmrInversion.Plotting;

/// <summary>
/// The regularization weights a result was solved at and how each was chosen, for titles and tables: Tikhonov's alpha
/// (GCV, BRD, S-curve or fixed), MTGV's alpha (GCV or fixed) and beta (BRD or fixed), the U-Net's network (and the alpha
/// of its data-consistency step, if any).
/// </summary>
public sealed record Hyperparameters(double? Alpha, string? AlphaChosenBy, double? Beta, string? BetaChosenBy, string? Model)
{
    public static Hyperparameters Of(InversionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result switch
        {
            TikhonovResult t => new(t.Alpha, ChosenBy(t.SearchCurve.Criterion), null, null, null),
            MtgvResult m => new(m.Alpha, ChosenBy(m.AlphaChosenBy), m.Beta, ChosenBy(m.BetaChosenBy), null),
            UnetResult u => new(u.DataConsistencyAlpha, u.DataConsistencyAlpha is null ? null : "data consistency", null, null, u.ModelName),
            _ => new(null, null, null, null, null),
        };
    }

    /// <summary>"α = 3.92×10⁻⁸ (GCV)", "α = 395 (GCV), β = 0.0894 (BRD)", "network paper-t1t2"; empty when there is nothing to say.</summary>
    public string Text
    {
        get
        {
            var parts = new List<string>();
            if (Model is not null) parts.Add($"network {Model}");
            if (Alpha is { } a) parts.Add($"α = {NumberText.Compact(a)}{(AlphaChosenBy is null ? "" : $" ({AlphaChosenBy})")}");
            if (Beta is { } b) parts.Add($"β = {NumberText.Compact(b)}{(BetaChosenBy is null ? "" : $" ({BetaChosenBy})")}");
            return string.Join(", ", parts);
        }
    }

    private static string ChosenBy(string criterion) => criterion == "Fixed" ? "fixed" : criterion;
}
