using System.Globalization;
using NmrInversion.Engine;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;

namespace NmrInversion.Plotting;

/// <summary>A closed interval in log10 units.</summary>
public readonly record struct LogRange(double Minimum, double Maximum)
{
    public double Span => Maximum - Minimum;
}

/// <summary>
/// What a figure needs to draw one distribution, decided without drawing: the map with rows along the first axis
/// (T1, drawn vertically) and columns along the second (T2, drawn horizontally), the cell edges of both axes in log10
/// units, the grid points in log10 units, both projections, decade ticks and axis titles. A 1D distribution (one-point
/// second axis) has only the first axis, drawn horizontally.
/// </summary>
public sealed class MapData
{
    private MapData(Distribution2D distribution)
    {
        Distribution = distribution;
        Log10Points1 = Log10(distribution.Axis1);
        Log10Points2 = Log10(distribution.Axis2);
        Edges1 = CellEdges(distribution.Axis1);
        Edges2 = IsOneDimensional ? new LogRange(0, 0) : CellEdges(distribution.Axis2);
        Projection1 = distribution.Projection1();
        Projection2 = distribution.Projection2();
        Ticks1 = LogTicks.Decades(Edges1.Minimum, Edges1.Maximum);
        Ticks2 = IsOneDimensional ? Array.Empty<AxisTick>() : LogTicks.Decades(Edges2.Minimum, Edges2.Maximum);
        Label1 = AxisLabels.Of(distribution.Axis1);
        Label2 = IsOneDimensional ? "" : AxisLabels.Of(distribution.Axis2);
    }

    /// <summary>Prepares a distribution for drawing; its axes must be log-spaced (every grid of the module is).</summary>
    public static MapData From(Distribution2D distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        return new MapData(distribution);
    }

    public Distribution2D Distribution { get; }

    public bool IsOneDimensional => Distribution.Dimensions == 1;

    /// <summary>Amplitudes, [i, j] at (Axis1[i], Axis2[j]).</summary>
    public double[,] Values => Distribution.Values;

    /// <summary>Largest amplitude of the map.</summary>
    public double Maximum => Distribution.Values.Cast<double>().Max();

    /// <summary>log10 of the first axis' grid points (T1 of a T1-T2 map).</summary>
    public double[] Log10Points1 { get; }

    /// <summary>log10 of the second axis' grid points (T2 of a T1-T2 map).</summary>
    public double[] Log10Points2 { get; }

    /// <summary>Outer cell edges of the first axis in log10 units: half a grid step beyond the first and last points.</summary>
    public LogRange Edges1 { get; }

    /// <summary>Outer cell edges of the second axis (zero range for a 1D distribution).</summary>
    public LogRange Edges2 { get; }

    /// <summary>Sum over the second axis: the T1 distribution.</summary>
    public double[] Projection1 { get; }

    /// <summary>Sum over the first axis: the T2 distribution.</summary>
    public double[] Projection2 { get; }

    public IReadOnlyList<AxisTick> Ticks1 { get; }

    public IReadOnlyList<AxisTick> Ticks2 { get; }

    public string Label1 { get; }

    public string Label2 { get; }

    /// <summary>The map with its rows reversed, so that row 0 holds the largest first-axis value (the top of an image).</summary>
    public double[,] RowsTopDown()
    {
        var v = Values;
        int n1 = v.GetLength(0), n2 = v.GetLength(1);
        var r = new double[n1, n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
                r[n1 - 1 - i, j] = v[i, j];
        return r;
    }

    private static double[] Log10(Axis axis) => axis.Values.Select(Math.Log10).ToArray();

    /// <summary>Cell edges of a log-spaced axis: the points are cell centres, equally spaced in log10.</summary>
    public static LogRange CellEdges(Axis axis)
    {
        ArgumentNullException.ThrowIfNull(axis);
        if (axis.Count < 2)
            throw new NmrInputException("PlotAxisTooShort", $"Axis {axis.Name} has {axis.Count} point(s); a map axis needs at least 2.", InputProblem.Data);
        if (!axis.IsLogSpaced)
            throw new NmrInputException("PlotAxisNotLogSpaced",
                string.Create(CultureInfo.InvariantCulture, $"Axis {axis.Name} ({axis}) is not log-spaced; maps are drawn on log-spaced grids only."), InputProblem.Data);
        double lo = Math.Log10(axis.Minimum), hi = Math.Log10(axis.Maximum);
        double half = (hi - lo) / (axis.Count - 1) / 2;
        return new LogRange(lo - half, hi + half);
    }
}
