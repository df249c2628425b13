using System.Globalization;

namespace NmrInversion.Plotting;

/// <summary>
/// Ticks of a linear axis: about <c>target</c> majors at 1, 2 or 5 times a power of ten, labelled with as few digits as
/// the step needs. Values of 10⁴ and more, or below 10⁻², are labelled as multiples of a power of ten that the axis
/// title states ("signal (×10⁵)"), so that an axis reads "0 2 4 6" instead of "0 200,000 400,000 600,000".
/// </summary>
public sealed record LinearTicks(IReadOnlyList<AxisTick> Ticks, int Exponent)
{
    /// <summary>The axis title with the common factor: "signal (×10⁵)", or the title unchanged when there is none.</summary>
    public string Title(string title) => Exponent == 0 ? title : $"{title} (×{LogTicks.PowerOfTen(Exponent)})";

    public static LinearTicks For(double minimum, double maximum, int target = 5)
    {
        if (!double.IsFinite(minimum) || !double.IsFinite(maximum) || !(maximum > minimum))
            throw new ArgumentOutOfRangeException(nameof(maximum), $"A linear axis needs a finite range with minimum < maximum; got {minimum}..{maximum}.");
        if (target < 2) throw new ArgumentOutOfRangeException(nameof(target));
        double raw = (maximum - minimum) / target;
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * power).First(s => s >= raw * 0.999);
        long first = (long)Math.Ceiling(minimum / step - 1e-9), last = (long)Math.Floor(maximum / step + 1e-9);
        var values = new List<double>();
        for (long k = first; k <= last; k++) values.Add(k * step);
        double largest = values.Select(Math.Abs).DefaultIfEmpty(0).Max();
        int exponent = largest >= 1e4 || (largest > 0 && largest < 1e-2) ? (int)Math.Floor(Math.Log10(largest)) : 0;
        double unit = Math.Pow(10, exponent);
        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step / unit) + 1e-9));
        var ticks = values.Select(v =>
        {
            double scaled = Math.Round(v / unit, decimals);
            if (scaled == 0) scaled = 0; // no "-0"
            return new AxisTick(v, scaled == 0 ? "0" : scaled.ToString("F" + decimals, CultureInfo.InvariantCulture), true);
        }).ToList();
        return new LinearTicks(ticks, exponent);
    }
}
