using System.Globalization;
using System.Text;

namespace NmrInversion.Plotting;

/// <summary>A tick on an axis drawn in log10 units: its position (log10 of the value) and its label (empty for minor ticks).</summary>
public sealed record AxisTick(double Position, string Label, bool IsMajor);

/// <summary>
/// Ticks of a logarithmic axis. Figures plot log10 of the values on a linear axis; the ticks sit at whole decades,
/// labelled as powers of ten (10⁻³), with minor ticks at 2..9 times each decade.
/// </summary>
public static class LogTicks
{
    private const string SuperscriptDigits = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    /// <summary>Most labelled decades on one axis; longer ranges label every second (third, ...) decade.</summary>
    public const int MaxLabels = 8;

    /// <summary>"10⁻³" for -3, "10⁰" for 0.</summary>
    public static string PowerOfTen(int exponent)
    {
        var sb = new StringBuilder("10");
        if (exponent < 0) sb.Append('⁻');
        foreach (char c in Math.Abs(exponent).ToString(CultureInfo.InvariantCulture)) sb.Append(SuperscriptDigits[c - '0']);
        return sb.ToString();
    }

    /// <summary>
    /// Ticks for the log10 range [<paramref name="log10Minimum"/>, <paramref name="log10Maximum"/>]: majors at every whole
    /// decade inside it (every n-th labelled when more than <see cref="MaxLabels"/>), minors at log10(m·10^k), m = 2..9.
    /// A range holding fewer than two decades also gets majors at 2·10^k and 5·10^k, labelled "2×10⁻³".
    /// </summary>
    public static IReadOnlyList<AxisTick> Decades(double log10Minimum, double log10Maximum)
    {
        if (!double.IsFinite(log10Minimum) || !double.IsFinite(log10Maximum) || !(log10Maximum > log10Minimum))
            throw new ArgumentOutOfRangeException(nameof(log10Maximum), $"A log axis needs a finite range with minimum < maximum; got {log10Minimum}..{log10Maximum}.");
        const double eps = 1e-9;
        int first = (int)Math.Floor(log10Minimum), last = (int)Math.Ceiling(log10Maximum);
        var decades = Enumerable.Range(first, last - first + 1).Where(k => k >= log10Minimum - eps && k <= log10Maximum + eps).ToArray();
        var ticks = new List<AxisTick>();
        int stride = Math.Max(1, (int)Math.Ceiling(decades.Length / (double)MaxLabels));
        foreach (int k in decades)
            ticks.Add(new AxisTick(k, k % stride == 0 ? PowerOfTen(k) : "", true));
        bool fewDecades = decades.Length < 2;
        for (int k = first - 1; k <= last; k++)
            for (int m = 2; m <= 9; m++)
            {
                double p = k + Math.Log10(m);
                if (p < log10Minimum - eps || p > log10Maximum + eps) continue;
                bool major = fewDecades && (m == 2 || m == 5);
                ticks.Add(new AxisTick(p, major ? $"{m}×{PowerOfTen(k)}" : "", major));
            }
        ticks.Sort((a, b) => a.Position.CompareTo(b.Position));
        return ticks;
    }
}
