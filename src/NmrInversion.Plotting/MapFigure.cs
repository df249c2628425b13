using ScottPlot;

namespace NmrInversion.Plotting;

/// <summary>
/// A T1-T2 map (any 2D distribution) as a heatmap on log axes with its projections on the margins: the T2 (second
/// axis) projection above, the T1 (first axis) projection on the right, each sharing the map's log axis. A 1D
/// distribution is drawn as a single curve.
/// </summary>
public static class MapFigure
{
    public static byte[] Render(MapData map, FigureOptions options)
    {
        ArgumentNullException.ThrowIfNull(map);
        string title = options.Title ?? $"{map.Distribution.Name}: {map.Distribution.Axis1.Name}-{map.Distribution.Axis2.Name} distribution";
        if (map.IsOneDimensional) title = options.Title ?? $"{map.Distribution.Name}: {map.Distribution.Axis1.Name} distribution";
        bool hasTitle = title.Length > 0;
        using var canvas = new FigureCanvas(options.Width, options.Height);
        if (map.IsOneDimensional)
        {
            var frame = FigureLayout.Grid(options.Width, options.Height, 1, 1, hasTitle)[0];
            canvas.Draw(DistributionPanel.Create(map, null), frame);
        }
        else
        {
            var (mainFrame, topFrame, rightFrame) = FigureLayout.MapWithMargins(options.Width, options.Height, hasTitle);
            canvas.Draw(DistributionPanel.Create(map, null), mainFrame);

            var top = FigureCanvas.NewPlot();
            AddProfile(top, map.Log10Points2, map.Projection2, horizontal: true);
            DistributionPanel.SetTicks(top.Axes.Bottom, map.Ticks2);
            DistributionPanel.HideTickLabels(top.Axes.Bottom);
            DistributionPanel.HideTickLabels(top.Axes.Left);
            top.Axes.SetLimits(map.Edges2.Minimum, map.Edges2.Maximum, 0, map.Projection2.Max() * 1.1 + 1e-300);
            top.HideGrid();
            canvas.Draw(top, topFrame);

            var right = FigureCanvas.NewPlot();
            AddProfile(right, map.Log10Points1, map.Projection1, horizontal: false);
            DistributionPanel.HideTickLabels(right.Axes.Left);
            DistributionPanel.HideTickLabels(right.Axes.Bottom);
            right.Axes.SetLimits(0, map.Projection1.Max() * 1.1 + 1e-300, map.Edges1.Minimum, map.Edges1.Maximum);
            right.HideGrid();
            canvas.Draw(right, rightFrame);
        }
        if (hasTitle) canvas.Title(title);
        return canvas.EncodePng();
    }

    /// <summary>A projection as a filled curve: over the horizontal axis (top margin) or the vertical one (right margin).</summary>
    private static void AddProfile(Plot plot, double[] log10Points, double[] amplitudes, bool horizontal)
    {
        var color = Colors.SteelBlue;
        var outline = new Coordinates[log10Points.Length + 2];
        outline[0] = horizontal ? new Coordinates(log10Points[0], 0) : new Coordinates(0, log10Points[0]);
        for (int i = 0; i < log10Points.Length; i++)
            outline[i + 1] = horizontal ? new Coordinates(log10Points[i], amplitudes[i]) : new Coordinates(amplitudes[i], log10Points[i]);
        outline[^1] = horizontal ? new Coordinates(log10Points[^1], 0) : new Coordinates(0, log10Points[^1]);
        var polygon = plot.Add.Polygon(outline);
        polygon.FillColor = color.WithAlpha(0.3);
        polygon.LineColor = color;
        polygon.LineWidth = 1.5f;
    }
}
