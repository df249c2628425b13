using System.Diagnostics;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using TorchSharp;
using static TorchSharp.torch;

namespace NmrInversion.Engine.Network;

/// <summary>A U-Net reconstruction: the unit-sum map, the model that made it, and its data misfit.</summary>
public sealed class UnetResult : InversionResult
{
    public UnetResult(Distribution2D distribution, Signal2D signal, double seconds, double residualNorm, double? noiseLevel,
        string modelName, string modelPath, double amplitude, double? dataConsistencyAlpha = null, double estimatedSnr = double.NaN, bool highSnrNetwork = false)
        : base(dataConsistencyAlpha is null ? "U-Net" : DataConsistencyMethod, distribution, signal, seconds, residualNorm, noiseLevel, amplitude)
    {
        ModelName = modelName;
        ModelPath = modelPath;
        DataConsistencyAlpha = dataConsistencyAlpha;
        EstimatedSnr = estimatedSnr;
        HighSnrNetwork = highSnrNetwork;
    }

    /// <summary>The SNR the network read from the signal (<see cref="UnetInversion.EffectiveSnr"/>; NaN for the paper's inputs, which have no noise channel).</summary>
    public double EstimatedSnr { get; }

    /// <summary>True when the model's high-SNR network made the map (<see cref="SnrGateCard"/>), false for its main network.</summary>
    public bool HighSnrNetwork { get; }

    /// <summary>The method name of a result refined by <see cref="UnetInversion.Refine"/>.</summary>
    public const string DataConsistencyMethod = "U-Net+DC";

    /// <summary>The alpha (by GCV) of the data-consistency step that refined the network's map; null for the network's map as it is.</summary>
    public double? DataConsistencyAlpha { get; }

    /// <summary>Name from the model card.</summary>
    public string ModelName { get; }

    /// <summary>Weights file of the model (its main network's, also when <see cref="HighSnrNetwork"/> made the map).</summary>
    public string ModelPath { get; }

}

/// <summary>
/// A signal on its way to the network: the <see cref="Original"/> as measured, the <see cref="Network"/> signal the
/// network reads (the original itself, the same values relabelled by a <see cref="Translation"/>, or a
/// <see cref="Resampled"/> interpolation onto the model's acquisition grid).
/// </summary>
public sealed record UnetInput(Signal2D Original, Signal2D Network, GridTranslation? Translation, bool Resampled, bool OwnGrid = false)
{
    /// <summary>How the signal reaches the model's grid, for a verbose message.</summary>
    public string Route => Translation is { } t ? $"translated on log axes ({t})"
        : OwnGrid ? $"read on its own acquisition grid ({Original.Axis1}; {Original.Axis2}) by a model trained on a family of grids"
        : Resampled ? $"resampled onto the model's acquisition grid ({Network.Axis1}; {Network.Axis2}) by a cubic spline in log-time"
        : "on the model's grid";
}

/// <summary>
/// Inversion with a trained U-Net: builds the model's input channels for a batch of signals, runs one forward pass
/// (no gradients, every tensor freed by a dispose scope), normalises each output to unit sum, and computes each
/// reconstruction's data misfit: the map is scaled by the least-squares amplitude that best fits the signal and
/// ||K1 (c F) K2^T - S|| is evaluated in compressed form. Results come back in input order.
/// </summary>
public static class UnetInversion
{
    /// <summary>
    /// Throws when the model cannot read the signal as it is: ModelGridMismatch when it was not trained for the signal's
    /// kernels and grids (a model of one grid needs that grid exactly), AcquisitionOutsideFamily when a model of a family
    /// of acquisition grids gets a grid outside the family.
    /// </summary>
    public static void CheckSignal(LoadedModel model, Signal2D signal)
    {
        if (signal.Dimensions != 2)
            throw new NmrInputException("ModelGridMismatch", $"The U-Net inverts 2D signals; '{signal.Name}' is a 1D {signal.Experiment} signal.", InputProblem.Data);
        signal.ForInversion(out _); // SignalAllZero
        // A family model reconstructs on its own relaxation grid whatever grid the signal names; only the kernels must match,
        // up to an inversion efficiency (ReadsKernels).
        string? why = model.Family is null ? model.Grid.Mismatch(signal)
            : !ReadsKernels(model, signal.Kernels) ? $"the model was trained for {model.Grid.Kernels} but the signal is {signal.Kernels}" : null;
        if (why is not null)
            throw new NmrInputException("ModelGridMismatch",
                $"Model '{model.Name}' cannot invert signal '{signal.Name}': {why}. Use a model trained for this grid (Start-NmrTraining) or pass -Resample to interpolate the signal onto the model's acquisition grid.", InputProblem.Data);
        if (model.Family?.Mismatch(signal.Axis1, signal.Axis2) is { } outside)
            throw new NmrInputException("AcquisitionOutsideFamily",
                $"Model '{model.Name}' cannot invert signal '{signal.Name}': {outside}. The model card lists the acquisition grids it was trained on; -Resample onto its reference grid ({model.Grid.Acquisition1}; {model.Grid.Acquisition2}) if that grid can see the distribution range, or train a model for this grid.", InputProblem.Data);
    }

    /// <summary>The kernels' SVDs on which the network reads a signal: the model's own grid, or (a family model) the signal's kernels and acquisition grid onto the model's relaxation grid, cached.</summary>
    private static (KernelSvd, KernelSvd) SvdsFor(LoadedModel model, Signal2D signal) => model.Family is null
        ? (model.Grid.Svd1, model.Grid.Svd2)
        : (KernelSvdCache.Shared.Get(signal.Kernels, 1, signal.Axis1, model.Grid.Relaxation1),
           KernelSvdCache.Shared.Get(signal.Kernels, 2, signal.Axis2, model.Grid.Relaxation2));

    /// <summary>
    /// The model's kernels, or (a family model) the same kernels with another inversion efficiency: a family model computes
    /// its inputs through the signal's own kernels (<see cref="SvdsFor"/>), so 1 - (1 + kappa) exp(-t/T1) changes the
    /// filtered estimates it reads, not their kind (measured with the shipped model on presets A-H, Spinsolve grid, SNR 200:
    /// median 2D chi 0.095 at kappa 1, 0.097 at 0.75, 0.110 at 0.3).
    /// </summary>
    private static bool ReadsKernels(LoadedModel model, KernelPair kernels) =>
        kernels == model.Grid.Kernels || (model.Family is not null && kernels.WithInversionEfficiency(model.Grid.Kernels.InversionEfficiency) == model.Grid.Kernels);

    /// <summary>
    /// How a signal reaches the network: as it is (its grid is the model's), by a translation on log axes
    /// (<see cref="GridTranslation"/>: same point count and log spacing, kernels of the same shape; no interpolation), or,
    /// when <paramref name="resample"/> is set, interpolated onto the model's acquisition axes with
    /// <see cref="SignalResampler"/> (same kernels; the measured range must cover the model's). Throws ModelGridMismatch
    /// (naming -Resample) when none applies, ResampleRangeNotCovered when the measured range is too short.
    /// </summary>
    public static UnetInput Prepare(LoadedModel model, Signal2D signal, bool resample = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(signal);
        if (signal.Dimensions != 2)
            throw new NmrInputException("ModelGridMismatch", $"The U-Net inverts 2D signals; '{signal.Name}' is a 1D {signal.Experiment} signal.", InputProblem.Data);
        if (model.Grid.Mismatch(signal) is null) return new UnetInput(signal, signal, null, false);
        if (model.Family is not null && ReadsKernels(model, signal.Kernels) && model.Family.Mismatch(signal.Axis1, signal.Axis2) is null)
        {
            CheckGridHonoured(model, signal);
            return new UnetInput(signal, signal, null, false, OwnGrid: true);
        }
        var translation = GridTranslation.Find(model.Grid, signal, out string? noTranslation);
        if (translation is not null) return new UnetInput(signal, translation.OnModelGrid, translation, false);
        if (resample)
        {
            if (signal.Kernels != model.Grid.Kernels)
                throw new NmrInputException("ModelGridMismatch",
                    $"Model '{model.Name}' cannot invert signal '{signal.Name}': the model was trained for {model.Grid.Kernels} but the signal is {signal.Kernels}; resampling cannot change the kernels ({noTranslation}).", InputProblem.Data);
            CheckGridHonoured(model, signal);
            var moved = SignalResampler.Resample(signal, model.Grid.Acquisition1, model.Grid.Acquisition2);
            var onGrid = new Signal2D(moved.Values, moved.Axis1, moved.Axis2, moved.Kernels, model.Grid.Relaxation1, model.Grid.Relaxation2,
                moved.NoiseSigma, moved.Snr, null, moved.Name, moved.Seed, moved.Provenance);
            return new UnetInput(signal, onGrid, null, true);
        }
        CheckSignal(model, signal);
        return new UnetInput(signal, signal, null, false);
    }

    /// <summary>
    /// A route that reconstructs on the model's own relaxation grid honours a signal whose grid is that one, or the one
    /// its acquisition resolves (no grid was asked for: the result then says where the two ranges differ, NetworkRange);
    /// a signal that asks for another grid (given, or its truth's) is refused with RelaxationGridNotHonoured rather than
    /// answered on a grid it did not ask for.
    /// </summary>
    private static void CheckGridHonoured(LoadedModel model, Signal2D signal)
    {
        if (signal.RelaxationAxis1.Equals(model.Grid.Relaxation1) && signal.RelaxationAxis2.Equals(model.Grid.Relaxation2)) return;
        if (signal.RelaxationAxesFromAcquisition) return;
        throw new NmrInputException("RelaxationGridNotHonoured",
            $"Model '{model.Name}' reconstructs on its own grid ({model.Grid.Relaxation1}; {model.Grid.Relaxation2}), but signal '{signal.Name}' asks for {signal.RelaxationAxis1}; {signal.RelaxationAxis2}. Invert it onto that grid with Invoke-NmrTikhonov or Invoke-NmrMtgv, or pass the signal without a grid of its own.", InputProblem.Data);
    }

    /// <summary>Inverts signals in one batch: each must be on the model's grid or reach it by a translation (see <see cref="Prepare"/>).</summary>
    public static IReadOnlyList<UnetResult> Invert(LoadedModel model, IReadOnlyList<Signal2D> signals) =>
        Invert(model, signals.Select(s => Prepare(model, s)).ToArray());

    /// <summary>
    /// Inverts prepared signals in one batch. The network reads <see cref="UnetInput.Network"/>; the result keeps the
    /// original signal, its map is on the model's relaxation grid (relabelled with the signal's axes for a translation),
    /// and its residual and misfit are computed against the original measured signal on its own acquisition grid.
    /// </summary>
    public static IReadOnlyList<UnetResult> Invert(LoadedModel model, IReadOnlyList<UnetInput> inputs)
    {
        if (inputs.Count == 0) return Array.Empty<UnetResult>();
        foreach (var s in inputs) CheckSignal(model, s.Network);
        var clock = Stopwatch.StartNew();
        var spec = model.Inputs;
        var (n1, n2) = model.Grid.MapSize;
        int inLen = NetworkInputs.Length(spec, model.Grid), plane = n1 * n2, count = inputs.Count;
        var x = new float[count * inLen];
        var svds = new (KernelSvd, KernelSvd)[count];
        var snrs = new double[count];
        ForEachSignal(count, b =>
        {
            svds[b] = SvdsFor(model, inputs[b].Network);
            var values = inputs[b].Network.Values;
            double sigmaHat = NetworkInputs.Fill(values, svds[b].Item1, svds[b].Item2, spec, x.AsSpan(b * inLen, inLen));
            snrs[b] = EffectiveSnr(sigmaHat, values.GetLength(0), values.GetLength(1));
        });
        // The gate: signals at or above the card's SNR go to the high-SNR network (NaN, paper inputs, never: such cards are refused).
        var high = model.HighSnrNetwork is null ? new bool[count] : snrs.Select(v => v >= model.GateSnr!.Value).ToArray();

        var y = new float[count * plane];
        lock (model.Gate)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var device = new Device(model.Device);
            foreach (var (network, useHigh) in new[] { (model.Network, false), (model.HighSnrNetwork, true) })
            {
                var rows = Enumerable.Range(0, count).Where(b => high[b] == useHigh).ToArray();
                if (network is null || rows.Length == 0) continue;
                var part = x;
                if (rows.Length < count)
                {
                    part = new float[rows.Length * inLen];
                    for (int r = 0; r < rows.Length; r++) Array.Copy(x, rows[r] * inLen, part, r * inLen, inLen);
                }
                var output = network.call(tensor(part, new long[] { rows.Length, spec.ChannelCount, n1, n2 }).to(device));
                var maps = output.cpu().data<float>().ToArray();
                for (int r = 0; r < rows.Length; r++) Array.Copy(maps, r * plane, y, rows[r] * plane, plane);
            }
        }

        for (int k = 0; k < y.Length; k++)
            if (!float.IsFinite(y[k]))
                throw new NmrInputException("ModelOutputNotFinite",
                    $"Model '{model.Name}' returned a non-finite map (NaN or infinite) for signal '{inputs[k / plane].Original.Name}': its weights ({model.WeightsPath}) are damaged or diverged. Use another model.", InputProblem.Data);

        var results = new UnetResult[count];
        ForEachSignal(count, b =>
        {
            var item = inputs[b];
            var signal = item.Original;
            var map = new double[n1, n2];
            for (int i = 0; i < n1; i++)
                for (int j = 0; j < n2; j++)
                    map[i, j] = Math.Max(0, y[b * plane + i * n2 + j]);
            var distribution = new Distribution2D(map, model.Grid.Relaxation1, model.Grid.Relaxation2, "U-Net");
            if (item.Translation is { } t) distribution = t.ToSignalAxes(distribution);
            CompressedProblem problem = ReferenceEquals(item.Network, signal)
                ? new CompressedProblem(signal.Values, svds[b].Item1, svds[b].Item2)
                : new CompressedProblem(signal.Values,
                    KernelSvdCache.Shared.Get(signal.Kernels, 1, signal.Axis1, distribution.Axis1),
                    KernelSvdCache.Shared.Get(signal.Kernels, 2, signal.Axis2, distribution.Axis2));
            var (residual, amplitude) = FitResidual(problem, distribution.Values);
            double? noise = signal.NoiseSigma ?? (double.IsNaN(problem.NoiseEstimate) ? null : problem.NoiseEstimate);
            results[b] = new UnetResult(distribution, signal, 0, residual, noise, model.Name, model.WeightsPath, amplitude,
                null, snrs[b], high[b]);
        });
        double perSignal = clock.Elapsed.TotalSeconds / count;
        for (int b = 0; b < count; b++)
        {
            results[b] = new UnetResult(results[b].Distribution, results[b].Signal, perSignal, results[b].ResidualNorm, results[b].NoiseLevel,
                results[b].ModelName, results[b].ModelPath, results[b].Amplitude, null, results[b].EstimatedSnr, results[b].HighSnrNetwork);
            Diagnose(results[b]);
        }
        return results;
    }

    /// <summary>Misfit above which a network's result warns (its own maps misfit more than a regularised fit's).</summary>
    public const double MisfitWarning = 3;

    /// <summary>
    /// The checks of every result (<see cref="ResultDiagnostics"/>: edge mass, misfit above <see cref="MisfitWarning"/>),
    /// and NetworkRange when the range the acquisition resolves reaches past the network's grid by more than a factor 2 at
    /// either end of an axis, so that mass there cannot appear in the network's map.
    /// </summary>
    private static void Diagnose(UnetResult result)
    {
        ResultDiagnostics.Check(result, MisfitWarning,
            "The signal may be unlike the network's training data (grid, SNR, shape of the distribution); compare with Invoke-NmrTikhonov, or use -DataConsistency.");
        var signal = result.Signal;
        if (signal.Truth is not null) return;
        var (r1, r2) = ResolvableRange.For(signal.Kernels, signal.Axis1, signal.Axis2);
        var map = result.Distribution;
        // A result keeps one warning per id: both axes, where both reach past the network's, are said in one NetworkRange.
        var ranges = new List<string>();
        foreach (var (resolvable, network) in new[] { (r1, map.Axis1), (r2, map.Axis2) })
        {
            if (resolvable.Minimum * 2 < network.Minimum || resolvable.Maximum > 2 * network.Maximum)
                ranges.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{resolvable.Name} from {resolvable.Minimum:G3} to {resolvable.Maximum:G3} {resolvable.Unit} (the network: {network.Minimum:G3} to {network.Maximum:G3} {network.Unit})"));
        }
        if (ranges.Count > 0)
            result.AddWarning(new NmrWarning("NetworkRange",
                $"This acquisition resolves {string.Join(" and ", ranges)}: mass outside the network's range cannot appear in its map. Compare with Invoke-NmrTikhonov, which inverts onto the acquisition's range."));
    }

    /// <summary>Runs <paramref name="body"/> for every signal of a batch in parallel; the first failure is rethrown as itself, not as an AggregateException.</summary>
    private static void ForEachSignal(int count, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(count, Environment.ProcessorCount) }, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }

    /// <summary>
    /// The SNR (max |S| / noise sigma) a network reads from a signal of m1 x m2 points whose estimated relative noise
    /// level is <paramref name="sigmaHat"/>: that of a 64 x 64 signal carrying the same information,
    /// 1 / (sigma_hat sqrt(4096 / (m1 m2))), as the recipe's noise channel encodes it. NaN when sigma_hat is NaN.
    /// </summary>
    public static double EffectiveSnr(double sigmaHat, int m1, int m2) =>
        1.0 / (sigmaHat * Math.Sqrt(InputSpec.ReferencePoints / ((double)m1 * m2)));

    /// <summary>
    /// Data consistency after the network: non-negative Tikhonov pulled towards the network's map P = c F_net (c its
    /// least-squares amplitude) instead of towards zero, with chi-shaped weights,
    ///   min_{F &gt;= 0} ||K1 F K2^T - S||^2 + alpha sum (F - P)^2 / max(P, 1e-4 sum P) (times max P),
    /// alpha by GCV (<see cref="Regularization.NonNegativeTikhonov.Prior"/>). The data move mass within the network's support and set
    /// what they determine; what they cannot see (the kernels' null space) stays as the network drew it, and cells where
    /// the network put nothing stay nearly empty. Returns the refined result (method "U-Net+DC") on the network map's
    /// grid with its misfit, and the Tikhonov result of the step (alpha, GCV curve).
    /// </summary>
    public static (UnetResult Result, TikhonovResult Step) Refine(UnetResult network, TikhonovOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.DataConsistencyAlpha is not null)
            throw new NmrInputException("AlreadyRefined", $"The U-Net result for '{network.Name}' has been refined already (alpha {network.DataConsistencyAlpha:G3}).");
        var map = network.Distribution;
        var s = network.Signal;
        var onMapGrid = new Signal2D(s.Values, s.Axis1, s.Axis2, s.Kernels, map.Axis1, map.Axis2, s.NoiseSigma, s.Snr, null, s.Name, s.Seed, s.Provenance);
        var (n1, n2) = (map.Axis1.Count, map.Axis2.Count);
        var prior = new double[n1, n2];
        double c = network.Amplitude;
        if (!(c > 0))
            throw new NmrInputException("DataConsistencyImpossible", $"The network's map for '{network.Name}' does not correlate with the signal (least-squares amplitude {c:G3}); there is no prior to refine.", InputProblem.Data);
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++) prior[i, j] = c * map.Values[i, j];
        var clock = Stopwatch.StartNew();
        var step = TikhonovInversion.Invert(onMapGrid, (options ?? new TikhonovOptions()) with { Prior = prior }, KernelSvdCache.Shared, cancellation);
        var refined = new Distribution2D(step.Distribution.Values, map.Axis1, map.Axis2, UnetResult.DataConsistencyMethod);
        var (residual, amplitude) = FitResidual(new CompressedProblem(onMapGrid, KernelSvdCache.Shared), refined.Values);
        var result = new UnetResult(refined, s, network.Seconds + clock.Elapsed.TotalSeconds, residual, network.NoiseLevel,
            network.ModelName, network.ModelPath, amplitude, step.Alpha, network.EstimatedSnr, network.HighSnrNetwork);
        Diagnose(result);
        return (result, step);
    }

    /// <summary>
    /// ||K1 (c F) K2^T - S|| with c = max(0, argmin_c ||c K1 F K2^T - S||) = max(0, &lt;P, C&gt; / &lt;P, P&gt;), P = Sigma .* V1^T F V2,
    /// computed in compressed form; returns the residual and c.
    /// </summary>
    public static (double Residual, double Amplitude) FitResidual(CompressedProblem problem, double[,] map)
    {
        var p = problem.Project(map);
        double pc = 0, pp = 0;
        for (int i = 0; i < problem.Rank1; i++)
            for (int j = 0; j < problem.Rank2; j++)
            {
                double v = problem.Sigma[i, j] * p[i, j];
                pc += v * problem.C[i, j];
                pp += v * v;
            }
        double c = pp > 0 ? Math.Max(0, pc / pp) : 0;
        double s = problem.OutsideNormSquared;
        for (int i = 0; i < problem.Rank1; i++)
            for (int j = 0; j < problem.Rank2; j++)
            {
                double d = c * problem.Sigma[i, j] * p[i, j] - problem.C[i, j];
                s += d * d;
            }
        return (Math.Sqrt(Math.Max(0, s)), c);
    }
}
