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
        var strip = vertical ? new double[Steps, 1] : new double[1, Steps];
        for (int k = 0; k < Steps; k++)
        {
            double v = minimum + (maximum - minimum) * (k + 0.5) / Steps;
            if (vertical) strip[Steps - 1 - k, 0] = v; // row 0 is the top of the image
            else strip[0, k] = v;
        }
        var heatmap = plot.Add.Heatmap(strip);
        heatmap.Colormap = colormap;
        heatmap.ManualRange = new ScottPlot.Range(minimum, maximum);
        var ticks = new ScottPlot.TickGenerators.NumericAutomatic { MaxTickCount = 5 };
        if (vertical)
        {
            heatmap.Axes.YAxis = plot.Axes.Right;
            heatmap.Extent = new CoordinateRect(0, 1, minimum, maximum);
            plot.Axes.Right.TickGenerator = ticks;
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
            plot.Axes.SetLimitsX(0, 1);
            plot.Axes.SetLimitsY(minimum, maximum, plot.Axes.Right);
            plot.Axes.Right.Label.Text = title;
            plot.Axes.Right.Label.FontSize = 13;
            plot.Axes.Right.TickLabelStyle.FontSize = 11;
        }
        else
        {
            heatmap.Extent = new CoordinateRect(minimum, maximum, 0, 1);
            plot.Axes.Bottom.TickGenerator = ticks;
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
            plot.Axes.SetLimits(minimum, maximum, 0, 1);
            plot.Axes.Bottom.Label.Text = title;
            plot.Axes.Bottom.Label.FontSize = 13;
            plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
        }
        plot.HideGrid();
        return plot;
    }
}
