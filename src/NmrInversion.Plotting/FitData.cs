using System.Globalization;
using NmrInversion.Engine;
using NmrInversion.Engine.Inversion;

namespace NmrInversion.Plotting;

/// <summary>
/// One trace of a fit panel: the data and the fit along one acquisition axis (a 1D decay, or a row or column of a 2D
/// signal), with the residual in the figure's units (σ when the noise level is known). X is in plotted coordinates.
/// </summary>
public sealed record FitTrace(string Label, int Index, double[] X, double[] Data, double[] Fit, double[] Residual);

/// <summary>
/// What a fit figure needs, decided without drawing: the measured signal S, the result's fitted signal
/// (<see cref="InversionResult.FittedSignal"/>), the residual (S - fit) / σ at every point, a few traces (1D: the whole
/// curve; 2D: a few rows, S[i, ·] along the second axis, and a few columns, S[·, j] along the first), the ranges of the
/// residual panels, and the hyperparameter search panels.
/// </summary>
public sealed class FitData
{
    /// <summary>Most traces drawn in one panel.</summary>
    public const int MaxTraces = 4;

    /// <summary>Smallest half-range of a residual axis or colour scale, in σ.</summary>
    public const double MinimumResidualLimit = 3;

    private FitData(InversionResult result)
    {
        Result = result;
        var signal = result.Signal;
        Signal = signal.Values;
        Fitted = result.FittedSignal();
        Sigma = result.NoiseLevel is { } s && s > 0 && double.IsFinite(s) ? s : null;
        int n1 = Signal.GetLength(0), n2 = Signal.GetLength(1);
        Residual = new double[n1, n2];
        double scale = Sigma ?? 1;
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
                Residual[i, j] = (Signal[i, j] - Fitted[i, j]) / scale;
        Scale1 = AcquisitionScale.Of(signal.Axis1);
        Scale2 = signal.Dimensions == 2 ? AcquisitionScale.Of(signal.Axis2) : null;
        if (IsOneDimensional)
        {
            Rows = new[] { Trace("", 0, byRow: false, Scale1) };
            Columns = Array.Empty<FitTrace>();
        }
        else
        {
            RowIndices = PickIndices(Scale1, Envelope(byRow: true));
            ColumnIndices = PickIndices(Scale2!, Envelope(byRow: false));
            Rows = RowIndices.Select(i => Trace($"{signal.Axis1.Name} = {NumberText.WithUnit(signal.Axis1[i], signal.Axis1.Unit)}", i, byRow: true, Scale2!)).ToArray();
            Columns = ColumnIndices.Select(j => Trace($"{signal.Axis2.Name} = {NumberText.WithUnit(signal.Axis2[j], signal.Axis2.Unit)}", j, byRow: false, Scale1)).ToArray();
        }
        var magnitudes = Residual.Cast<double>().Select(Math.Abs).ToArray();
        ResidualLimit = Math.Max(MinimumResidualLimit, 1.15 * Quantile(magnitudes, 0.995));
        Outside = magnitudes.Count(m => m > ResidualLimit);
        ColourLimit = Math.Max(MinimumResidualLimit, Math.Ceiling(Quantile(magnitudes, 0.99)));
        Search = SearchPanel.For(result);
        Hyperparameters = Hyperparameters.Of(result);
    }

    public static FitData From(InversionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new FitData(result);
    }

    public InversionResult Result { get; }

    public bool IsOneDimensional => Result.Signal.Dimensions == 1;

    /// <summary>The measured signal S[i, j] (the result's signal's own storage: do not change it).</summary>
    public double[,] Signal { get; }

    /// <summary>Amplitude * K1 F K2^T, in the signal's units.</summary>
    public double[,] Fitted { get; }

    /// <summary>The noise level the residual is divided by; null when the result has none (the residual stays in signal units).</summary>
    public double? Sigma { get; }

    /// <summary>(S - fit) / σ at every point (S - fit without a noise level).</summary>
    public double[,] Residual { get; }

    /// <summary>"residual / σ", or "residual" in signal units when the noise level is unknown.</summary>
    public string ResidualLabel => Sigma is null ? "residual (signal units)" : "residual / σ";

    public AcquisitionScale Scale1 { get; }

    /// <summary>The second acquisition axis; null for a 1D signal.</summary>
    public AcquisitionScale? Scale2 { get; }

    /// <summary>Which rows i of a 2D signal are drawn (S[i, ·] along the second axis).</summary>
    public IReadOnlyList<int> RowIndices { get; } = Array.Empty<int>();

    /// <summary>Which columns j of a 2D signal are drawn (S[·, j] along the first axis).</summary>
    public IReadOnlyList<int> ColumnIndices { get; } = Array.Empty<int>();

    /// <summary>1D: the one curve along the first axis. 2D: rows along the second axis.</summary>
    public IReadOnlyList<FitTrace> Rows { get; }

    /// <summary>2D: columns along the first axis; empty for 1D.</summary>
    public IReadOnlyList<FitTrace> Columns { get; }

    /// <summary>
    /// Half-range of the residual axis and histogram: 1.15 times the 99.5th percentile of |residual|, at least
    /// <see cref="MinimumResidualLimit"/>, so that a few outliers (a first echo) do not flatten the noise band; the
    /// residuals beyond it are drawn at the edge and counted in <see cref="Outside"/>.
    /// </summary>
    public double ResidualLimit { get; }

    /// <summary>How many residuals lie beyond ±<see cref="ResidualLimit"/>.</summary>
    public int Outside { get; }

    /// <summary>Fewest points for which a residual histogram is drawn.</summary>
    public const int HistogramMinimumPoints = 30;

    /// <summary>True when there are enough points for a histogram to say something.</summary>
    public bool HasHistogram => Residual.Length >= HistogramMinimumPoints;

    /// <summary>Half-range of the residual map's colour scale: the 99th percentile of |residual|, rounded up, at least 3 (outliers saturate).</summary>
    public double ColourLimit { get; }

    public IReadOnlyList<SearchPanel> Search { get; }

    public Hyperparameters Hyperparameters { get; }

    /// <summary>"Tikhonov fit of IRCPMG: misfit 5.33, α = 0.0392 (GCV)".</summary>
    public string DefaultTitle
    {
        get
        {
            string misfit = double.IsNaN(Result.Misfit) ? "" : string.Create(CultureInfo.InvariantCulture, $": misfit {Result.Misfit:0.##}");
            string settings = Hyperparameters.Text;
            return $"{Result.Method} fit of {Result.Name}{misfit}{(settings.Length > 0 ? (misfit.Length > 0 ? ", " : ": ") + settings : "")}";
        }
    }

    /// <summary>The density of N(0, 1) at x, which the residual histogram is drawn against.</summary>
    public static double StandardNormal(double x) => MathNet.Numerics.Distributions.Normal.PDF(0, 1, x);

    /// <summary>
    /// Counts of the residuals in <paramref name="bins"/> equal bins over [-<see cref="ResidualLimit"/>, +limit], as a
    /// density (count / (N · bin width), N counting every point, those outside too), so that it compares with
    /// <see cref="StandardNormal"/> when the residual is noise.
    /// </summary>
    public (double[] Centres, double[] Density, double Width) Histogram(int bins = 40)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins));
        double lo = -ResidualLimit, width = 2 * ResidualLimit / bins;
        var counts = new double[bins];
        int total = 0;
        foreach (double r in Residual)
        {
            total++;
            if (Math.Abs(r) > ResidualLimit) continue;
            int k = (int)Math.Floor((r - lo) / width);
            counts[Math.Clamp(k, 0, bins - 1)]++;
        }
        var centres = Enumerable.Range(0, bins).Select(k => lo + (k + 0.5) * width).ToArray();
        return (centres, counts.Select(c => c / (total * width)).ToArray(), width);
    }

    private FitTrace Trace(string label, int index, bool byRow, AcquisitionScale along)
    {
        int n = along.Coordinates.Length;
        var data = new double[n];
        var fit = new double[n];
        var res = new double[n];
        for (int k = 0; k < n; k++)
        {
            int i = byRow ? index : k, j = byRow ? k : index;
            data[k] = Signal[i, j];
            fit[k] = Fitted[i, j];
            res[k] = Residual[i, j];
        }
        return new FitTrace(label, index, along.Coordinates, data, fit, res);
    }

    /// <summary>max over the other axis of |fit|, per row (byRow) or per column.</summary>
    private double[] Envelope(bool byRow)
    {
        int n1 = Fitted.GetLength(0), n2 = Fitted.GetLength(1);
        var e = new double[byRow ? n1 : n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
            {
                int k = byRow ? i : j;
                e[k] = Math.Max(e[k], Math.Abs(Fitted[i, j]));
            }
        return e;
    }

    /// <summary>
    /// Which of an axis' points to draw traces at: on a log axis (recovery delays), up to <see cref="MaxTraces"/>
    /// evenly spaced indices, both ends included; on a linear axis (an echo train), where the fit's envelope has decayed
    /// to 1, 1/2, 1/4 and 1/8 of its largest value (the first points after it), so that the decay is seen before the
    /// noise floor. Falls back to evenly spaced indices when the envelope does not decay.
    /// </summary>
    public static IReadOnlyList<int> PickIndices(AcquisitionScale scale, IReadOnlyList<double> envelope)
    {
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(envelope);
        int n = envelope.Count;
        if (n <= MaxTraces) return Enumerable.Range(0, n).ToArray();
        var even = Enumerable.Range(0, MaxTraces).Select(k => (int)Math.Round(k * (n - 1) / (double)(MaxTraces - 1))).Distinct().ToArray();
        if (scale.Scale == AxisScale.Log) return even;
        int peak = 0;
        for (int k = 1; k < n; k++) if (envelope[k] > envelope[peak]) peak = k;
        var picked = new List<int> { peak };
        foreach (double fraction in new[] { 0.5, 0.25, 0.125 })
        {
            int k = peak;
            while (k < n && envelope[k] > fraction * envelope[peak]) k++;
            if (k < n && !picked.Contains(k)) picked.Add(k);
        }
        return picked.Count >= 2 ? picked.OrderBy(k => k).ToArray() : even;
    }

    private static double Quantile(IEnumerable<double> values, double q)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? 0 : MathNet.Numerics.Statistics.Statistics.Quantile(finite, q);
    }
}
