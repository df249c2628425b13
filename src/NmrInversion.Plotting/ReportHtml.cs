using System.Net;

namespace NmrInversion.Plotting;

/// <summary>The PNG figures of one report entry: its map (with projections) and its fit.</summary>
public sealed record EntryFigures(byte[] Map, byte[] Fit)
{
    public static EntryFigures Render(ReportEntry entry, int width = 960, int height = 720)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var r = entry.Result;
        string settings = entry.Settings.Text;
        var map = MapFigure.Render(MapData.From(r.Distribution),
            new FigureOptions(width, height, $"{r.Method} {r.Name}{(settings.Length > 0 ? ", " + settings : "")}"));
        var fit = FitFigure.Render(FitData.From(r), new FigureOptions(width * 5 / 4, height * 5 / 4));
        return new EntryFigures(map, fit);
    }
}

/// <summary>
/// Writes a batch report as ONE self-contained HTML file: the figures embedded as base64 PNG data URIs, the CSS inline,
/// no script and no external resource, so the file can be mailed, archived or opened offline. At the top, an overview
/// table (one row per sample and method); then a section per sample with its summary table, each result's warnings and
/// its map and fit figures. Every string that comes from data or files is HTML-encoded.
/// </summary>
public static class ReportHtml
{
    private const string Style = """
        body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; margin: 2em auto; max-width: 1280px; color: #222; padding: 0 1em; }
        h1 { font-size: 1.7em; margin-bottom: 0.2em; }
        h2 { font-size: 1.3em; border-bottom: 2px solid #4682b4; padding-bottom: 0.2em; margin-top: 2em; }
        h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
        p.meta { color: #666; margin-top: 0; }
        table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
        th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
        th { background: #eef3f8; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.bad { background: #fde2e2; }
        ul.peaks { margin: 0; padding-left: 1.1em; }
        ul.warnings { margin: 0.3em 0 1em; padding-left: 1.2em; }
        ul.warnings li { margin: 0.2em 0; }
        code.id { background: #fff3cd; padding: 0 0.3em; border-radius: 3px; }
        p.ok { color: #2e7d32; margin: 0.3em 0 1em; }
        figure { margin: 0.5em 0 1.5em; }
        figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
        figcaption { color: #555; font-size: 0.9em; }
        a { color: #1f5f99; }
        """;

    public static void Write(TextWriter writer, BatchReport report, IReadOnlyDictionary<ReportEntry, EntryFigures> figures, string? generator = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(figures);
        int results = report.Entries.Count();
        writer.WriteLine("<!DOCTYPE html>");
        writer.WriteLine("<html lang=\"en\">");
        writer.WriteLine("<head>");
        writer.WriteLine("<meta charset=\"utf-8\">");
        writer.WriteLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        writer.WriteLine($"<title>{E(report.Title)}</title>");
        writer.WriteLine($"<style>\n{Style}\n</style>");
        writer.WriteLine("</head>");
        writer.WriteLine("<body>");
        writer.WriteLine($"<h1>{E(report.Title)}</h1>");
        writer.WriteLine($"<p class=\"meta\">{report.Samples.Count} sample(s), {results} result(s){(generator is null ? "" : $"; written by {E(generator)}")}.</p>");

        writer.WriteLine("<section id=\"overview\">");
        writer.WriteLine("<h2>Overview</h2>");
        writer.WriteLine("<table id=\"overview-table\" class=\"overview\">");
        writer.WriteLine("<thead><tr><th>Sample</th><th>Method</th><th>α / β (how chosen)</th><th>Misfit</th><th>Noise σ</th><th>Amplitude</th><th>Peaks</th><th>Warnings</th></tr></thead>");
        writer.WriteLine("<tbody>");
        foreach (var sample in report.Samples)
            foreach (var e in sample.Entries)
            {
                string warnings = e.Result.Warnings.Count == 0 ? "none" : string.Join(", ", e.Result.Warnings.Select(w => $"<code class=\"id\">{E(w.Id)}</code>"));
                writer.WriteLine($"<tr><td><a href=\"#{sample.Anchor}\">{E(sample.Name)}</a></td><td>{E(e.Result.Method)}</td><td>{E(SettingsOrDash(e))}</td>" +
                    $"<td class=\"num{(e.MisfitIsHigh ? " bad" : "")}\">{E(e.MisfitText)}</td><td class=\"num\">{E(e.NoiseText)}</td>" +
                    $"<td class=\"num\">{E(NumberText.Compact(e.Result.Amplitude))}</td><td class=\"num\">{e.Peaks.Count}</td><td>{warnings}</td></tr>");
            }
        writer.WriteLine("</tbody>");
        writer.WriteLine("</table>");
        writer.WriteLine("</section>");

        foreach (var sample in report.Samples)
        {
            writer.WriteLine($"<section class=\"sample\" id=\"{sample.Anchor}\">");
            writer.WriteLine($"<h2>{E(sample.Name)}</h2>");
            writer.WriteLine("<table class=\"summary\">");
            writer.WriteLine("<thead><tr><th>Name</th><th>Source file</th><th>Method</th><th>α / β (how chosen)</th><th>Misfit</th><th>Noise σ</th><th>Amplitude</th><th>Seconds</th><th>Peaks (position: volume fraction)</th></tr></thead>");
            writer.WriteLine("<tbody>");
            foreach (var e in sample.Entries)
            {
                string source = e.SourceFile is { } f ? $"<span title=\"{E(f)}\">{E(e.SourceText)}</span>" : E(e.SourceText);
                string peaks = e.Peaks.Count == 0 ? "none" : "<ul class=\"peaks\">" + string.Concat(e.PeakTexts.Select(p => $"<li>{E(p)}</li>")) + "</ul>";
                writer.WriteLine($"<tr><td>{E(e.Result.Name)}</td><td>{source}</td><td>{E(e.Result.Method)}</td><td>{E(SettingsOrDash(e))}</td>" +
                    $"<td class=\"num{(e.MisfitIsHigh ? " bad" : "")}\">{E(e.MisfitText)}</td><td class=\"num\">{E(e.NoiseText)}</td>" +
                    $"<td class=\"num\">{E(NumberText.Compact(e.Result.Amplitude))}</td><td class=\"num\">{e.Result.Seconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}</td><td>{peaks}</td></tr>");
            }
            writer.WriteLine("</tbody>");
            writer.WriteLine("</table>");
            foreach (var e in sample.Entries)
            {
                writer.WriteLine($"<h3>{E(e.Result.Method)}</h3>");
                if (e.Result.Warnings.Count == 0) writer.WriteLine("<p class=\"ok\">No warnings.</p>");
                else
                {
                    writer.WriteLine("<ul class=\"warnings\">");
                    foreach (var w in e.Result.Warnings) writer.WriteLine($"<li><code class=\"id\">{E(w.Id)}</code> {E(w.Message)}</li>");
                    writer.WriteLine("</ul>");
                }
                if (figures.TryGetValue(e, out var fig))
                {
                    Figure(writer, fig.Map, $"{e.Result.Method} distribution of {e.Result.Name}", "The distribution with its projections on the margins.");
                    Figure(writer, fig.Fit, $"{e.Result.Method} fit of {e.Result.Name}",
                        "The data with the fit, the residual in units of the noise, and the hyperparameter search.");
                }
            }
            writer.WriteLine("</section>");
        }
        writer.WriteLine("</body>");
        writer.WriteLine("</html>");
    }

    private static string SettingsOrDash(ReportEntry e) => e.Settings.Text.Length > 0 ? e.Settings.Text : "—";

    private static void Figure(TextWriter writer, byte[] png, string alt, string caption)
    {
        writer.Write($"<figure><img alt=\"{E(alt)}\" src=\"data:image/png;base64,");
        writer.Write(Convert.ToBase64String(png));
        writer.WriteLine($"\"><figcaption>{E(alt)}. {E(caption)}</figcaption></figure>");
    }

    /// <summary>HTML-encodes text for element content and quoted attributes (&amp;, &lt;, &gt;, quotes).</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
