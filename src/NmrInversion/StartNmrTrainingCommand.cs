using System.Globalization;
using System.Management.Automation;
using NmrInversion.Engine;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Network;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Trains a U-Net on simulated signals, with checkpoints, resume, a CSV log and a model card.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "NmrTraining", DefaultParameterSetName = "New")]
[OutputType(typeof(TrainingRun))]
public sealed class StartNmrTrainingCommand : NmrCmdlet
{
    /// <summary>Folder of the run: checkpoints, training-log.csv, and the model NAME.pt + NAME.json.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string RunDirectory { get; set; } = "";

    /// <summary>Continue the run in -RunDirectory from its checkpoint, with its own settings (only limits, checkpoint interval and device may be given).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Resume")]
    public SwitchParameter Resume { get; set; }

    /// <summary>Input configuration: Recipe (physics-informed channels, chi loss; default) or Paper (scaled signal, MSE).</summary>
    [Parameter(ParameterSetName = "New")]
    public InputConfiguration Inputs { get; set; } = InputConfiguration.Recipe;

    /// <summary>Recipe only: add the scaled signal as an input channel (ties the model to signal grids the size of the map).</summary>
    [Parameter(ParameterSetName = "New")]
    public SwitchParameter IncludeSignalChannel { get; set; }

    /// <summary>
    /// Train on a random acquisition grid per batch from the experiment's family of instrument grids (T1-T2 only), so the
    /// model inverts signals of any grid in that family without resampling. Needs the recipe inputs without the signal channel.
    /// </summary>
    [Parameter(ParameterSetName = "New")]
    public SwitchParameter AnyAcquisitionGrid { get; set; }

    /// <summary>
    /// Fraction of training maps drawn as a close pair of peaks (0.2-1.2 decades apart on each axis) instead of the
    /// paper's 1-5 component recipe (default 0). Validation and test sets stay on the paper's recipe.
    /// </summary>
    [Parameter(ParameterSetName = "New")]
    [ValidateRange(0.0, 1.0)]
    public double ClosePairFraction { get; set; }

    /// <summary>
    /// Largest log standard deviation of the close pairs (default 0.25, the recipe's): with 0.1 they are narrow pairs
    /// like the paper's presets A-C. At least 0.025, the recipe's smallest.
    /// </summary>
    [Parameter(ParameterSetName = "New")]
    [ValidateRange(0.025, 0.25)]
    public double ClosePairMaxLogSd { get; set; } = 0.25;

    /// <summary>
    /// Lowest SNR of the close pairs (default: -MinSnr): their SNRs are drawn log-uniform in -ClosePairMinSnr..-MaxSnr,
    /// so that pairs too close to resolve at low SNR do not teach the network to split smooth peaks there.
    /// </summary>
    [Parameter(ParameterSetName = "New")]
    [ValidateRange(1e-3, 1e9)]
    public double ClosePairMinSnr { get; set; }

    /// <summary>
    /// Lowest SNR (max |S| / noise sigma) of the training signals (default 10, the paper's). SNRs are drawn log-uniform
    /// in -MinSnr..-MaxSnr; narrowing the range to the SNRs an instrument gives puts more training there. Validation and
    /// test sets keep the paper's 10..10000.
    /// </summary>
    [Parameter(ParameterSetName = "New")]
    [ValidateRange(1e-3, 1e9)]
    public double MinSnr { get; set; } = 10;

    /// <summary>Highest SNR of the training signals (default 10000, the paper's); at least -MinSnr.</summary>
    [Parameter(ParameterSetName = "New")]
    [ValidateRange(1e-3, 1e9)]
    public double MaxSnr { get; set; } = 1e4;

    /// <summary>Dropout after the U-Net's bridge (0.5: the paper's Matlab U-Net).</summary>
    [Parameter(ParameterSetName = "New")]
    [ValidateRange(0.0, 0.95)]
    public double Dropout { get; set; } = 0.5;

    /// <summary>
    /// Shape of the recipe's chi loss: Chi (batch mean of chi2D + chiT1 + chiT2) or LogChi (batch mean of
    /// log(chi + 0.05): scale-free, so high-SNR samples weigh as much as low-SNR ones).
    /// </summary>
    [Parameter(ParameterSetName = "New")]
    public TrainingLoss Loss { get; set; } = TrainingLoss.Chi;

    /// <summary>
    /// Start from the weights of another model (its NAME.pt or NAME.json) instead of a random initialisation: the same
    /// architecture, or fewer base channels (then widened function-preservingly). Several models of one architecture:
    /// the run starts from the average of their parameters.
    /// </summary>
    [Parameter(ParameterSetName = "New")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelPathCompleter))]
    public string[]? InitialModel { get; set; }

    /// <summary>The experiment to train for (default T1-T2, inversion recovery x CPMG).</summary>
    [Parameter(ParameterSetName = "New")]
    public Experiment Experiment { get; set; } = Experiment.T1T2;

    /// <summary>Points per axis of the experiment's default grids (64: the paper's).</summary>
    [Parameter(ParameterSetName = "New")]
    [ValidateRange(4, 1024)]
    public int GridSize { get; set; } = 64;

    /// <summary>Acquisition axis 1 values (overrides the default grid).</summary>
    [Parameter(ParameterSetName = "New")] public double[]? AcquisitionAxis1 { get; set; }
    /// <summary>Acquisition axis 2 values.</summary>
    [Parameter(ParameterSetName = "New")] public double[]? AcquisitionAxis2 { get; set; }
    /// <summary>Relaxation axis 1 values (the map's first axis).</summary>
    [Parameter(ParameterSetName = "New")] public double[]? RelaxationAxis1 { get; set; }
    /// <summary>Relaxation axis 2 values.</summary>
    [Parameter(ParameterSetName = "New")] public double[]? RelaxationAxis2 { get; set; }

    [Parameter(ParameterSetName = "New")] [ValidateRange(1, 512)] public int BaseChannels { get; set; } = 16;
    [Parameter(ParameterSetName = "New")] [ValidateRange(1, 6)] public int Depth { get; set; } = 4;
    [Parameter(ParameterSetName = "New")] [ValidateRange(1, 100000)] public int BatchSize { get; set; } = 32;
    [Parameter(ParameterSetName = "New")] public double LearningRate { get; set; } = 1e-3;
    [Parameter(ParameterSetName = "New")] public double MinLearningRate { get; set; } = 1e-6;
    /// <summary>Adam's L2 weight decay (default 1e-6 for Recipe, 1e-4 for Paper).</summary>
    [Parameter(ParameterSetName = "New")] public double? WeightDecay { get; set; }
    [Parameter(ParameterSetName = "New")] public int Seed { get; set; } = 1;
    [Parameter(ParameterSetName = "New")] [ValidateRange(1, int.MaxValue)] public int ValidationInterval { get; set; } = 200;
    [Parameter(ParameterSetName = "New")] [ValidateRange(1, 100000)] public int ValidationSize { get; set; } = 256;
    [Parameter(ParameterSetName = "New")] [ValidateRange(0, 100000)] public int TestSize { get; set; } = 512;
    /// <summary>File name (without extension) of the model written into the run folder.</summary>
    [Parameter(ParameterSetName = "New")] public string Name { get; set; } = "model";

    /// <summary>Number of training samples; also the horizon of the cosine learning-rate schedule. With -Resume: a new total.</summary>
    [Parameter] [ValidateRange(1, long.MaxValue)] public long? Samples { get; set; }

    /// <summary>Wall-clock limit of this session (the run can be resumed later).</summary>
    [Parameter] public TimeSpan? Duration { get; set; }

    /// <summary>Save a checkpoint at this interval (default 5 minutes); also saved on Ctrl+C and at the end.</summary>
    [Parameter] public TimeSpan? CheckpointInterval { get; set; }

    /// <summary>cpu, cuda or auto.</summary>
    [Parameter] [ValidateSet("cpu", "cuda", "auto")] public string Device { get; set; } = "cpu";

    /// <summary>libtorch intra-op threads (default: libtorch's choice, the core count).</summary>
    [Parameter] [ValidateRange(1, 256)] public int? Threads { get; set; }

    /// <summary>Simulate the next batch on a background task while the network trains (measured slower on 2 busy cores, so off by default).</summary>
    [Parameter] public SwitchParameter Prefetch { get; set; }

    /// <summary>A model given as NAME.json or NAME (no extension) names its weights NAME.pt; a folder, its model.pt.</summary>
    private static string WeightsPath(string path) =>
        Directory.Exists(path) ? Path.Combine(path, "model.pt")
        : Path.GetExtension(path).Equals(".pt", StringComparison.OrdinalIgnoreCase) ? path : Path.ChangeExtension(path, ".pt");

    private readonly CancellationTokenSource _cancel = new();

    protected override void StopProcessing() => _cancel.Cancel();

    protected override void EndProcessing()
    {
        string dir = GetUnresolvedProviderPathFromPSPath(RunDirectory);
        TrainerOptions options = null!;
        Run(() =>
        {
            TorchRuntime.EnsureLoaded();
            if (Threads is { } t) TorchSharp.torch.set_num_threads(t);
            if (Resume)
            {
                var o = Trainer.OptionsFromCheckpoint(dir);
                options = o with
                {
                    RunDirectory = dir,
                    Samples = Samples ?? o.Samples,
                    Duration = Duration,
                    Device = Device,
                };
            }
            else
            {
                // Null when not given, so that the card records the recipe's default.
                double? pairCap = MyInvocation.BoundParameters.ContainsKey(nameof(ClosePairMaxLogSd)) ? ClosePairMaxLogSd : null;
                double? pairFloor = MyInvocation.BoundParameters.ContainsKey(nameof(ClosePairMinSnr)) ? ClosePairMinSnr : null;
                if (ClosePairFraction == 0 && pairCap is not null)
                    WriteWarning("-ClosePairMaxLogSd caps the widths of close pairs, but -ClosePairFraction is 0: no close pairs are drawn.");
                if (ClosePairFraction == 0 && pairFloor is not null)
                    WriteWarning("-ClosePairMinSnr sets the lowest SNR of close pairs, but -ClosePairFraction is 0: no close pairs are drawn.");
                var kernels = KernelPair.For(Experiment);
                var (d1, d2) = kernels.DefaultAcquisitionAxes(GridSize);
                var (r1, r2) = kernels.DefaultRelaxationAxes(GridSize);
                var grid = new NetworkGrid(kernels,
                    AcquisitionAxis1 is null ? d1 : new AcquisitionAxis(d1.Name, AcquisitionAxis1),
                    AcquisitionAxis2 is null ? d2 : new AcquisitionAxis(d2.Name, AcquisitionAxis2),
                    RelaxationAxis1 is null ? r1 : new RelaxationAxis(r1.Name, RelaxationAxis1),
                    RelaxationAxis2 is null ? r2 : new RelaxationAxis(r2.Name, RelaxationAxis2));
                AcquisitionFamily? family = null;
                if (AnyAcquisitionGrid)
                {
                    if (Experiment != Experiment.T1T2)
                        throw new NmrInputException("AcquisitionFamilyUnavailable", $"-AnyAcquisitionGrid has a family of instrument grids for T1T2 only; got {Experiment}.");
                    if (AcquisitionAxis1 is not null || AcquisitionAxis2 is not null)
                        throw new NmrInputException("AcquisitionFamilyWithAxes", "-AnyAcquisitionGrid draws the acquisition axes itself; omit -AcquisitionAxis1/-AcquisitionAxis2.");
                    family = AcquisitionFamily.T1T2;
                }
                options = new TrainerOptions
                {
                    Grid = grid, RunDirectory = dir, Family = family, Dropout = Dropout,
                    Inputs = Inputs == InputConfiguration.Paper ? InputSpec.Paper : InputSpec.Recipe with { IncludeSignal = IncludeSignalChannel },
                    BaseChannels = BaseChannels, Depth = Depth, BatchSize = BatchSize, LearningRate = LearningRate, MinLearningRate = MinLearningRate,
                    WeightDecay = WeightDecay, Seed = Seed, ValidationInterval = ValidationInterval, ValidationSize = ValidationSize, TestSize = TestSize,
                    Samples = Samples, Duration = Duration, Device = Device, Name = Name, Loss = Loss,
                    Recipe = new TrainingRecipe(MinSnr: MinSnr, MaxSnr: MaxSnr, ClosePairFraction: ClosePairFraction,
                        ClosePairMaxLogSd: pairCap, ClosePairMinSnr: pairFloor),
                    InitialWeights = InitialModel is { Length: > 0 } ? WeightsPath(GetUnresolvedProviderPathFromPSPath(InitialModel[0])) : null,
                    AveragedWeights = InitialModel is { Length: > 1 } ? InitialModel.Skip(1).Select(m => WeightsPath(GetUnresolvedProviderPathFromPSPath(m))).ToArray() : null,
                };
            }
            options = options with { CheckpointInterval = CheckpointInterval ?? options.CheckpointInterval, Prefetch = Prefetch };
            options.Validate();
        }, RunDirectory);

        WriteVerbose(string.Create(CultureInfo.InvariantCulture,
            $"{(Resume ? "Resuming" : "Training")} U-Net: {options.Grid}{(options.Family is { } f ? $" (acquisition grids: {f})" : "")}; dropout {options.Dropout:G3}; inputs {options.Inputs}; {options.BaseChannels} base channels, depth {options.Depth}; batch {options.BatchSize}; lr {options.LearningRate:G3} -> {options.MinLearningRate:G3} (cosine); loss {(options.Inputs.Configuration == InputConfiguration.Paper ? "MSE" : options.Loss.ToString())}{(options.InitialWeights is { } iw ? $" from the weights {iw}{(options.AveragedWeights is { Count: > 0 } aw ? $" averaged with {string.Join(", ", aw)}" : "")}" : "")}; weight decay {options.EffectiveWeightDecay:G3}; maps: {Describe(options.Recipe)}; limits: {options.Samples?.ToString(CultureInfo.InvariantCulture) ?? "-"} samples, {options.Duration?.ToString() ?? "-"}; run folder {dir}"));

        var record = new ProgressRecord(1, "Training U-Net", "starting");
        var lastProgress = DateTime.MinValue;
        TrainingRun? result = null;
        Run(() => result = Trainer.Run(options, Resume, p =>
        {
            if (Stopping) return; // writes from a stopping pipeline throw; the trainer sees the cancellation and checkpoints
            if (p.Event is { } evt && evt.Contains("validation", StringComparison.Ordinal))
                WriteVerbose(string.Create(CultureInfo.InvariantCulture,
                    $"step {p.Step}: {p.Samples} samples, lr {p.LearningRate:G3}, training loss {p.TrainingLoss:G4}, validation loss {p.ValidationLoss:G4}, {p.SamplesPerSecond:F0} samples/s"));
            if (p.Event is { } skipped && skipped.StartsWith(Trainer.SkippedBatchEvent, StringComparison.Ordinal))
                WriteWarning(string.Create(CultureInfo.InvariantCulture, $"step {p.Step}: {Trainer.SkippedBatchEvent} (its weights unchanged; the card counts such batches in Training.SkippedBatches)."));
            if ((DateTime.UtcNow - lastProgress).TotalSeconds < 0.5 && p.Event is null) return;
            lastProgress = DateTime.UtcNow;
            record.StatusDescription = string.Create(CultureInfo.InvariantCulture,
                $"step {p.Step}{(p.HorizonSteps > 0 ? $"/{p.HorizonSteps}" : "")}, {p.Samples} samples, loss {p.TrainingLoss:G4}, validation {(p.ValidationLoss is { } v ? v.ToString("G4", CultureInfo.InvariantCulture) : "-")}, {p.SamplesPerSecond:F0}/s");
            record.CurrentOperation = p.Event ?? "";
            if (p.Remaining is { } r)
            {
                record.SecondsRemaining = (int)Math.Min(int.MaxValue, r.TotalSeconds);
                double total = p.Elapsed.TotalSeconds + r.TotalSeconds;
                record.PercentComplete = total > 0 ? (int)Math.Clamp(100 * p.Elapsed.TotalSeconds / total, 0, 100) : -1;
            }
            WriteProgress(record);
        }, _cancel.Token), RunDirectory);
        record.RecordType = ProgressRecordType.Completed;
        WriteProgress(record);
        if (result is null) return;
        if (!result.Completed)
            WriteWarning($"Training stopped before its sample limit ({result.SamplesSeen} samples); the checkpoint and the model so far are in {result.RunDirectory}. Continue with: Start-NmrTraining '{result.RunDirectory}' -Resume");
        WriteObject(result);
    }

    /// <summary>The training maps and SNRs in a few words, for the verbose stream.</summary>
    private static string Describe(TrainingRecipe r) =>
        FormattableString.Invariant($"{r.MinComponents}-{r.MaxComponents} components of log sd {r.MinLogSd:G3}-{r.MaxLogSd:G3}") +
        (r.ClosePairFraction > 0 ? FormattableString.Invariant($", {100 * r.ClosePairFraction:G3}% close pairs of log sd {r.MinLogSd:G3}-{r.ClosePairMaxLogSd ?? r.MaxLogSd:G3}") : "") +
        (r.ClosePairFraction > 0 && r.ClosePairMinSnr is { } floor ? FormattableString.Invariant($" at SNR {floor:G6}-{r.MaxSnr:G6}") : "") +
        FormattableString.Invariant($", SNR {r.MinSnr:G6}-{r.MaxSnr:G6}");
}
