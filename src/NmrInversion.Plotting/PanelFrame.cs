namespace NmrInversion.Plotting;

/// <summary>A rectangle in pixels, origin at the top left of the image.</summary>
public readonly record struct PixelBox(float Left, float Top, float Right, float Bottom)
{
    public float Width => Right - Left;
    public float Height => Bottom - Top;
}

/// <summary>
/// Where one plot of a figure goes: its <see cref="Outer"/> rectangle and the <see cref="Data"/> rectangle inside it
/// where the data are drawn (the rest holds ticks, axis titles and the panel title).
/// </summary>
public sealed record PanelFrame(PixelBox Outer, PixelBox Data)
{
    public float PadLeft => Data.Left - Outer.Left;
    public float PadRight => Outer.Right - Data.Right;
    public float PadTop => Data.Top - Outer.Top;
    public float PadBottom => Outer.Bottom - Data.Bottom;

    /// <summary>A frame whose data area is the outer box less the given paddings.</summary>
    public static PanelFrame Inset(PixelBox outer, float left, float top, float right, float bottom) =>
        new(outer, new PixelBox(outer.Left + left, outer.Top + top, outer.Right - right, outer.Bottom - bottom));
}
