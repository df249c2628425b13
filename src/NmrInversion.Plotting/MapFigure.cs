using ScottPlot;

namespace NmrInversion.Plotting;

/// <summary>
/// A T1-T2 map (any 2D distribution) as a heatmap on log axes with its projections on the margins: the T2 (second
/// axis) projection above, the T1 (first axis) projection on the right, each sharing the map's log axis. A 1D
/// distribution is drawn as a single curve. The colour bar of the map sits in the corner between the projections.
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

            // Projections: the shared log axis keeps its decade ticks (unlabelled: the map labels them), the amplitude
            // axis gets a few labelled ticks.
            var top = FigureCanvas.NewPlot();
            AddProfile(top, map.Log10Points2, map.Projection2, horizontal: true);
            double topMax = map.Projection2.Max() * 1.1 + 1e-300;
            top.Axes.SetLimits(map.Edges2.Minimum, map.Edges2.Maximum, 0, topMax);
            DistributionPanel.SetTicks(top.Axes.Bottom, Unlabelled(map.Ticks2));
            ProjectionAxis(top.Axes.Left, topMax, "fraction");
            top.HideGrid();
            canvas.Draw(top, topFrame);

            var right = FigureCanvas.NewPlot();
            AddProfile(right, map.Log10Points1, map.Projection1, horizontal: false);
            double rightMax = map.Projection1.Max() * 1.1 + 1e-300;
            right.Axes.SetLimits(0, rightMax, map.Edges1.Minimum, map.Edges1.Maximum);
            DistributionPanel.SetTicks(right.Axes.Left, Unlabelled(map.Ticks1));
            ProjectionAxis(right.Axes.Bottom, rightMax, "fraction");
            right.HideGrid();
            canvas.Draw(right, rightFrame);

            // The colour bar of the map sits in the corner between the two projections.
            var corner = new PixelBox(rightFrame.Data.Left, topFrame.Data.Top, rightFrame.Data.Right, topFrame.Data.Bottom);
            float barTop = corner.Top + Math.Max(4, (corner.Height - 62) / 2);
            var barFrame = new PanelFrame(new PixelBox(corner.Left, corner.Top, corner.Right, corner.Bottom),
                new PixelBox(corner.Left + 12, barTop, corner.Right - 12, barTop + 16));
            canvas.Draw(ColorBar.Create(DistributionPanel.Colormap, 0, map.Maximum, "fraction per cell", vertical: false), barFrame);
        }
        if (hasTitle) canvas.Title(title);
        return canvas.EncodePng();
    }

    private static IReadOnlyList<AxisTick> Unlabelled(IReadOnlyList<AxisTick> ticks) =>
        ticks.Select(t => t with { Label = "" }).ToArray();

    private static void ProjectionAxis(IAxis axis, double maximum, string title)
    {
        // No label at 0: it would run into the map's own end labels at the corner.
        var ticks = LinearTicks.For(0, maximum, 4);
        DistributionPanel.SetTicks(axis, ticks.Ticks.Select(t => t.Position == 0 ? t with { Label = "" } : t).ToArray());
        axis.TickLabelStyle.FontSize = 11;
        axis.Label.Text = ticks.Title(title);
        axis.Label.FontSize = 12;
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
