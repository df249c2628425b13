using NmrInversion.Engine;

namespace NmrInversion.Plotting;

/// <summary>
/// Pixel layout of the figures, decided without drawing: a grid of equal panels below a title band, and the map with
/// its two projections on the margins (T2 projection on top, T1 projection on the right, data areas aligned with the
/// map's so that the projections line up with its axes).
/// </summary>
public static class FigureLayout
{
    /// <summary>Height of the band that holds a figure's title.</summary>
    public const float TitleBand = 44;

    /// <summary>Room for the tick labels and title of a vertical axis.</summary>
    public const float LeftGutter = 88;

    /// <summary>Room for the tick labels and title of a horizontal axis.</summary>
    public const float BottomGutter = 58;

    /// <summary>Room above a panel for its title.</summary>
    public const float PanelTitle = 40;

    /// <summary>Blank edge on the right of panels and between margin plots and the map.</summary>
    public const float Gap = 14;

    /// <summary>Rows and columns for <paramref name="count"/> panels, at most <paramref name="maxColumns"/> per row (8 panels: 2 x 4).</summary>
    public static (int Rows, int Columns) GridShape(int count, int maxColumns = 4)
    {
        if (count < 1) throw new NmrInputException("PlotNothingToDraw", "A figure needs at least one panel.");
        if (maxColumns < 1) throw new ArgumentOutOfRangeException(nameof(maxColumns));
        int columns = Math.Min(count, maxColumns);
        return ((count + columns - 1) / columns, columns);
    }

    /// <summary>Frames of a rows x columns grid of panels filling the image below the title band (row-major order).</summary>
    public static PanelFrame[] Grid(int width, int height, int rows, int columns, bool hasTitle) =>
        Grid(width, height, rows, columns, hasTitle, PanelTitle);

    /// <summary>The grid with <paramref name="panelTitle"/> pixels above each panel (two-line panel titles need about 58).</summary>
    public static PanelFrame[] Grid(int width, int height, int rows, int columns, bool hasTitle, float panelTitle)
    {
        CheckSize(width, height);
        float top = hasTitle ? TitleBand : 0;
        float cellW = (float)width / columns, cellH = (height - top) / rows;
        var frames = new PanelFrame[rows * columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                var outer = new PixelBox(c * cellW, top + r * cellH, (c + 1) * cellW, top + (r + 1) * cellH);
                frames[r * columns + c] = PanelFrame.Inset(outer, LeftGutter, panelTitle, Gap, BottomGutter);
            }
        return frames;
    }

    /// <summary>
    /// The map and its margins: <c>Main</c> (the heatmap, axis titles left and below), <c>Top</c> (projection on the
    /// horizontal axis: same data left/right as Main), <c>Right</c> (projection on the vertical axis: same data
    /// top/bottom as Main). Margins take <paramref name="marginFraction"/> of the width and height.
    /// </summary>
    public static (PanelFrame Main, PanelFrame Top, PanelFrame Right) MapWithMargins(int width, int height, bool hasTitle, double marginFraction = 0.2)
    {
        CheckSize(width, height);
        float top = hasTitle ? TitleBand : 0;
        float marginW = (float)Math.Round(width * marginFraction), marginH = (float)Math.Round((height - top) * marginFraction);
        float mainLeft = LeftGutter, mainRight = width - Gap - marginW - Gap;
        float mainTop = top + Gap + marginH + Gap, mainBottom = height - BottomGutter;
        var main = new PanelFrame(new PixelBox(0, mainTop - Gap / 2, mainRight + Gap / 2, height), new PixelBox(mainLeft, mainTop, mainRight, mainBottom));
        var topFrame = new PanelFrame(new PixelBox(0, top, mainRight + Gap / 2, mainTop - Gap / 2), new PixelBox(mainLeft, top + Gap, mainRight, mainTop - Gap));
        var right = new PanelFrame(new PixelBox(mainRight + Gap / 2, mainTop, width, height), new PixelBox(mainRight + Gap, mainTop, width - Gap, mainBottom));
        return (main, topFrame, right);
    }

    /// <summary>
    /// Outer boxes of a figure made of columns of stacked panels below the title band: column c takes
    /// <paramref name="columnShares"/>[c] of the width (shares are normalised), and its panel r takes
    /// <paramref name="rowShares"/>[c][r] of the height. The boxes tile the image exactly. Returns [column][row].
    /// </summary>
    public static PixelBox[][] Columns(int width, int height, bool hasTitle, IReadOnlyList<double> columnShares, IReadOnlyList<IReadOnlyList<double>> rowShares)
    {
        CheckSize(width, height);
        ArgumentNullException.ThrowIfNull(columnShares);
        ArgumentNullException.ThrowIfNull(rowShares);
        if (columnShares.Count == 0 || columnShares.Count != rowShares.Count)
            throw new ArgumentException("Give one list of row shares per column, and at least one column.", nameof(rowShares));
        if (columnShares.Any(v => !(v > 0)) || rowShares.Any(r => r.Count == 0 || r.Any(v => !(v > 0))))
            throw new ArgumentException("Shares must be positive.", nameof(columnShares));
        float top = hasTitle ? TitleBand : 0;
        var xs = Edges(0, width, columnShares);
        var boxes = new PixelBox[columnShares.Count][];
        for (int c = 0; c < columnShares.Count; c++)
        {
            var ys = Edges(top, height, rowShares[c]);
            boxes[c] = new PixelBox[rowShares[c].Count];
            for (int r = 0; r < rowShares[c].Count; r++) boxes[c][r] = new PixelBox(xs[c], ys[r], xs[c + 1], ys[r + 1]);
        }
        return boxes;
    }

    private static float[] Edges(float from, float to, IReadOnlyList<double> shares)
    {
        double total = shares.Sum(), run = 0;
        var e = new float[shares.Count + 1];
        e[0] = from;
        for (int k = 0; k < shares.Count; k++)
        {
            run += shares[k];
            e[k + 1] = k == shares.Count - 1 ? to : (float)Math.Round(from + (to - from) * run / total);
        }
        return e;
    }

    private static void CheckSize(int width, int height)
    {
        if (width < MinimumSize || height < MinimumSize || width > MaximumSize || height > MaximumSize)
            throw new NmrInputException("PlotSizeInvalid", $"A figure is {MinimumSize} to {MaximumSize} pixels wide and high; got {width} x {height}.");
    }

    public const int MinimumSize = 200;

    public const int MaximumSize = 10000;
}
