using ScottPlot;

namespace NmrInversion.Plotting;

/// <summary>
/// Grouped bars of chi per preset, one colour per method, on a log axis (like Figure 2 of the paper): bars rise from
/// the decade below the smallest chi to log10(chi).
/// </summary>
public static class ChiFigure
{
    private static readonly Color[] Palette =
    {
        Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.Crimson, Colors.MediumPurple, Colors.SaddleBrown,
    };

    public static byte[] Render(ChiChartData chart, FigureOptions options)
    {
        ArgumentNullException.ThrowIfNull(chart);
        string title = options.Title ?? chart.DefaultTitle;
        var frame = FigureLayout.Grid(options.Width, options.Height, 1, 1, title.Length > 0)[0];
        var plot = FigureCanvas.NewPlot();
        var bars = chart.Bars.Select(b => new Bar
        {
            Position = b.Position,
            Value = b.Log10Top,
            ValueBase = chart.Log10Floor,
            Size = chart.BarWidth * 0.92,
            FillColor = Palette[b.MethodIndex % Palette.Length],
            LineWidth = 0,
        }).ToArray();
        plot.Add.Bars(bars);
        DistributionPanel.SetTicks(plot.Axes.Left, chart.YTicks);
        var x = new ScottPlot.TickGenerators.NumericManual();
        for (int p = 0; p < chart.Presets.Count; p++) x.AddMajor(p, chart.Presets[p]);
        plot.Axes.Bottom.TickGenerator = x;
        plot.Axes.SetLimits(-0.6, chart.Presets.Count - 0.4, chart.Log10Floor, chart.Log10Ceiling);
        plot.XLabel("distribution");
        plot.YLabel(chart.YLabel);
        for (int m = 0; m < chart.Methods.Count; m++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = chart.Methods[m], FillColor = Palette[m % Palette.Length] });
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.Grid.XAxisStyle.IsVisible = false;
        using var canvas = new FigureCanvas(options.Width, options.Height);
        canvas.Draw(plot, frame);
        if (title.Length > 0) canvas.Title(title);
        return canvas.EncodePng();
    }
}
