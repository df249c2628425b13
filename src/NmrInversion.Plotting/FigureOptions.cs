namespace NmrInversion.Plotting;

/// <summary>Size of the image in pixels and the figure's title (none: a default title, empty: no title).</summary>
public sealed record FigureOptions(int Width = 1200, int Height = 900, string? Title = null);
