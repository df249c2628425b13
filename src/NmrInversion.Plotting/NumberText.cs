using System.Globalization;

namespace NmrInversion.Plotting;

/// <summary>
/// Numbers as figures and reports print them: three significant digits, and powers of ten with superscripts outside
/// 10⁻³..10⁴ ("3.92×10⁻⁸"), so that a title or a table cell stays short and readable.
/// </summary>
public static class NumberText
{
    /// <summary>"0.0392", "1.27×10⁴", "3.92×10⁻⁸"; "NaN" and "∞" for those values.</summary>
    public static string Compact(double value, int digits = 3)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "∞" : "-∞";
        if (value == 0) return "0";
        double magnitude = Math.Abs(value);
        if (magnitude >= 1e-3 && magnitude < 1e4)
        {
            // Round to significant digits, then print without an exponent ("G3" would print 1000 as "1E+03").
            int e = (int)Math.Floor(Math.Log10(magnitude));
            double rounded = Math.Round(value / Math.Pow(10, e - digits + 1)) * Math.Pow(10, e - digits + 1);
            if (Math.Abs(rounded) >= 1e4) return Compact(rounded, digits);
            return rounded.ToString("0.##########", CultureInfo.InvariantCulture);
        }
        int exponent = (int)Math.Floor(Math.Log10(magnitude));
        double mantissa = value / Math.Pow(10, exponent);
        // Rounding may carry the mantissa to 10 (9.996 -> "10.0").
        if (Math.Abs(Math.Round(mantissa, digits - 1)) >= 10) { mantissa /= 10; exponent++; }
        string m = Math.Round(mantissa, digits - 1).ToString("G" + digits, CultureInfo.InvariantCulture);
        return m == "1" ? LogTicks.PowerOfTen(exponent) : $"{m}×{LogTicks.PowerOfTen(exponent)}";
    }

    /// <summary>A value with its unit: "1.5 ms" style prefixes for seconds, else the number and the unit.</summary>
    public static string WithUnit(double value, string unit)
    {
        // 0.9995 ms and up print as ms (so that 1e-3 s, stored as 0.000999..., reads "1 ms", not "1000 µs").
        if (unit == "s" && value != 0 && Math.Abs(value) < 0.9995)
            return Math.Abs(value) >= 0.9995e-3 ? $"{Compact(value * 1e3)} ms" : $"{Compact(value * 1e6)} µs";
        return string.IsNullOrEmpty(unit) ? Compact(value) : $"{Compact(value)} {unit.Replace("^2", "²")}";
    }
}
