using ScottPlot;

namespace NmrInversion.Plotting;

/// <summary>
/// Draws one distribution in a plot: a 2D map as a heatmap (second axis horizontal, first axis vertical, both in log10
/// units with 10^k tick labels), a 1D distribution as a line over its axis.
/// </summary>
internal static class DistributionPanel
{
    public static Plot Create(MapData map, string? title, bool axisTitles = true)
    {
        var plot = FigureCanvas.NewPlot();
        if (map.IsOneDimensional)
        {
            var line = plot.Add.Scatter(map.Log10Points1, map.Projection1);
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.FillY = true;
            line.FillYColor = line.Color.WithAlpha(0.25);
            SetTicks(plot.Axes.Bottom, map.Ticks1);
            double top = Math.Max(map.Projection1.Max() * 1.08, 1e-12);
            plot.Axes.SetLimits(map.Edges1.Minimum, map.Edges1.Maximum, 0, top);
            var yTicks = LinearTicks.For(0, top, 5);
            SetTicks(plot.Axes.Left, yTicks.Ticks);
            if (axisTitles)
            {
                plot.XLabel(map.Label1);
                plot.YLabel(yTicks.Title("fraction per cell"));
            }
        }
        else
        {
            var heatmap = plot.Add.Heatmap(map.RowsTopDown());
            heatmap.Extent = new CoordinateRect(map.Edges2.Minimum, map.Edges2.Maximum, map.Edges1.Minimum, map.Edges1.Maximum);
            heatmap.Colormap = Colormap;
            SetTicks(plot.Axes.Bottom, map.Ticks2);
            SetTicks(plot.Axes.Left, map.Ticks1);
            plot.Axes.SetLimits(map.Edges2.Minimum, map.Edges2.Maximum, map.Edges1.Minimum, map.Edges1.Maximum);
            if (axisTitles)
            {
                plot.XLabel(map.Label2);
                plot.YLabel(map.Label1);
            }
        }
        plot.HideGrid();
        if (!string.IsNullOrEmpty(title)) plot.Title(title, 15);
        return plot;
    }

    /// <summary>The maps' colours (and their colour bars').</summary>
    public static IColormap Colormap => new ScottPlot.Colormaps.Viridis();

    /// <summary>Manual decade ticks on an axis (majors labelled 10^k, minors unlabelled).</summary>
    public static void SetTicks(IAxis axis, IReadOnlyList<AxisTick> ticks)
    {
        var generator = new ScottPlot.TickGenerators.NumericManual();
        foreach (var t in ticks)
        {
            if (t.IsMajor) generator.AddMajor(t.Position, t.Label);
            else generator.AddMinor(t.Position);
        }
        axis.TickGenerator = generator;
    }

    /// <summary>Hides an axis' tick labels but keeps its frame line.</summary>
    public static void HideTickLabels(IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
    }
}
