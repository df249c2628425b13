using NmrInversion.Engine.Grids;

namespace NmrInversion.Plotting;

/// <summary>Axis titles of figures: the quantity and its unit, "T2 (s)", "D (m²/s)".</summary>
public static class AxisLabels
{
    public static string Of(Axis axis) => string.IsNullOrEmpty(axis.Unit)
        ? axis.Name
        : $"{axis.Name} ({axis.Unit.Replace("^2", "²")})";
}
