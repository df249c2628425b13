using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Regularization;

namespace NmrInversion.Plotting;

/// <summary>One curve of a search panel: x in log10 of the hyperparameter, y as drawn (log10 of the score on a log axis).</summary>
public sealed record SearchSeries(string Label, double[] X, double[] Y, bool Highlighted);

/// <summary>
/// A panel of a hyperparameter search, decided without drawing: the visited values sorted along a log axis, the
/// criterion's score (or the misfit) at each, the chosen point, and a reference line where the criterion aims
/// (misfit 1). <see cref="LogY"/> draws y in log10 units (then Y, ChosenY, ReferenceY and the ranges are log10).
/// </summary>
public sealed record SearchPanel(
    string Title,
    string XLabel,
    string YLabel,
    IReadOnlyList<SearchSeries> Series,
    double ChosenX,
    double ChosenY,
    double? ReferenceY,
    bool LogY,
    LogRange XRange,
    LogRange YRange)
{
    public IReadOnlyList<AxisTick> XTicks => LogTicks.Decades(XRange.Minimum, XRange.Maximum);

    /// <summary>Decade ticks on a log axis, else 1-2-5 ticks (whose common power of ten the y title states).</summary>
    public IReadOnlyList<AxisTick> YTicks => LogY ? LogTicks.Decades(YRange.Minimum, YRange.Maximum) : LinearY.Ticks;

    /// <summary>The linear y ticks (also on a log panel, unused there).</summary>
    public LinearTicks LinearY => LinearTicks.For(YRange.Minimum, YRange.Maximum, 4);

    /// <summary>The y title with the common factor of a linear axis.</summary>
    public string YTitle => LogY ? YLabel : LinearY.Title(YLabel);

    /// <summary>
    /// The panels of a result's search: Tikhonov: the criterion's score against alpha and the misfit against alpha;
    /// MTGV: the BRD score against beta and the GCV curves of alpha (the chosen beta's highlighted). None for a U-Net
    /// result or a fixed value (a single point says nothing).
    /// </summary>
    public static IReadOnlyList<SearchPanel> For(InversionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var panels = new List<SearchPanel>();
        double n = (double)result.Signal.Axis1.Count * result.Signal.Axis2.Count;
        switch (result)
        {
            case TikhonovResult t when t.SearchCurve.Points.Count > 1:
            {
                var c = t.SearchCurve;
                Add(panels, Build($"{c.Criterion} search of α: chose {NumberText.Compact(c.Chosen.Alpha)}", "α", $"{c.Criterion} score",
                    new[] { ("", c.Points.Select(p => (p.Alpha, p.Score)).ToArray(), true) }, (c.Chosen.Alpha, c.Chosen.Score), null));
                if (t.NoiseLevel is { } sigma && sigma > 0)
                {
                    double scale = 1 / (sigma * Math.Sqrt(n));
                    Add(panels, Build($"misfit against α: {NumberText.Compact(c.Chosen.ResidualNorm * scale)} at the choice", "α", "misfit (‖r‖ / σ√N)",
                        new[] { ("", c.Points.Select(p => (p.Alpha, p.ResidualNorm * scale)).ToArray(), true) },
                        (c.Chosen.Alpha, c.Chosen.ResidualNorm * scale), 1.0));
                }
                break;
            }
            case MtgvResult m:
            {
                var b = m.SearchCurve;
                if (b.Points.Count > 1)
                    Add(panels, Build($"{b.Criterion} search of β: chose {NumberText.Compact(b.Chosen.Beta ?? double.NaN)}", "β", $"{b.Criterion} score (‖r‖ / σ√N)",
                        new[] { ("", b.Points.Select(p => (p.Beta ?? double.NaN, p.Score)).ToArray(), true) },
                        (b.Chosen.Beta ?? double.NaN, b.Chosen.Score), 1.0));
                if (m.AlphaCurves.Count > 0)
                {
                    int chosen = ChosenAlphaCurve(m);
                    var series = m.AlphaCurves.Select((curve, k) => (
                        curve.Chosen.Beta is { } beta ? $"β = {NumberText.Compact(beta)}" : $"curve {k + 1}",
                        curve.Points.Select(p => (p.Alpha, p.Score)).ToArray(), k == chosen)).ToArray();
                    var cc = m.AlphaCurves[chosen].Chosen;
                    Add(panels, Build($"GCV search of α: chose {NumberText.Compact(cc.Alpha)}", "α", "GCV score", series, (cc.Alpha, cc.Score), null));
                }
                break;
            }
        }
        return panels;
    }

    private static void Add(List<SearchPanel> panels, SearchPanel? panel)
    {
        if (panel is not null) panels.Add(panel);
    }

    /// <summary>The alpha curve searched at the chosen beta (the last one when none matches).</summary>
    public static int ChosenAlphaCurve(MtgvResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        for (int k = 0; k < result.AlphaCurves.Count; k++)
            if (result.AlphaCurves[k].Points.Any(p => p.Beta is { } b && Math.Abs(b - result.Beta) <= 1e-12 * result.Beta)) return k;
        return result.AlphaCurves.Count - 1;
    }

    /// <summary>The panel of the curves' finite points (null when none is finite: nothing to draw).</summary>
    private static SearchPanel? Build(string title, string xName, string yLabel, IReadOnlyList<(string Label, (double X, double Y)[] Points, bool Highlighted)> curves,
        (double X, double Y) chosen, double? reference)
    {
        var all = curves.SelectMany(c => c.Points).Where(p => p.X > 0 && double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        if (chosen.X > 0 && double.IsFinite(chosen.X) && double.IsFinite(chosen.Y)) all.Add(chosen);
        if (all.Count == 0) return null;
        var ys = all.Select(p => p.Y).ToList();
        if (reference is { } r) ys.Add(r);
        bool logY = ys.Count > 0 && ys.All(y => y > 0) && ys.Max() / ys.Min() > 50;
        double Y(double y) => logY ? Math.Log10(y) : y;
        var series = curves.Select(c =>
        {
            var pts = c.Points.Where(p => p.X > 0 && double.IsFinite(p.X) && double.IsFinite(p.Y) && (!logY || p.Y > 0))
                .OrderBy(p => p.X).ToArray();
            return new SearchSeries(c.Label, pts.Select(p => Math.Log10(p.X)).ToArray(), pts.Select(p => Y(p.Y)).ToArray(), c.Highlighted);
        }).ToList();
        var xs = all.Select(p => Math.Log10(p.X)).ToList();
        double xLo = xs.Min(), xHi = xs.Max();
        double xPad = Math.Max((xHi - xLo) * 0.06, 0.15);
        var yPlotted = ys.Select(Y).ToList();
        double yLo = yPlotted.Min(), yHi = yPlotted.Max();
        double yPad = yHi > yLo ? (yHi - yLo) * 0.08 : Math.Max(Math.Abs(yHi) * 0.1, 1e-12);
        return new SearchPanel(title, xName, yLabel, series, Math.Log10(chosen.X), Y(chosen.Y),
            reference is { } rr ? Y(rr) : null, logY, new LogRange(xLo - xPad, xHi + xPad), new LogRange(yLo - yPad, yHi + yPad));
    }
}
