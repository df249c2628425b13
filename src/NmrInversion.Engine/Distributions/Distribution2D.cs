using System.Globalization;
using NmrInversion.Engine.Grids;

namespace NmrInversion.Engine.Distributions;

/// <summary>A cell of a distribution's grid: its indices and axis values.</summary>
public sealed record GridPoint(int Index1, int Index2, double Value1, double Value2);

/// <summary>
/// A relaxation (or diffusion) distribution F on a grid: <see cref="Values"/>[i, j] is the amplitude at
/// (<see cref="Axis1"/>[i], <see cref="Axis2"/>[j]). Distributions are non-negative and normalised to unit sum
/// (the sum over all grid cells is 1), so maps from different methods and grids compare directly.
/// A 1D distribution has a one-point <see cref="Axis2"/> named "None".
/// </summary>
public sealed class Distribution2D
{
    private readonly double[,] _values;

    /// <summary>Wraps values on a grid; copies them, checks them, and normalises them to unit sum (an all-zero map stays zero).</summary>
    public Distribution2D(double[,] values, RelaxationAxis axis1, RelaxationAxis axis2, string? name = null,
        IReadOnlyList<LognormalComponent>? components = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(axis1);
        ArgumentNullException.ThrowIfNull(axis2);
        if (values.GetLength(0) != axis1.Count || values.GetLength(1) != axis2.Count)
            throw new NmrInputException("DistributionSizeMismatch",
                $"The distribution is {values.GetLength(0)}x{values.GetLength(1)} but its axes have {axis1.Count} ({axis1.Name}) and {axis2.Count} ({axis2.Name}) points.", InputProblem.Data);
        double sum = 0;
        for (int i = 0; i < values.GetLength(0); i++)
            for (int j = 0; j < values.GetLength(1); j++)
            {
                double v = values[i, j];
                if (double.IsNaN(v) || double.IsInfinity(v))
                    throw new NmrInputException("DistributionNotFinite", $"The distribution has a non-finite value at [{i}, {j}].", InputProblem.Data);
                if (v < 0)
                    throw new NmrInputException("DistributionNegative", string.Create(CultureInfo.InvariantCulture, $"The distribution has a negative value ({v:G4}) at [{i}, {j}]; distributions are non-negative."), InputProblem.Data);
                sum += v;
            }
        _values = (double[,])values.Clone();
        // A map already normalised (|sum - 1| <= 1e-12) is kept bit for bit, so saved distributions read back exactly.
        if (sum > 0 && !double.IsInfinity(sum) && Math.Abs(sum - 1.0) > 1e-12)
        {
            for (int i = 0; i < _values.GetLength(0); i++)
                for (int j = 0; j < _values.GetLength(1); j++)
                    _values[i, j] /= sum;
        }
        Axis1 = axis1;
        Axis2 = axis2;
        Name = name ?? "Custom";
        Components = components?.ToArray() ?? Array.Empty<LognormalComponent>();
    }

    /// <summary>A distribution made of lognormal peaks on the given grid. Each peak carries its weight's share of the unit sum.</summary>
    public static Distribution2D FromComponents(IReadOnlyList<LognormalComponent> components, RelaxationAxis axis1, RelaxationAxis axis2, string? name = null)
    {
        if (components.Count == 0)
            throw new NmrInputException("ComponentsMissing", "A distribution needs at least one lognormal component.");
        foreach (var c in components) c.Validate();
        double totalWeight = components.Sum(c => c.Weight);
        var values = new double[axis1.Count, axis2.Count];
        bool oneD = axis2.Count == 1;
        foreach (var c in components)
        {
            var g1 = Gaussian(axis1, c.LogMean1, c.LogSd1);
            var g2 = oneD ? new[] { 1.0 } : Gaussian(axis2, c.LogMean2, c.LogSd2);
            double s1 = g1.Sum(), s2 = g2.Sum();
            if (!(s1 > 0) || !(s2 > 0))
                throw new NmrInputException("ComponentOutsideGrid",
                    $"The component {c} has no mass on the grid ({axis1}; {axis2}); move it inside the axes' range.");
            double w = c.Weight / totalWeight / (s1 * s2);
            for (int i = 0; i < g1.Length; i++)
                for (int j = 0; j < g2.Length; j++)
                    values[i, j] += w * g1[i] * g2[j];
        }
        return new Distribution2D(values, axis1, axis2, name, components);
    }

    private static double[] Gaussian(RelaxationAxis axis, double logMean, double logSd)
    {
        var g = new double[axis.Count];
        for (int i = 0; i < g.Length; i++)
        {
            double z = (Math.Log10(axis[i]) - logMean) / logSd;
            g[i] = Math.Exp(-0.5 * z * z);
        }
        return g;
    }

    /// <summary>The amplitudes, first index along <see cref="Axis1"/>. The array is the object's own storage: copy it before changing it.</summary>
    public double[,] Values => _values;

    /// <summary>
    /// Throws DistributionNotFinite (a NaN or infinite cell) or DistributionNegative: the constructor checks both, but
    /// <see cref="Values"/> is the object's own storage and may have been changed since; analyses and writers check again.
    /// </summary>
    public void CheckValues()
    {
        for (int i = 0; i < _values.GetLength(0); i++)
            for (int j = 0; j < _values.GetLength(1); j++)
            {
                double v = _values[i, j];
                if (!double.IsFinite(v))
                    throw new NmrInputException("DistributionNotFinite", string.Create(CultureInfo.InvariantCulture, $"The distribution '{Name}' has a non-finite value ({v}) at [{i}, {j}]."), InputProblem.Data);
                if (v < 0)
                    throw new NmrInputException("DistributionNegative", string.Create(CultureInfo.InvariantCulture, $"The distribution '{Name}' has a negative value ({v:G4}) at [{i}, {j}]; distributions are non-negative."), InputProblem.Data);
            }
    }

    public RelaxationAxis Axis1 { get; }

    public RelaxationAxis Axis2 { get; }

    /// <summary>Preset letter (A..H), "Random 12", "Custom", or the name of the method that produced it.</summary>
    public string Name { get; }

    /// <summary>Lognormal peaks the map was built from (empty for reconstructions).</summary>
    public IReadOnlyList<LognormalComponent> Components { get; }

    public int Dimensions => Axis2.Count == 1 ? 1 : 2;

    /// <summary>"64x64" or "64" for 1D.</summary>
    public string Size => Dimensions == 1 ? Axis1.Count.ToString(CultureInfo.InvariantCulture) : $"{Axis1.Count}x{Axis2.Count}";

    public double Sum
    {
        get
        {
            double s = 0;
            foreach (var v in _values) s += v;
            return s;
        }
    }

    /// <summary>Projection onto the first axis (summed over the second): the 1D T1 (or D) distribution.</summary>
    public double[] Projection1() => Project(_values, 1);

    /// <summary>Projection onto the second axis (summed over the first): the 1D T2 (or D) distribution.</summary>
    public double[] Projection2() => Project(_values, 2);

    /// <summary>
    /// The projection onto the axis named <paramref name="axisName"/> (T1, T2 or D; case-insensitive) as a 1D distribution,
    /// e.g. the T2 distribution of a T1-T2 map. A 1D distribution is its own projection onto its axis.
    /// </summary>
    public Distribution2D ProjectionOnto(string axisName)
    {
        ArgumentNullException.ThrowIfNull(axisName);
        bool first = string.Equals(axisName, Axis1.Name, StringComparison.OrdinalIgnoreCase);
        bool second = Dimensions == 2 && string.Equals(axisName, Axis2.Name, StringComparison.OrdinalIgnoreCase);
        if (first == second)
            throw new NmrInputException("ProjectionAxisUnknown", first
                ? $"Both axes of {this} are named {axisName}; the projection is ambiguous."
                : $"{this} has no {axisName} axis; its axes are {(Dimensions == 1 ? Axis1.Name : $"{Axis1.Name} and {Axis2.Name}")}.");
        if (first && Dimensions == 1) return this;
        var p = first ? Projection1() : Projection2();
        var values = new double[p.Length, 1];
        for (int k = 0; k < p.Length; k++) values[k, 0] = p[k];
        return new Distribution2D(values, first ? Axis1 : Axis2, RelaxationAxis.Single(), $"{Name} {(first ? Axis1 : Axis2).Name} projection");
    }

    internal static double[] Project(double[,] f, int axis)
    {
        int n1 = f.GetLength(0), n2 = f.GetLength(1);
        var p = new double[axis == 1 ? n1 : n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
                p[axis == 1 ? i : j] += f[i, j];
        return p;
    }

    /// <summary>Grid position of the largest amplitude.</summary>
    public GridPoint Peak()
    {
        int bi = 0, bj = 0;
        for (int i = 0; i < _values.GetLength(0); i++)
            for (int j = 0; j < _values.GetLength(1); j++)
                if (_values[i, j] > _values[bi, bj]) { bi = i; bj = j; }
        return new GridPoint(bi, bj, Axis1[bi], Axis2[bj]);
    }

    public override string ToString() => $"{Name} {Axis1.Name}-{Axis2.Name} distribution, {Size}";
}
