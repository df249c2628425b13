using System.Globalization;

namespace NmrInversion.Engine.Grids;

/// <summary>
/// A grid of strictly increasing, positive, finite values: the common part of relaxation axes
/// (T1, T2, D: where the distribution lives) and acquisition axes (t1, t2, b: where the signal is sampled).
/// Immutable.
/// </summary>
public abstract class Axis : IEquatable<Axis>
{
    private readonly double[] _values;

    protected Axis(string name, string unit, IReadOnlyList<double> values, bool allowSinglePoint)
    {
        ArgumentNullException.ThrowIfNull(values);
        Name = name;
        Unit = unit;
        Validate(name, values, allowSinglePoint);
        _values = values.ToArray();
    }

    /// <summary>Field name of the quantity: T1, T2, D, t1, t2, b.</summary>
    public string Name { get; }

    /// <summary>Unit of the values: s, m^2/s or s/m^2.</summary>
    public string Unit { get; }

    /// <summary>A copy of the grid values.</summary>
    public double[] Values => (double[])_values.Clone();

    /// <summary>Number of points.</summary>
    public int Count => _values.Length;

    public double this[int index] => _values[index];

    public double Minimum => _values[0];

    public double Maximum => _values[^1];

    /// <summary>Read-only view without copying.</summary>
    public ReadOnlySpan<double> AsSpan() => _values;

    /// <summary>True when the points are equally spaced in log10 (relative tolerance 1e-6).</summary>
    public bool IsLogSpaced
    {
        get
        {
            if (Count < 3) return true;
            double step = Math.Log10(_values[1] / _values[0]);
            for (int i = 2; i < Count; i++)
            {
                if (Math.Abs(Math.Log10(_values[i] / _values[i - 1]) - step) > 1e-6 * Math.Max(1e-12, Math.Abs(step))) return false;
            }
            return true;
        }
    }

    /// <summary><paramref name="count"/> values equally spaced in log10 from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public static double[] LogSpace(double minimum, double maximum, int count)
    {
        if (!(minimum > 0) || double.IsInfinity(minimum) || !(maximum > minimum) || double.IsInfinity(maximum))
            throw new NmrInputException("AxisRangeInvalid", $"An axis needs 0 < minimum < maximum < infinity; got minimum {minimum.ToString("R", CultureInfo.InvariantCulture)}, maximum {maximum.ToString("R", CultureInfo.InvariantCulture)}.");
        if (count < 2)
            throw new NmrInputException("AxisTooShort", $"A log-spaced axis needs at least 2 points; got {count}.");
        var v = new double[count];
        double a = Math.Log10(minimum), b = Math.Log10(maximum);
        for (int i = 0; i < count; i++) v[i] = Math.Pow(10, a + (b - a) * i / (count - 1));
        v[0] = minimum;
        v[^1] = maximum;
        return v;
    }

    private static void Validate(string name, IReadOnlyList<double> values, bool allowSinglePoint)
    {
        if (values.Count == 0 || (!allowSinglePoint && values.Count < 2))
            throw new NmrInputException("AxisTooShort", $"Axis {name} has {values.Count} point(s); at least {(allowSinglePoint ? 1 : 2)} are needed.", InputProblem.Data);
        for (int i = 0; i < values.Count; i++)
        {
            double v = values[i];
            if (double.IsNaN(v) || double.IsInfinity(v))
                throw new NmrInputException("AxisNotFinite", $"Axis {name} has a non-finite value ({v.ToString(CultureInfo.InvariantCulture)}) at index {i}; every value must be a finite positive number.", InputProblem.Data);
            if (v <= 0)
                throw new NmrInputException("AxisNotPositive", $"Axis {name} has a non-positive value ({v.ToString("R", CultureInfo.InvariantCulture)}) at index {i}; times, b values and relaxation times must be > 0.", InputProblem.Data);
            if (i > 0 && !(v > values[i - 1]))
                throw new NmrInputException("AxisNotIncreasing", $"Axis {name} is not strictly increasing at index {i} ({values[i - 1].ToString("R", CultureInfo.InvariantCulture)} then {v.ToString("R", CultureInfo.InvariantCulture)}); sort the values and remove duplicates.", InputProblem.Data);
        }
    }

    public bool Equals(Axis? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (GetType() != other.GetType() || Name != other.Name || Count != other.Count) return false;
        for (int i = 0; i < Count; i++)
            if (Math.Abs(_values[i] - other._values[i]) > 1e-9 * Math.Abs(_values[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is Axis a && Equals(a);

    public override int GetHashCode() => HashCode.Combine(GetType(), Name, Count, Math.Round(Math.Log10(_values[0]), 6), Math.Round(Math.Log10(_values[^1]), 6));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}: {Count} points, {Minimum:G3}..{Maximum:G3} {Unit}{(IsLogSpaced ? " (log)" : "")}");
}
