namespace NmrInversion.Plotting;

/// <summary>
/// Truth and reconstructions side by side: one row per truth, the truth first, then each method's reconstruction
/// titled with its chi and the alpha/beta it used (each panel on its own colour scale).
/// </summary>
public static class ComparisonFigure
{
    /// <summary>Room above a panel for a title of two lines (method and chi, then alpha/beta).</summary>
    private const float TwoLineTitle = 58;

    public static byte[] Render(IReadOnlyList<ComparisonRow> rows, FigureOptions options)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new Engine.NmrInputException("PlotNothingToDraw", "A comparison needs at least one row.");
        int columns = rows.Max(r => r.Panels.Count);
        string title = options.Title ?? (rows.Count == 1 ? $"Reconstructions of {rows[0].Truth.Name}" : "Reconstructions");
        bool twoLines = rows.Any(r => r.Panels.Any(p => p.Title.Contains('\n')));
        var frames = FigureLayout.Grid(options.Width, options.Height, rows.Count, columns, title.Length > 0, twoLines ? TwoLineTitle : FigureLayout.PanelTitle);
        using var canvas = new FigureCanvas(options.Width, options.Height);
        for (int r = 0; r < rows.Count; r++)
            for (int c = 0; c < rows[r].Panels.Count; c++)
            {
                var panel = rows[r].Panels[c];
                var plot = DistributionPanel.Create(MapData.From(panel.Distribution), panel.Title);
                if (twoLines) plot.Axes.Title.Label.FontSize = 13;
                canvas.Draw(plot, frames[r * columns + c]);
            }
        if (title.Length > 0) canvas.Title(title);
        return canvas.EncodePng();
    }
}
