using ScottPlot;

namespace NmrInversion.Plotting;

/// <summary>
/// How well a result explains its data. 1D: the decay (or recovery) with the fit over it, the residual in σ below it,
/// and on the right the hyperparameter search and a histogram of the residual against N(0, 1). 2D: a few rows and
/// columns of the data with their fits, the residual map in σ (diverging colours, with a colour bar) and its histogram,
/// and the search.
/// </summary>
public static class FitFigure
{
    private static readonly Color[] Palette =
    {
        Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.Crimson, Colors.MediumPurple, Colors.SaddleBrown,
    };

    /// <summary>Colour of a search's chosen point and of reference lines.</summary>
    private static readonly Color Chosen = Colors.Crimson;

    public static byte[] Render(FitData fit, FigureOptions options)
    {
        ArgumentNullException.ThrowIfNull(fit);
        string title = options.Title ?? fit.DefaultTitle;
        bool hasTitle = title.Length > 0;
        using var canvas = new FigureCanvas(options.Width, options.Height);
        var side = new List<Plot>();
        foreach (var panel in fit.Search) side.Add(SearchPlot(panel));
        PixelBox[][] cells;
        if (fit.IsOneDimensional)
        {
            if (fit.HasHistogram) side.Add(HistogramPlot(fit));
            if (side.Count == 0) side.Add(HistogramPlot(fit));
            cells = FigureLayout.Columns(options.Width, options.Height, hasTitle, new[] { 0.6, 0.4 },
                new[] { new[] { 0.6, 0.4 }, Enumerable.Repeat(1.0, side.Count).ToArray() });
            var trace = fit.Rows[0];
            canvas.Draw(TracePlot(fit.Rows, fit.Scale1, "data (dots) and fit (line)", legend: false, fitColour: Colors.DarkOrange), Standard(cells[0][0]));
            canvas.Draw(ResidualPlot(fit, trace), Standard(cells[0][1]));
            for (int k = 0; k < side.Count; k++) canvas.Draw(side[k], Standard(cells[1][k]));
        }
        else
        {
            bool hasSearch = side.Count > 0;
            var shares = hasSearch ? new[] { 0.36, 0.36, 0.28 } : new[] { 0.5, 0.5 };
            var rows = hasSearch
                ? new[] { new[] { 1.0, 1.0 }, new[] { 1.0, 1.0 }, Enumerable.Repeat(1.0, side.Count).ToArray() }
                : new[] { new[] { 1.0, 1.0 }, new[] { 1.0, 1.0 } };
            cells = FigureLayout.Columns(options.Width, options.Height, hasTitle, shares, rows);
            canvas.Draw(TracePlot(fit.Rows, fit.Scale2!, $"rows: data along {fit.Scale2!.Axis.Name} with fits", legend: true), Standard(cells[0][0]));
            canvas.Draw(TracePlot(fit.Columns, fit.Scale1, $"columns: data along {fit.Scale1.Axis.Name} with fits", legend: true), Standard(cells[0][1]));
            var mapFrame = PanelFrame.Inset(cells[1][0], FigureLayout.LeftGutter, FigureLayout.PanelTitle, 84, FigureLayout.BottomGutter);
            canvas.Draw(ResidualMapPlot(fit), mapFrame);
            var d = mapFrame.Data;
            var barFrame = new PanelFrame(new PixelBox(d.Right + 4, d.Top - 8, cells[1][0].Right, d.Bottom + 8), new PixelBox(d.Right + 10, d.Top, d.Right + 24, d.Bottom));
            canvas.Draw(ColorBar.Create(ResidualColormap, -fit.ColourLimit, fit.ColourLimit, fit.ResidualLabel, vertical: true), barFrame);
            if (fit.HasHistogram) canvas.Draw(HistogramPlot(fit), Standard(cells[1][1]));
            if (hasSearch)
                for (int k = 0; k < side.Count; k++) canvas.Draw(side[k], Standard(cells[2][k]));
        }
        if (hasTitle) canvas.Title(title);
        return canvas.EncodePng();
    }

    /// <summary>Blue below zero, white at zero, red above.</summary>
    private static IColormap ResidualColormap => new ScottPlot.Colormaps.Balance();

    private static PanelFrame Standard(PixelBox cell) =>
        PanelFrame.Inset(cell, FigureLayout.LeftGutter, FigureLayout.PanelTitle, FigureLayout.Gap, FigureLayout.BottomGutter);

    private static Plot NewPanel(string title)
    {
        var plot = FigureCanvas.NewPlot();
        plot.Title(title, 14);
        foreach (var axis in new IAxis[] { plot.Axes.Left, plot.Axes.Bottom })
        {
            axis.Label.FontSize = 13;
            axis.TickLabelStyle.FontSize = 11;
        }
        return plot;
    }

    /// <summary>1-2-5 ticks on a linear axis, with the axis title carrying their common power of ten.</summary>
    private static void SetLinear(Plot plot, IAxis axis, double minimum, double maximum, string title, int target = 5)
    {
        var ticks = LinearTicks.For(minimum, maximum, target);
        DistributionPanel.SetTicks(axis, ticks.Ticks);
        axis.Label.Text = ticks.Title(title);
    }

    /// <summary>The corner of the data area (in data units) that the fewest points fall in, for the legend.</summary>
    private static Alignment EmptiestCorner(IEnumerable<(double X, double Y)> points, double x0, double x1, double y0, double y1)
    {
        var counts = new Dictionary<Alignment, int> { [Alignment.UpperRight] = 0, [Alignment.UpperLeft] = 0, [Alignment.LowerRight] = 0, [Alignment.LowerLeft] = 0 };
        double wx = (x1 - x0) * 0.4, wy = (y1 - y0) * 0.4;
        foreach (var (x, y) in points)
        {
            bool left = x < x0 + wx, right = x > x1 - wx, low = y < y0 + wy, high = y > y1 - wy;
            if (high && right) counts[Alignment.UpperRight]++;
            if (high && left) counts[Alignment.UpperLeft]++;
            if (low && right) counts[Alignment.LowerRight]++;
            if (low && left) counts[Alignment.LowerLeft]++;
        }
        return counts.OrderBy(kv => kv.Value).First().Key; // ties keep the order above: upper right first
    }

    private static void SetX(Plot plot, AcquisitionScale scale)
    {
        double pad = (scale.Maximum - scale.Minimum) * 0.02;
        plot.Axes.SetLimitsX(scale.Minimum - pad, scale.Maximum + pad);
        if (scale.Ticks is { } ticks)
        {
            DistributionPanel.SetTicks(plot.Axes.Bottom, ticks);
            plot.XLabel(scale.Label);
        }
        else SetLinear(plot, plot.Axes.Bottom, scale.Minimum - pad, scale.Maximum + pad, scale.Label, 6);
    }

    private static Plot TracePlot(IReadOnlyList<FitTrace> traces, AcquisitionScale along, string title, bool legend, Color? fitColour = null)
    {
        var plot = NewPanel(title);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int k = 0; k < traces.Count; k++)
        {
            var t = traces[k];
            var colour = Palette[k % Palette.Length];
            var data = plot.Add.ScatterPoints(t.X, t.Data);
            data.Color = colour.WithAlpha(0.45);
            data.MarkerSize = t.X.Length > 500 ? 2.5f : 5;
            var line = plot.Add.ScatterLine(t.X, t.Fit);
            line.Color = fitColour ?? colour;
            line.LineWidth = 2;
            if (legend) line.LegendText = t.Label;
            foreach (var v in t.Data.Concat(t.Fit)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        }
        SetX(plot, along);
        double span = hi > lo ? hi - lo : Math.Max(Math.Abs(hi), 1);
        double y0 = lo - 0.05 * span, y1 = hi + 0.05 * span;
        plot.Axes.SetLimitsY(y0, y1);
        SetLinear(plot, plot.Axes.Left, y0, y1, "signal");
        if (legend)
        {
            plot.Legend.IsVisible = true;
            plot.Legend.Alignment = EmptiestCorner(traces.SelectMany(t => t.X.Zip(t.Data)), along.Minimum, along.Maximum, y0, y1);
            plot.Legend.FontSize = 11;
        }
        return plot;
    }

    private static Plot ResidualPlot(FitData fit, FitTrace trace)
    {
        string outside = fit.Outside > 0 ? $" ({fit.Outside} beyond ±{fit.ResidualLimit:0.#}, drawn at the edge as ▲▼)" : "";
        var plot = NewPanel((fit.Sigma is null ? "residual (no noise level known)" : "residual in units of the noise σ") + outside);
        var band = plot.Add.VerticalSpan(-2, 2);
        band.FillStyle.Color = Colors.Gray.WithAlpha(0.12);
        band.LineStyle.Width = 0;
        var zero = plot.Add.HorizontalLine(0);
        zero.LineColor = Colors.Black.WithAlpha(0.6);
        zero.LineWidth = 1;
        double limit = fit.ResidualLimit;
        var inside = Enumerable.Range(0, trace.X.Length).Where(k => Math.Abs(trace.Residual[k]) <= limit).ToArray();
        var points = plot.Add.ScatterPoints(inside.Select(k => trace.X[k]).ToArray(), inside.Select(k => trace.Residual[k]).ToArray());
        points.Color = Palette[0].WithAlpha(0.6);
        points.MarkerSize = trace.X.Length > 500 ? 2.5f : 5;
        foreach (int sign in new[] { 1, -1 })
        {
            var beyond = Enumerable.Range(0, trace.X.Length).Where(k => sign * trace.Residual[k] > limit).ToArray();
            if (beyond.Length == 0) continue;
            var edge = plot.Add.ScatterPoints(beyond.Select(k => trace.X[k]).ToArray(), beyond.Select(_ => sign * limit * 0.97).ToArray());
            edge.Color = Chosen;
            edge.MarkerSize = 8;
            edge.MarkerShape = sign > 0 ? MarkerShape.FilledTriangleUp : MarkerShape.FilledTriangleDown;
        }
        SetX(plot, fit.Scale1);
        plot.Axes.SetLimitsY(-limit, limit);
        SetLinear(plot, plot.Axes.Left, -limit, limit, fit.ResidualLabel, 4);
        return plot;
    }

    private static Plot ResidualMapPlot(FitData fit)
    {
        var plot = NewPanel("residual map");
        var r = fit.Residual;
        int n1 = r.GetLength(0), n2 = r.GetLength(1);
        var topDown = new double[n1, n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++) topDown[n1 - 1 - i, j] = r[i, j];
        var heatmap = plot.Add.Heatmap(topDown);
        heatmap.Colormap = ResidualColormap;
        heatmap.ManualRange = new ScottPlot.Range(-fit.ColourLimit, fit.ColourLimit);
        var s1 = fit.Scale1;
        var s2 = fit.Scale2!;
        heatmap.Extent = new CoordinateRect(s2.Edges.Minimum, s2.Edges.Maximum, s1.Edges.Minimum, s1.Edges.Maximum);
        plot.Axes.SetLimits(s2.Edges.Minimum, s2.Edges.Maximum, s1.Edges.Minimum, s1.Edges.Maximum);
        if (s2.Ticks is { } t2) { DistributionPanel.SetTicks(plot.Axes.Bottom, t2); plot.XLabel(s2.Label); }
        else SetLinear(plot, plot.Axes.Bottom, s2.Edges.Minimum, s2.Edges.Maximum, s2.Label, 4);
        if (s1.Ticks is { } t1) { DistributionPanel.SetTicks(plot.Axes.Left, t1); plot.YLabel(s1.Label); }
        else SetLinear(plot, plot.Axes.Left, s1.Edges.Minimum, s1.Edges.Maximum, s1.Label);
        plot.HideGrid();
        return plot;
    }

    private static Plot HistogramPlot(FitData fit)
    {
        var plot = NewPanel(fit.Sigma is null ? "residual histogram" : "residual histogram and N(0, 1)");
        var (centres, density, width) = fit.Histogram();
        var bars = centres.Select((c, k) => new Bar
        {
            Position = c,
            Value = density[k],
            Size = width * 0.95,
            FillColor = Palette[0].WithAlpha(0.55),
            LineWidth = 0,
        }).ToArray();
        plot.Add.Bars(bars);
        double top = density.DefaultIfEmpty(0).Max();
        if (fit.Sigma is not null)
        {
            var xs = Enumerable.Range(0, 201).Select(k => -fit.ResidualLimit + 2 * fit.ResidualLimit * k / 200.0).ToArray();
            var normal = plot.Add.ScatterLine(xs, xs.Select(FitData.StandardNormal).ToArray());
            normal.Color = Chosen;
            normal.LineWidth = 2;
            top = Math.Max(top, FitData.StandardNormal(0));
        }
        plot.Axes.SetLimits(-fit.ResidualLimit, fit.ResidualLimit, 0, top * 1.1);
        SetLinear(plot, plot.Axes.Bottom, -fit.ResidualLimit, fit.ResidualLimit, fit.ResidualLabel, 6);
        SetLinear(plot, plot.Axes.Left, 0, top * 1.1, "density", 4);
        plot.Grid.XAxisStyle.IsVisible = false;
        return plot;
    }

    private static Plot SearchPlot(SearchPanel panel)
    {
        var plot = NewPanel(panel.Title);
        if (panel.ReferenceY is { } reference)
        {
            var line = plot.Add.HorizontalLine(reference);
            line.LineColor = Colors.Gray;
            line.LinePattern = LinePattern.Dashed;
            line.LineWidth = 1;
        }
        foreach (var s in panel.Series.Where(s => !s.Highlighted))
        {
            var faint = plot.Add.Scatter(s.X, s.Y);
            faint.Color = Colors.Gray.WithAlpha(0.5);
            faint.LineWidth = 1;
            faint.MarkerSize = 3;
        }
        foreach (var s in panel.Series.Where(s => s.Highlighted))
        {
            var curve = plot.Add.Scatter(s.X, s.Y);
            curve.Color = Palette[0];
            curve.LineWidth = 1.5f;
            curve.MarkerSize = 5;
        }
        var chosen = plot.Add.ScatterPoints(new[] { panel.ChosenX }, new[] { panel.ChosenY });
        chosen.Color = Chosen;
        chosen.MarkerSize = 12;
        chosen.MarkerShape = MarkerShape.OpenCircle;
        chosen.MarkerLineWidth = 2.5f;
        DistributionPanel.SetTicks(plot.Axes.Bottom, panel.XTicks);
        DistributionPanel.SetTicks(plot.Axes.Left, panel.YTicks);
        plot.Axes.SetLimits(panel.XRange.Minimum, panel.XRange.Maximum, panel.YRange.Minimum, panel.YRange.Maximum);
        plot.XLabel(panel.XLabel);
        plot.YLabel(panel.YTitle);
        return plot;
    }
}
