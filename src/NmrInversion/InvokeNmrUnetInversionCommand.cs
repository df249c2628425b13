using System.Globalization;
using System.Management.Automation;
using NmrInversion.Engine;
using NmrInversion.Engine.Network;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Inverts 2D NMR signals with a trained U-Net (the shipped model in pretrained/, or -ModelPath).</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "NmrUnetInversion")]
[OutputType(typeof(UnetResult))]
public sealed class InvokeNmrUnetInversionCommand : NmrCmdlet
{

    /// <summary>The signal(s) to invert: on the model's grid, on a grid that is a translation of it on log axes (used automatically), or on any grid with -Resample.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Signal2D? Signal { get; set; }

    /// <summary>The model: its weights file NAME.pt, its card NAME.json, or a folder holding model.json. Default: pretrained/model.json of the module.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelPathCompleter))]
    public string? ModelPath { get; set; }

    /// <summary>Signals per forward pass; results are written when a batch is full and at the end, in input order.</summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int BatchSize { get; set; } = 64;

    /// <summary>
    /// Interpolate signals whose acquisition axes differ from the model's onto the model's acquisition grid (natural cubic
    /// spline in log-time, only inside the measured range; ResampleRangeNotCovered otherwise). The result keeps the
    /// original signal; its misfit is computed against the original measurement.
    /// </summary>
    [Parameter]
    public SwitchParameter Resample { get; set; }

    /// <summary>
    /// After the network, a data-consistency step: non-negative Tikhonov pulled towards the network's map (weighted like
    /// the chi metric, so mass stays within the network's support), alpha by GCV. The data set what they determine, the
    /// network the rest. Results have Method "U-Net+DC" and their DataConsistencyAlpha. Costs about a second per 64 x 64
    /// signal (a Tikhonov search) instead of milliseconds.
    /// </summary>
    [Parameter]
    public SwitchParameter DataConsistency { get; set; }

    /// <summary>cpu, cuda or auto.</summary>
    [Parameter]
    [ValidateSet("cpu", "cuda", "auto")]
    public string Device { get; set; } = "cpu";

    private LoadedModel? _model;
    private readonly List<UnetInput> _pending = new();

    protected override void BeginProcessing()
    {
        string path = ModelPath is null ? DefaultModelPath() : GetUnresolvedProviderPathFromPSPath(ModelPath);
        int before = ModelCache.LoadCount;
        Run(() => _model = ModelCache.Get(path, Device), path);
        var m = _model!;
        WriteVerbose(ModelCache.LoadCount > before
            ? string.Create(CultureInfo.InvariantCulture, $"Loaded model '{m.Name}' from {m.WeightsPath} in {m.LoadSeconds:F2} s ({m.Inputs}; {m.Card.Training.Samples} training samples{(m.Family is { } f ? $"; acquisition grids: {f}" : "")}).")
            : $"Using model '{m.Name}' from {m.WeightsPath}, loaded at {m.LoadedAt:T} (cached).");
        WriteVerbose($"Device {Device}, {TorchRuntime.Describe().Threads} torch threads, batches of {BatchSize}.");
    }

    protected override void ProcessRecord()
    {
        var signal = Signal!;
        UnetInput? input = null;
        // Every check of the signal happens here, so that one bad signal is an error of its own and never stops a batch.
        RunForItem(() =>
        {
            var prepared = UnetInversion.Prepare(_model!, signal, Resample);
            UnetInversion.CheckSignal(_model!, prepared.Network);
            input = prepared;
        }, signal);
        if (input is null) return;
        if (input.Translation is not null || input.Resampled || input.OwnGrid)
            WriteVerbose($"Signal '{signal.Name}' {input.Route}.");
        _pending.Add(input);
        if (_pending.Count >= BatchSize) Flush();
    }

    protected override void EndProcessing()
    {
        Flush();
        _progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(_progress);
    }

    private readonly ProgressRecord _progress = new(3, "Invoke-NmrUnetInversion", "Inverting");
    private int _inverted;

    private void Flush()
    {
        if (_pending.Count == 0 || Stopping) return;
        IReadOnlyList<UnetResult> results = Array.Empty<UnetResult>();
        _progress.StatusDescription = $"Batch of {_pending.Count} signal(s); {_inverted} inverted so far";
        WriteProgress(_progress);
        try
        {
            results = UnetInversion.Invert(_model!, _pending);
        }
        catch (Exception e) when (e is not RuntimeException and not OperationCanceledException)
        {
            // A failure of the batch: invert its signals one by one, so that it becomes an error of the signal that caused it.
            WriteVerbose($"The batch of {_pending.Count} failed ({e.Message}); inverting its signals one by one.");
            var single = new List<UnetResult>();
            foreach (var p in _pending)
            {
                if (Stopping) return;
                RunForItem(() => single.AddRange(UnetInversion.Invert(_model!, new[] { p })), p.Original);
            }
            results = single;
        }
        _inverted += _pending.Count;
        _pending.Clear();
        foreach (var r in results)
        {
            var output = r;
            if (DataConsistency)
            {
                if (Stopping) return;
                _progress.StatusDescription = $"Data consistency for '{r.Name}'";
                WriteProgress(_progress);
                UnetResult? refined = null;
                RunForItem(() => refined = UnetInversion.Refine(r, null, _cancel.Token).Result, r.Signal);
                if (refined is null) continue;
                WriteVerbose(string.Create(CultureInfo.InvariantCulture,
                    $"Data consistency for '{r.Name}': alpha {refined.DataConsistencyAlpha:G3} (GCV), misfit {r.Misfit:G3} -> {refined.Misfit:G3}."));
                output = refined;
            }
            WriteWarnings(output.Warnings, output.Name);
            WriteObject(output);
        }
    }

    private readonly CancellationTokenSource _cancel = new();

    protected override void StopProcessing() => _cancel.Cancel();

    /// <summary>pretrained/model.json beside the module: the manifest is at the repository root and the binaries in module/bin.</summary>
    private string DefaultModelPath()
    {
        string? dir = Path.GetDirectoryName(typeof(InvokeNmrUnetInversionCommand).Assembly.Location);
        var tried = new List<string>();
        for (int up = 0; dir is not null && up < 4; up++, dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, "pretrained", "model.json");
            tried.Add(candidate);
            if (File.Exists(candidate)) return candidate;
        }
        ThrowTerminatingError(new ErrorRecord(
            new NmrInputException("PretrainedModelMissing",
                $"No pretrained U-Net is installed (looked for {string.Join(", ", tried)}). Train one with Start-NmrTraining and pass its model with -ModelPath, or place it as pretrained/model.pt + model.json.",
                InputProblem.NotFound),
            "PretrainedModelMissing", ErrorCategory.ObjectNotFound, null));
        return "";
    }
}
