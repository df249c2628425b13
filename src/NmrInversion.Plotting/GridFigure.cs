namespace NmrInversion.Plotting;

/// <summary>A titled panel of a grid figure.</summary>
public sealed record GridPanel(string Title, MapData Map);

/// <summary>Several distributions in a grid of panels, four per row (the truths of presets A to H: 2 x 4, like Figure 1 of the paper).</summary>
public static class GridFigure
{
    public const int MaxPanels = 24;

    public static byte[] Render(IReadOnlyList<GridPanel> panels, FigureOptions options)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count > MaxPanels)
            throw new Engine.NmrInputException("PlotTooManyPanels", $"A grid figure draws at most {MaxPanels} distributions; got {panels.Count}.");
        var (rows, columns) = FigureLayout.GridShape(panels.Count);
        string title = options.Title ?? "";
        var frames = FigureLayout.Grid(options.Width, options.Height, rows, columns, title.Length > 0);
        using var canvas = new FigureCanvas(options.Width, options.Height);
        for (int k = 0; k < panels.Count; k++)
            canvas.Draw(DistributionPanel.Create(panels[k].Map, panels[k].Title), frames[k]);
        if (title.Length > 0) canvas.Title(title);
        return canvas.EncodePng();
    }
}
