using System.Globalization;
using NmrInversion.Engine;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Metrics;

namespace NmrInversion.Plotting;

/// <summary>Which chi of a <see cref="ChiReport"/> a chart shows: of the 2D map, or of the T1 or T2 projection.</summary>
public enum ChiQuantity
{
    Map2D,
    T1,
    T2,
}

/// <summary>One bar: a method's chi for a preset, at <see cref="Position"/> on the horizontal axis, its height in log10.</summary>
public sealed record ChiBar(int MethodIndex, int PresetIndex, double Position, double Chi, double Log10Top);

/// <summary>
/// The data of a chi bar chart like Figure 2 of the paper, decided without drawing: one group of bars per preset
/// (presets A..H in order, other names after them in order of appearance), one bar per method (in order of appearance)
/// for one SNR, heights on a log10 axis from <see cref="Log10Floor"/>. Several reports for the same method, preset and
/// SNR (noise realisations) are averaged.
/// </summary>
public sealed class ChiChartData
{
    /// <summary>Share of a group's slot (1 unit) that its bars fill.</summary>
    public const double GroupWidth = 0.8;

    private ChiChartData(IReadOnlyList<string> presets, IReadOnlyList<string> methods, double[,] values, double? snr, ChiQuantity quantity)
    {
        Presets = presets;
        Methods = methods;
        Values = values;
        Snr = snr;
        Quantity = quantity;
        BarWidth = GroupWidth / methods.Count;
        var positive = values.Cast<double>().Where(v => v > 0 && double.IsFinite(v)).ToArray();
        double lo = positive.Length > 0 ? Math.Floor(Math.Log10(positive.Min())) : -1;
        double hi = positive.Length > 0 ? Math.Ceiling(Math.Log10(positive.Max())) : 0;
        if (hi <= lo) hi = lo + 1;
        Log10Floor = lo;
        Log10Ceiling = hi;
        var bars = new List<ChiBar>();
        for (int m = 0; m < methods.Count; m++)
            for (int p = 0; p < presets.Count; p++)
            {
                double v = values[m, p];
                if (double.IsNaN(v)) continue;
                double top = v > 0 ? Math.Log10(v) : lo;
                bars.Add(new ChiBar(m, p, p + (m - (methods.Count - 1) / 2.0) * BarWidth, v, top));
            }
        Bars = bars;
        YTicks = LogTicks.Decades(lo, hi);
    }

    /// <summary>Builds the chart from reports; <paramref name="snr"/> picks one SNR when the reports hold several.</summary>
    public static ChiChartData From(IEnumerable<ChiReport> reports, ChiQuantity quantity, double? snr = null)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var all = reports.ToList();
        if (all.Count == 0) throw new NmrInputException("PlotNothingToDraw", "A chi chart needs at least one chi report (from Measure-NmrChi).");
        var snrs = all.Select(r => r.Snr).Distinct(SnrComparer.Instance).ToList();
        List<ChiReport> chosen;
        if (snr is { } wanted)
        {
            chosen = all.Where(r => SnrComparer.Instance.Equals(r.Snr, wanted)).ToList();
            if (chosen.Count == 0)
                throw new NmrInputException("PlotSnrNotFound", $"No chi report has SNR {wanted.ToString("G6", CultureInfo.InvariantCulture)}; the reports have {Describe(snrs)}.");
        }
        else if (snrs.Count > 1)
            throw new NmrInputException("PlotSnrAmbiguous", $"The chi reports have several SNRs ({Describe(snrs)}); pass -Snr to choose the one to draw.");
        else
            chosen = all;

        var presets = chosen.Select(r => r.Preset).Distinct(StringComparer.OrdinalIgnoreCase)
            .Select((name, order) => (name, order))
            .OrderBy(t => PresetRank(t.name)).ThenBy(t => t.order).Select(t => t.name).ToList();
        var methods = chosen.Select(r => r.Method).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var sums = new double[methods.Count, presets.Count];
        var counts = new int[methods.Count, presets.Count];
        foreach (var r in chosen)
        {
            double v = quantity switch { ChiQuantity.T1 => r.ChiT1, ChiQuantity.T2 => r.ChiT2, _ => r.Chi2D };
            if (double.IsNaN(v)) continue;
            int m = methods.FindIndex(x => string.Equals(x, r.Method, StringComparison.OrdinalIgnoreCase));
            int p = presets.FindIndex(x => string.Equals(x, r.Preset, StringComparison.OrdinalIgnoreCase));
            sums[m, p] += v;
            counts[m, p]++;
        }
        var values = new double[methods.Count, presets.Count];
        for (int m = 0; m < methods.Count; m++)
            for (int p = 0; p < presets.Count; p++)
                values[m, p] = counts[m, p] > 0 ? sums[m, p] / counts[m, p] : double.NaN;
        return new ChiChartData(presets, methods, values, chosen[0].Snr, quantity);
    }

    public IReadOnlyList<string> Presets { get; }

    public IReadOnlyList<string> Methods { get; }

    /// <summary>Mean chi, [method, preset]; NaN where a method has no report for a preset.</summary>
    public double[,] Values { get; }

    public double? Snr { get; }

    public ChiQuantity Quantity { get; }

    public double BarWidth { get; }

    /// <summary>Bottom of the log axis: the decade at or below the smallest chi (a chi of 0 is drawn as an empty bar there).</summary>
    public double Log10Floor { get; }

    /// <summary>Top of the log axis: the decade at or above the largest chi.</summary>
    public double Log10Ceiling { get; }

    public IReadOnlyList<ChiBar> Bars { get; }

    public IReadOnlyList<AxisTick> YTicks { get; }

    /// <summary>"chi (2D)", "chi (T1)", "chi (T2)".</summary>
    public string YLabel => $"χ ({QuantityName(Quantity)})";

    /// <summary>Default title: "χ of the 2D map at SNR 100".</summary>
    public string DefaultTitle => Quantity == ChiQuantity.Map2D
        ? $"χ of the 2D map{SnrText}"
        : $"χ of the {QuantityName(Quantity)} projection{SnrText}";

    private string SnrText => Snr is { } s ? string.Create(CultureInfo.InvariantCulture, $" at SNR {s:G6}") : "";

    public static string QuantityName(ChiQuantity q) => q switch { ChiQuantity.T1 => "T1", ChiQuantity.T2 => "T2", _ => "2D" };

    private static int PresetRank(string name)
    {
        for (int i = 0; i < NmrInversion.Engine.Distributions.Presets.Names.Count; i++)
            if (string.Equals(NmrInversion.Engine.Distributions.Presets.Names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return int.MaxValue;
    }

    private static string Describe(IEnumerable<double?> snrs) =>
        string.Join(", ", snrs.Select(s => s is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "none"));

    private sealed class SnrComparer : IEqualityComparer<double?>
    {
        public static readonly SnrComparer Instance = new();

        public bool Equals(double? x, double? y) =>
            x is null ? y is null : y is not null && Math.Abs(x.Value - y.Value) <= 1e-9 * Math.Max(Math.Abs(x.Value), Math.Abs(y.Value));

        public int GetHashCode(double? v) => 0; // tolerance equality: let Equals decide
    }
}
