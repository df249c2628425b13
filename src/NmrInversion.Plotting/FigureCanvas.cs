using ScottPlot;
using SkiaSharp;

namespace NmrInversion.Plotting;

/// <summary>
/// An image that several ScottPlot plots are drawn into, each in its <see cref="PanelFrame"/> (a fixed padding makes
/// its data area exactly the frame's), with an optional title across the top; encodes to PNG.
/// </summary>
internal sealed class FigureCanvas : IDisposable
{
    private readonly SKSurface _surface;

    public FigureCanvas(int width, int height)
    {
        Width = width;
        Height = height;
        _surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {width} x {height} drawing surface.");
        _surface.Canvas.Clear(SKColors.White);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Font family used for every text of the figures: DejaVu Sans when the system has it, else ScottPlot's default.</summary>
    public static string FontFamily { get; } = ChooseFont();

    /// <summary>A new plot with the figures' font.</summary>
    public static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(FontFamily);
        return plot;
    }

    /// <summary>Draws a plot into its frame: its data area is exactly the frame's data box.</summary>
    public void Draw(Plot plot, PanelFrame frame)
    {
        // ScottPlot clears the whole canvas it renders into, so each plot is drawn on its own surface and pasted.
        var o = frame.Outer;
        int left = (int)Math.Round(o.Left), top = (int)Math.Round(o.Top);
        int width = Math.Max(1, (int)Math.Round(o.Right) - left), height = Math.Max(1, (int)Math.Round(o.Bottom) - top);
        plot.Layout.Fixed(new PixelPadding(frame.Data.Left - left, left + width - frame.Data.Right, top + height - frame.Data.Bottom, frame.Data.Top - top));
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {width} x {height} drawing surface.");
        plot.Render(surface.Canvas, new PixelRect(0, width, height, 0));
        using var image = surface.Snapshot();
        _surface.Canvas.DrawImage(image, left, top);
    }

    public void Title(string text)
    {
        using var typeface = SKTypeface.FromFamilyName(FontFamily, SKFontStyle.Bold) ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 22);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        _surface.Canvas.DrawText(text, Width / 2f, FigureLayout.TitleBand * 0.7f, SKTextAlign.Center, font, paint);
    }

    public byte[] EncodePng()
    {
        _surface.Canvas.Flush();
        using var image = _surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the figure as PNG.");
        return data.ToArray();
    }

    public void Dispose() => _surface.Dispose();

    private static string ChooseFont()
    {
        foreach (var family in new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica" })
        {
            using var tf = SKFontManager.Default.MatchFamily(family);
            if (tf is not null && string.Equals(tf.FamilyName, family, StringComparison.OrdinalIgnoreCase)) return family;
        }
        return Fonts.Default;
    }
}
