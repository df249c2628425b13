using NmrInversion.Engine.Grids;

namespace NmrInversion.Plotting;

/// <summary>How an acquisition axis is drawn: on a linear axis (an echo train, a b list) or in log10 units (recovery delays).</summary>
public enum AxisScale
{
    Linear,
    Log,
}

/// <summary>
/// An acquisition axis (t1, t2 or b) as a fit figure draws it: the scale, the plotted coordinate of each point (the
/// value, or its log10), the range of the points, the cell edges a map of values on this axis spans, decade ticks for a
/// log axis (a linear one takes ScottPlot's own), and the axis title.
/// </summary>
public sealed class AcquisitionScale
{
    private AcquisitionScale(AcquisitionAxis axis, AxisScale scale)
    {
        Axis = axis;
        Scale = scale;
        var v = axis.Values;
        Coordinates = scale == AxisScale.Log ? v.Select(Math.Log10).ToArray() : v;
        Minimum = Coordinates.Min();
        Maximum = Coordinates.Max();
        double half = Coordinates.Length > 1 ? (Maximum - Minimum) / (Coordinates.Length - 1) / 2 : 0.5;
        Edges = new LogRange(Minimum - half, Maximum + half);
        Ticks = scale == AxisScale.Log && Maximum > Minimum ? LogTicks.Decades(Minimum, Maximum) : null;
        Label = AxisLabels.Of(axis);
    }

    /// <summary>Chooses the scale from the points (see <see cref="LooksLogarithmic"/>).</summary>
    public static AcquisitionScale Of(AcquisitionAxis axis)
    {
        ArgumentNullException.ThrowIfNull(axis);
        return new AcquisitionScale(axis, LooksLogarithmic(axis.Values) ? AxisScale.Log : AxisScale.Linear);
    }

    public AcquisitionAxis Axis { get; }

    public AxisScale Scale { get; }

    /// <summary>Where each point is drawn: the value (linear) or log10 of it (log).</summary>
    public double[] Coordinates { get; }

    /// <summary>Smallest plotted coordinate.</summary>
    public double Minimum { get; }

    /// <summary>Largest plotted coordinate.</summary>
    public double Maximum { get; }

    /// <summary>Outer edges of a map's cells on this axis: half a mean step beyond the first and last points.</summary>
    public LogRange Edges { get; }

    /// <summary>Decade ticks of a log axis; null for a linear one.</summary>
    public IReadOnlyList<AxisTick>? Ticks { get; }

    public string Label { get; }

    /// <summary>
    /// True for points that are all positive, span at least a factor of 20, and put at least a quarter of themselves
    /// below their geometric middle sqrt(min max): log-spaced recovery delays do (about half), an echo train does not
    /// (its first sqrt(min/max) of the points).
    /// </summary>
    public static bool LooksLogarithmic(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 3 || values.Any(v => !(v > 0))) return false;
        double min = values.Min(), max = values.Max();
        if (max / min < 20) return false;
        double middle = Math.Sqrt(min * max);
        return values.Count(v => v < middle) >= 0.25 * values.Count;
    }
}
