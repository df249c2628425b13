using System.Globalization;
using NmrInversion.Engine.Grids;

namespace NmrInversion.Engine.Network;

/// <summary>How the points of a sampled acquisition axis are spaced.</summary>
public enum AxisSpacing
{
    /// <summary>Logarithmically spaced from First to Last (inversion times, log-spaced echo lists).</summary>
    Log,
    /// <summary>An echo train: t_k = k * First for k = 1..Count (echo spacing First), so Last = Count * First.</summary>
    Linear,
}

/// <summary>
/// One family of acquisition axes: point counts MinCount..MaxCount, first point FirstMin..FirstMax and last point
/// LastMin..LastMax (seconds, or s/m^2 for b values). Sampling draws the count, the first and (log spacing) the last
/// point log-uniformly; a linear echo train takes Last = Count * First.
/// </summary>
public sealed record AxisFamily(AxisSpacing Spacing, int MinCount, int MaxCount, double FirstMin, double FirstMax, double LastMin, double LastMax)
{
    /// <summary>Relative tolerance on the ends when checking a measured axis (instruments round their times).</summary>
    public const double EndTolerance = 0.02;

    public void Validate()
    {
        if (MinCount < 2 || MaxCount < MinCount)
            throw new NmrInputException("AcquisitionFamilyInvalid", $"An axis family needs 2 <= MinCount <= MaxCount; got {MinCount}..{MaxCount}.");
        if (!(FirstMin > 0) || !(FirstMax >= FirstMin) || !(LastMin > 0) || !(LastMax >= LastMin) || double.IsInfinity(FirstMax) || double.IsInfinity(LastMax))
            throw new NmrInputException("AcquisitionFamilyInvalid", $"An axis family needs positive, ordered ranges for its ends; got first {FirstMin}..{FirstMax}, last {LastMin}..{LastMax}.");
        if (Spacing == AxisSpacing.Log && !(LastMin > FirstMax))
            throw new NmrInputException("AcquisitionFamilyInvalid", $"A log-spaced axis family needs every last point above every first point; got first up to {FirstMax}, last from {LastMin}.");
    }

    /// <summary>Draws one axis named <paramref name="name"/>.</summary>
    public AcquisitionAxis Sample(string name, Random rng)
    {
        int count = (int)Math.Round(LogUniform(rng, MinCount, MaxCount + 0.4999));
        count = Math.Clamp(count, MinCount, MaxCount);
        double first = LogUniform(rng, FirstMin, FirstMax);
        if (Spacing == AxisSpacing.Linear)
        {
            var values = new double[count];
            for (int k = 0; k < count; k++) values[k] = (k + 1) * first;
            return new AcquisitionAxis(name, values);
        }
        double last = LogUniform(rng, LastMin, LastMax);
        return new AcquisitionAxis(name, Axis.LogSpace(first, last, count));
    }

    /// <summary>Why <paramref name="axis"/> lies outside this family, or null when it lies inside.</summary>
    public string? Mismatch(AcquisitionAxis axis)
    {
        int n = axis.Count;
        double first = axis.Values[0], last = axis.Values[^1];
        if (n < MinCount || n > MaxCount) return string.Create(CultureInfo.InvariantCulture, $"{n} points, outside {MinCount}..{MaxCount}");
        if (!Within(first, FirstMin, FirstMax)) return string.Create(CultureInfo.InvariantCulture, $"first point {first:G4}, outside {FirstMin:G4}..{FirstMax:G4}");
        if (!Within(last, LastMin, LastMax)) return string.Create(CultureInfo.InvariantCulture, $"last point {last:G4}, outside {LastMin:G4}..{LastMax:G4}");
        return null;
    }

    private static bool Within(double v, double lo, double hi) => v >= lo * (1 - EndTolerance) && v <= hi * (1 + EndTolerance);

    private static double LogUniform(Random rng, double lo, double hi) => lo * Math.Pow(hi / lo, rng.NextDouble());

    public override string ToString() => Spacing == AxisSpacing.Log
        ? string.Create(CultureInfo.InvariantCulture, $"{MinCount}-{MaxCount} log-spaced points from {FirstMin:G3}-{FirstMax:G3} to {LastMin:G3}-{LastMax:G3}")
        : string.Create(CultureInfo.InvariantCulture, $"{MinCount}-{MaxCount} equally spaced echoes at {FirstMin:G3}-{FirstMax:G3} (last {LastMin:G3}-{LastMax:G3})");
}

/// <summary>
/// The acquisition grids a network is trained on when its inputs do not depend on the acquisition grid
/// (docs/methods.md, "One network for every acquisition grid"): each training batch draws axis 1 from one of
/// <see cref="Axis1"/> and axis 2 from one of <see cref="Axis2"/>, chosen with equal probability. A signal is inside the
/// family when each of its axes is inside one of the listed axis families (point count and both ends; spacing is not
/// checked, the network reads estimates on the distribution grid).
/// </summary>
public sealed record AcquisitionFamily(IReadOnlyList<AxisFamily> Axis1, IReadOnlyList<AxisFamily> Axis2)
{
    /// <summary>
    /// T1-T2 (inversion recovery x CPMG) as instruments record it: 12-96 log-spaced inversion times from 0.2-5 ms to
    /// 1-20 s; echoes either 48-128 log-spaced points from 30-500 us to 0.1-5 s, or a train of 256-4096 echoes at an echo
    /// spacing of 50-500 us. Covers the paper's 64 x 64 grid, a Spinsolve T1-T2 (16 x 1024 at 0.1 ms) and a
    /// GeoSpec-like 32 x 2500 at 0.2 ms.
    /// </summary>
    public static AcquisitionFamily T1T2 { get; } = new(
        new[] { new AxisFamily(AxisSpacing.Log, 12, 96, 2e-4, 5e-3, 1.0, 20.0) },
        new[]
        {
            new AxisFamily(AxisSpacing.Log, 48, 128, 3e-5, 5e-4, 0.1, 5.0),
            new AxisFamily(AxisSpacing.Linear, 256, 4096, 5e-5, 5e-4, 256 * 5e-5, 4096 * 5e-4),
        });

    public void Validate()
    {
        if (Axis1 is null || Axis2 is null || Axis1.Count == 0 || Axis2.Count == 0)
            throw new NmrInputException("AcquisitionFamilyInvalid", "An acquisition family needs at least one axis family per axis.");
        foreach (var f in Axis1.Concat(Axis2)) f.Validate();
    }

    /// <summary>Draws the acquisition axes of one batch.</summary>
    public (AcquisitionAxis Axis1, AcquisitionAxis Axis2) Sample(string name1, string name2, Random rng)
    {
        var f1 = Axis1[rng.Next(Axis1.Count)];
        var f2 = Axis2[rng.Next(Axis2.Count)];
        return (f1.Sample(name1, rng), f2.Sample(name2, rng));
    }

    /// <summary>Why the acquisition axes lie outside this family, or null when they lie inside.</summary>
    public string? Mismatch(AcquisitionAxis axis1, AcquisitionAxis axis2)
    {
        string? One(AcquisitionAxis axis, IReadOnlyList<AxisFamily> families, string label)
        {
            var reasons = new List<string>();
            foreach (var f in families)
            {
                var why = f.Mismatch(axis);
                if (why is null) return null;
                reasons.Add($"{why} for {f}");
            }
            return $"acquisition axis {label} ({axis.Name}, {axis.Count} points {axis.Values[0]:G4}..{axis.Values[^1]:G4}) is outside the trained family: {string.Join("; ", reasons)}";
        }
        return One(axis1, Axis1, "1") ?? One(axis2, Axis2, "2");
    }

    public override string ToString() => $"axis 1: {string.Join(" or ", Axis1)}; axis 2: {string.Join(" or ", Axis2)}";
}
