using ScottPlot;

namespace NmrInversion.Plotting;

/// <summary>
/// A colour bar drawn as its own small plot, so that it can sit in any frame of a figure: a strip of the colormap from
/// <c>minimum</c> to <c>maximum</c> with numeric ticks along it and a title (vertical: ticks and title on the right;
/// horizontal: below).
/// </summary>
internal static class ColorBar
{
    private const int Steps = 256;

    public static Plot Create(IColormap colormap, double minimum, double maximum, string title, bool vertical)
    {
        if (!(maximum > minimum)) maximum = minimum + 1;
        var plot = FigureCanvas.NewPlot();
        // Two cells across: ScottPlot draws nothing for a heatmap of a single row.
        var strip = vertical ? new double[Steps, 2] : new double[2, Steps];
        for (int k = 0; k < Steps; k++)
            for (int w = 0; w < 2; w++)
            {
                double v = minimum + (maximum - minimum) * (k + 0.5) / Steps;
                if (vertical) strip[Steps - 1 - k, w] = v; // row 0 is the top of the image
                else strip[w, k] = v;
            }
        var heatmap = plot.Add.Heatmap(strip);
        heatmap.Colormap = colormap;
        heatmap.ManualRange = new ScottPlot.Range(minimum, maximum);
        var ticks = LinearTicks.For(minimum, maximum, 4);
        if (vertical)
        {
            heatmap.Axes.YAxis = plot.Axes.Right;
            heatmap.Extent = new CoordinateRect(0, 1, minimum, maximum);
            DistributionPanel.SetTicks(plot.Axes.Right, ticks.Ticks);
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
            plot.Axes.SetLimitsX(0, 1);
            plot.Axes.SetLimitsY(minimum, maximum, plot.Axes.Right);
            plot.Axes.Right.Label.Text = ticks.Title(title);
            plot.Axes.Right.Label.FontSize = 13;
            plot.Axes.Right.TickLabelStyle.FontSize = 11;
        }
        else
        {
            heatmap.Extent = new CoordinateRect(minimum, maximum, 0, 1);
            DistributionPanel.SetTicks(plot.Axes.Bottom, ticks.Ticks);
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
            plot.Axes.SetLimits(minimum, maximum, 0, 1);
            plot.Axes.Bottom.Label.Text = ticks.Title(title);
            plot.Axes.Bottom.Label.FontSize = 13;
            plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
        }
        plot.HideGrid();
        return plot;
    }
}
