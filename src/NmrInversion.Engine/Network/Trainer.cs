using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Signals;
using TorchSharp;
using static TorchSharp.torch;

namespace NmrInversion.Engine.Network;

/// <summary>
/// The shape of the recipe's training loss, per sample L = chi2D + chiT1 + chiT2 (paper eq. 7 on unit-sum maps):
/// <see cref="Chi"/> averages L over the batch; <see cref="LogChi"/> averages log(L + 0.05), which weighs each sample by
/// one over its own chi. With Chi, samples at SNR 20 (chi 10-100 times larger than at SNR 2000) dominate the gradient;
/// LogChi is scale-free, so a halving of chi counts the same at every SNR.
/// </summary>
public enum TrainingLoss
{
    Chi,
    LogChi,
}

/// <summary>What to train and for how long. Limits: <see cref="Samples"/> (also the learning-rate horizon) and/or <see cref="Duration"/> (this session's wall clock).</summary>
public sealed record TrainerOptions
{
    public required NetworkGrid Grid { get; init; }
    public required string RunDirectory { get; init; }
    public InputSpec Inputs { get; init; } = InputSpec.Recipe;
    /// <summary>When set, every batch is acquired on a random grid of this family (inputs without the signal channel); <see cref="Grid"/> then only fixes the kernels and the distribution grid.</summary>
    public AcquisitionFamily? Family { get; init; }
    public int BaseChannels { get; init; } = 16;
    public int Depth { get; init; } = 4;
    public double Dropout { get; init; } = 0.5;
    public TrainingRecipe Recipe { get; init; } = new();
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 1e-3;
    public double MinLearningRate { get; init; } = 1e-6;
    /// <summary>L2 weight decay of Adam; null = 1e-6 for the recipe, 1e-4 (Matlab's default) for the paper configuration.</summary>
    public double? WeightDecay { get; init; }
    public long? Samples { get; init; }
    public TimeSpan? Duration { get; init; }
    public int Seed { get; init; } = 1;
    public int ValidationSeed { get; init; } = 1_000_003;
    public int TestSeed { get; init; } = 2_000_003;
    public int ValidationSize { get; init; } = 256;
    public int TestSize { get; init; } = 512;
    /// <summary>Validate every this many steps.</summary>
    public int ValidationInterval { get; init; } = 200;
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Also checkpoint every this many steps (tests, reproducibility checks).</summary>
    public int? CheckpointEverySteps { get; init; }
    public string Device { get; init; } = "cpu";
    /// <summary>Simulate the next batch on a background task while the network trains on the current one (off: on 2 shared cores it measured slower).</summary>
    public bool Prefetch { get; init; }
    public string Name { get; init; } = "model";
    /// <summary>Shape of the recipe's loss (the paper configuration always uses MSE on max-scaled maps).</summary>
    public TrainingLoss Loss { get; init; } = TrainingLoss.Chi;
    /// <summary>Weights (a .pt of a model with the same architecture, or fewer base channels: see <see cref="WideningNoise"/>) to start a new run from instead of a random initialisation.</summary>
    public string? InitialWeights { get; init; }
    /// <summary>
    /// Further weights files of the same architecture as <see cref="InitialWeights"/>: the run starts from the parameter
    /// average of all of them (a "model soup" of runs of one lineage; no normalisation layers to re-estimate).
    /// </summary>
    public IReadOnlyList<string>? AveragedWeights { get; init; }
    /// <summary>
    /// When <see cref="InitialWeights"/> come from a network with fewer base channels (read from the card beside them),
    /// the new network is widened from it (<see cref="UNetWidening"/>) with this symmetry-breaking noise.
    /// </summary>
    public double WideningNoise { get; init; } = 0.01;

    public double EffectiveWeightDecay => WeightDecay ?? (Inputs.Configuration == InputConfiguration.Paper ? 1e-4 : 1e-6);

    public void Validate()
    {
        if (BatchSize < 1) throw new NmrInputException("BatchSizeInvalid", $"The batch size must be >= 1; got {BatchSize}.");
        if (!(LearningRate > 0) || !(MinLearningRate > 0) || MinLearningRate > LearningRate)
            throw new NmrInputException("LearningRateInvalid", $"Learning rates must satisfy 0 < minimum <= initial; got {MinLearningRate}..{LearningRate}.");
        if (!(EffectiveWeightDecay >= 0)) throw new NmrInputException("WeightDecayInvalid", $"Weight decay must be >= 0; got {EffectiveWeightDecay}.");
        if (Samples is null && Duration is null)
            throw new NmrInputException("TrainingLimitMissing", "Give a number of samples (-Samples) or a duration (-Duration); training needs a limit.");
        if (Samples is { } s && s < 1) throw new NmrInputException("SamplesInvalid", $"-Samples must be >= 1; got {s}.");
        if (Duration is { } d && d <= TimeSpan.Zero) throw new NmrInputException("DurationInvalid", $"-Duration must be positive; got {d}.");
        if (ValidationSize < 1 || TestSize < 0) throw new NmrInputException("ValidationSizeInvalid", "The validation set needs at least one sample and the test set zero or more.");
        if (ValidationInterval < 1) throw new NmrInputException("ValidationIntervalInvalid", $"The validation interval must be >= 1 step; got {ValidationInterval}.");
        if (string.IsNullOrWhiteSpace(Name) || Name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new NmrInputException("ModelNameInvalid", $"'{Name}' cannot be a file name.");
        Recipe.Validate();
        NetworkInputs.Check(Inputs, Grid);
        if (Family is not null)
        {
            Family.Validate();
            if (Inputs.NeedsAcquisitionGrid)
                throw new NmrInputException("InputChannelsNeedFixedGrid", $"Training on a family of acquisition grids needs inputs that do not depend on the grid (recipe without the signal channel); got {Inputs}.");
        }
        new UNetArchitecture(Inputs.ChannelCount, BaseChannels, Depth, Dropout).Validate();
        if (Loss != TrainingLoss.Chi && Inputs.Configuration == InputConfiguration.Paper)
            throw new NmrInputException("LossNeedsRecipe", $"The {Loss} loss is a shape of the recipe's chi loss; the paper configuration trains with MSE on max-scaled maps.");
        if (AveragedWeights is { Count: > 0 } && InitialWeights is null)
            throw new NmrInputException("InitialWeightsMissing", "Weights to average with need initial weights to average.");
        foreach (var w in new[] { InitialWeights }.Concat(AveragedWeights ?? Array.Empty<string>()))
            if (w is not null && !File.Exists(w))
                throw new NmrInputException("InitialWeightsMissing", $"The initial weights file {w} does not exist.", InputProblem.NotFound);
    }
}

/// <summary>A progress report of a training run (after a step).</summary>
public sealed record TrainingProgress(long Step, long HorizonSteps, long Samples, double LearningRate, double TrainingLoss, double? ValidationLoss,
    TimeSpan Elapsed, TimeSpan? Remaining, double SamplesPerSecond, string? Event);

/// <summary>What a training session did.</summary>
public sealed class TrainingRun
{
    public string RunDirectory { get; init; } = "";
    public string ModelPath { get; init; } = "";
    public string CardPath { get; init; } = "";
    public long Steps { get; init; }
    public long SamplesSeen { get; init; }
    /// <summary>Samples trained on in this session (resumed runs: since the checkpoint).</summary>
    public long SessionSamples { get; init; }
    /// <summary>Wall-clock seconds of the whole run, sessions summed.</summary>
    public double Seconds { get; init; }
    public double SessionSeconds { get; init; }
    public double SamplesPerSecond { get; init; }
    public double FinalTrainingLoss { get; init; }
    public double FinalValidationLoss { get; init; }
    public double BestValidationLoss { get; init; }
    public bool Completed { get; init; }
    public bool Resumed { get; init; }
    public MetricsCard? Validation { get; init; }
    public MetricsCard? Test { get; init; }
    public ModelCard Card { get; init; } = new();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{SamplesSeen} samples in {Seconds:F0} s, training loss {FinalTrainingLoss:G4}, validation loss {FinalValidationLoss:G4}: {ModelPath}");
}

/// <summary>Position of a run, stored in checkpoint.json with the card so far.</summary>
public sealed class CheckpointState
{
    public long Step { get; set; }
    public long HorizonSteps { get; set; }
    public double ElapsedSeconds { get; set; }
    public double LastTrainingLoss { get; set; } = double.NaN;
    public double LastValidationLoss { get; set; } = double.NaN;
    public double BestValidationLoss { get; set; } = double.PositiveInfinity;
    public int ValidationSeed { get; set; }
    public int TestSeed { get; set; }
    public int ValidationSize { get; set; }
    public int TestSize { get; set; }
    public int ValidationInterval { get; set; }
    /// <summary>Weights file of this checkpoint, beside checkpoint.json (null in runs written before it was recorded: checkpoint.pt).</summary>
    public string? WeightsFile { get; set; }
    /// <summary>Adam state file of this checkpoint (null: checkpoint.optimizer).</summary>
    public string? OptimizerFile { get; set; }
    public ModelCard Card { get; set; } = new();
}

/// <summary>
/// Training stopped because the loss or its gradient stayed non-finite (NaN or infinite) for
/// <see cref="Trainer.MaxConsecutiveSkippedBatches"/> batches in a row: the weights have diverged. Nothing of the diverged
/// state was written; the run folder keeps its last checkpoint.
/// </summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    public TrainingDivergedException(string message) : base(message) { }

    /// <summary>Stable identifier for scripts and tests.</summary>
    public const string ErrorId = "TrainingDiverged";
}

/// <summary>
/// Writing a training checkpoint failed (a full disk, a folder that became read-only); the previous checkpoint, if any,
/// is intact and checkpoint.json still names it, so -Resume continues from it.
/// </summary>
public sealed class CheckpointWriteException : IOException
{
    public CheckpointWriteException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Stable identifier for scripts and tests.</summary>
    public const string ErrorId = "CheckpointWriteFailed";
}

/// <summary>
/// Trains a <see cref="UNet"/> on samples simulated on the fly (<see cref="TrainingData"/>), with Adam and L2 weight decay,
/// the learning rate following a cosine from <see cref="TrainerOptions.LearningRate"/> down to <see cref="TrainerOptions.MinLearningRate"/>
/// over the horizon (the requested samples, or, with only a duration, the samples the first steps' speed predicts),
/// then staying at the minimum. Validation on a fixed set at a fixed step interval; checkpoints (weights, Adam state,
/// step) at a time interval, on cancellation and at the end; a CSV log of the losses. Everything random depends on
/// (seed, step): the batch of step k is samples k*B..k*B+B-1 of the training stream and dropout is reseeded per step,
/// so a resumed run continues bit-for-bit as if it had never stopped (same thread count and device).
/// Files in the run folder: checkpoint.json naming checkpoint-STEP.pt and checkpoint-STEP.optimizer, training-log.csv,
/// NAME.pt + NAME.json. A checkpoint is committed as a unit: its two files are written under new names first, then
/// checkpoint.json is replaced (one rename), then older checkpoint files are deleted; a crash at any point leaves
/// checkpoint.json naming a complete pair.
/// </summary>
public sealed class Trainer
{
    public const string CheckpointWeights = "checkpoint.pt";
    public const string CheckpointOptimizer = "checkpoint.optimizer";
    public const string CheckpointStateFile = "checkpoint.json";
    public const string LogFile = "training-log.csv";
    private const string LogHeader = "step,samples,seconds,learning_rate,training_loss,validation_loss,validation_chi2d,validation_chi_t1,validation_chi_t2";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() }, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The learning rate at a step: cosine from lr0 to lrMin over the horizon, lrMin after it.</summary>
    public static double LearningRateAt(long step, long horizon, double lr0, double lrMin)
    {
        if (horizon <= 0) return lr0;
        double t = Math.Min(1.0, (double)step / horizon);
        return lrMin + 0.5 * (lr0 - lrMin) * (1 + Math.Cos(Math.PI * t));
    }

    /// <summary>Reads the options of the run in <paramref name="runDirectory"/> from its checkpoint (for -Resume).</summary>
    public static TrainerOptions OptionsFromCheckpoint(string runDirectory) => OptionsFrom(ReadState(runDirectory), runDirectory);

    private static TrainerOptions OptionsFrom(CheckpointState state, string runDirectory)
    {
        var card = state.Card;
        var t = card.Training;
        return new TrainerOptions
        {
            Grid = card.ToGrid(),
            RunDirectory = runDirectory,
            Inputs = card.ToInputSpec(),
            Family = card.AcquisitionFamily,
            BaseChannels = card.Architecture.BaseChannels,
            Depth = card.Architecture.Depth,
            Dropout = card.Architecture.Dropout,
            Recipe = t.Recipe,
            BatchSize = t.BatchSize,
            LearningRate = t.LearningRate,
            MinLearningRate = t.MinLearningRate,
            WeightDecay = t.WeightDecay,
            Seed = t.Seed,
            ValidationSeed = state.ValidationSeed,
            TestSeed = state.TestSeed,
            ValidationSize = state.ValidationSize,
            TestSize = state.TestSize,
            ValidationInterval = state.ValidationInterval,
            Samples = t.HorizonSteps > 0 ? t.HorizonSteps * t.BatchSize : null,
            Device = t.Device,
            Name = card.Name,
            Loss = t.Loss,
        };
    }

    public static bool HasCheckpoint(string runDirectory) => File.Exists(Path.Combine(runDirectory, CheckpointStateFile));

    private static CheckpointState ReadState(string runDirectory)
    {
        string path = Path.Combine(runDirectory, CheckpointStateFile);
        if (!File.Exists(path))
            throw new NmrInputException("CheckpointMissing", $"No training checkpoint in {runDirectory} ({CheckpointStateFile} not found): not the run folder of a Start-NmrTraining run.", InputProblem.NotFound);
        try
        {
            return JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(path), Json)
                   ?? throw new NmrInputException("CheckpointInvalid", $"{path} is empty.", InputProblem.Data);
        }
        catch (JsonException e)
        {
            throw new NmrInputException("CheckpointInvalid", $"{path} is not a valid checkpoint: {e.Message}", InputProblem.Data);
        }
    }

    /// <summary>
    /// Trains until the sample limit, the duration or cancellation; then writes the model and its card.
    /// <paramref name="resume"/>: continue from the run folder's checkpoint (the options must describe the same run).
    /// <paramref name="progress"/> is called on the calling thread.
    /// </summary>
    public static TrainingRun Run(TrainerOptions options, bool resume = false, Action<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        options.Validate();
        TorchRuntime.EnsureLoaded();
        var deviceType = TorchRuntime.ResolveDevice(options.Device);
        var device = new Device(deviceType);
        string dir = Path.GetFullPath(options.RunDirectory);
        Directory.CreateDirectory(dir);
        using var runLock = RunDirectoryLock.Acquire(dir);

        var arch = new UNetArchitecture(options.Inputs.ChannelCount, options.BaseChannels, options.Depth, options.Dropout);
        var data = new TrainingData(options.Grid, options.Inputs, options.Recipe, options.Family);
        // Validation and test sets follow the paper's recipe (no close pairs, SNR 10..1e4), so that their losses compare across runs.
        var heldOut = options.Recipe.HeldOut() != options.Recipe
            ? new TrainingData(options.Grid, options.Inputs, options.Recipe.HeldOut(), options.Family)
            : data;
        int batch = options.BatchSize;
        var cfg = options.Inputs.Configuration;

        CheckpointState? state = null;
        if (resume)
        {
            state = ReadState(dir);
            CheckSameRun(state, options, arch);
        }
        else if (HasCheckpoint(dir))
        {
            throw new NmrInputException("RunDirectoryInUse", $"{dir} already holds a training run (checkpoint.json). Use -Resume to continue it or choose another folder.");
        }

        torch.manual_seed(options.Seed);
        using var model = new UNet(arch);
        model.to(device);
        var optimizer = torch.optim.Adam(model.parameters(), options.LearningRate, weight_decay: options.EffectiveWeightDecay);
        long step = 0;
        long horizon = options.Samples is { } samples ? (samples + batch - 1) / batch : 0;
        double priorSeconds = 0, lastVal = double.NaN, bestVal = double.PositiveInfinity, lastTrain = double.NaN;
        string? initialSha = state?.Card.Training.InitialWeightsSha256;
        string? initialName = state?.Card.Training.InitialWeights;
        int? widenedFrom = state?.Card.Training.WidenedFromBaseChannels;
        List<InitialWeightsCard>? averagedWith = state?.Card.Training.AveragedWith;
        long skippedBatches = state?.Card.Training.SkippedBatches ?? 0;
        int consecutiveSkipped = 0;
        if (state is not null)
        {
            string weightsFile = Path.Combine(dir, state.WeightsFile ?? CheckpointWeights);
            string optimizerFile = Path.Combine(dir, state.OptimizerFile ?? CheckpointOptimizer);
            foreach (var f in new[] { weightsFile, optimizerFile })
                if (!File.Exists(f))
                    throw new NmrInputException("CheckpointInvalid", $"The checkpoint in {dir} names {Path.GetFileName(f)}, which does not exist.", InputProblem.NotFound);
            try
            {
                model.load(weightsFile);
                model.to(device);
                optimizer.load_state_dict(optimizerFile);
            }
            catch (Exception e) when (e is not OperationCanceledException and not NmrInputException)
            {
                throw new NmrInputException("CheckpointInvalid",
                    $"The checkpoint in {dir} ({Path.GetFileName(weightsFile)}, {Path.GetFileName(optimizerFile)}) does not load into the run's {arch.BaseChannels}-channel, depth-{arch.Depth} U-Net and its optimizer: {e.Message} The files are truncated or damaged; train again in a new folder.", InputProblem.Data);
            }
            step = state.Step;
            horizon = options.Samples is { } s2 ? (s2 + batch - 1) / batch : state.HorizonSteps;
            priorSeconds = state.ElapsedSeconds;
            lastVal = state.LastValidationLoss;
            bestVal = state.BestValidationLoss;
            lastTrain = state.LastTrainingLoss;
            TrimLog(Path.Combine(dir, LogFile), step);
        }
        else
        {
            if (options.InitialWeights is { } init)
            {
                var sources = new[] { init }.Concat(options.AveragedWeights ?? Array.Empty<string>()).ToArray();
                widenedFrom = LoadInitialWeights(model, arch, sources, options.WideningNoise);
                model.to(device);
                initialSha = ModelCard.Sha256Of(init);
                initialName = Path.GetFileName(init);
                averagedWith = sources.Skip(1).Select(f => new InitialWeightsCard { File = Path.GetFileName(f), Sha256 = ModelCard.Sha256Of(f) }).ToList();
                if (averagedWith.Count == 0) averagedWith = null;
            }
            AtomicFile.WriteAllText(Path.Combine(dir, LogFile), LogHeader + "\n");
        }

        var validation = heldOut.Make(options.ValidationSeed, 0, options.ValidationSize);
        long stepLimit = options.Samples is { } lim ? (lim + batch - 1) / batch : long.MaxValue;
        long startStep = step;
        var clock = Stopwatch.StartNew();
        var lastCheckpoint = clock.Elapsed;
        double intervalLossSum = 0;
        int intervalCount = 0;
        bool cancelled = false;
        int dropoutSeedBase = NoiseModel.DeriveSeed(options.Seed, -1);

        Task<TrainingBatch>? next = null;
        TrainingBatch MakeBatch(long k) => data.Make(options.Seed, k * batch, batch);
        void StartNext(long k) { next = options.Prefetch ? Task.Run(() => MakeBatch(k)) : null; }

        ModelCard CardSoFar(bool completed) => BuildCard(options, arch, model, step, horizon, priorSeconds + clock.Elapsed.TotalSeconds, lastTrain, lastVal, bestVal, completed, initialName, initialSha, widenedFrom, averagedWith, skippedBatches);

        string? committedWeights = state?.WeightsFile, committedOptimizer = state?.OptimizerFile;
        void SaveCheckpoint()
        {
            string weightsName = string.Create(CultureInfo.InvariantCulture, $"checkpoint-{step}.pt");
            string optimizerName = string.Create(CultureInfo.InvariantCulture, $"checkpoint-{step}.optimizer");
            try
            {
                AtomicFile.Write(Path.Combine(dir, weightsName), p => model.save(p));
                AtomicFile.Write(Path.Combine(dir, optimizerName), p => optimizer.save_state_dict(p));
                var st = new CheckpointState
                {
                    WeightsFile = weightsName, OptimizerFile = optimizerName,
                    Step = step, HorizonSteps = horizon, ElapsedSeconds = priorSeconds + clock.Elapsed.TotalSeconds,
                    LastTrainingLoss = lastTrain, LastValidationLoss = lastVal, BestValidationLoss = bestVal,
                    ValidationSeed = options.ValidationSeed, TestSeed = options.TestSeed, ValidationSize = options.ValidationSize,
                    TestSize = options.TestSize, ValidationInterval = options.ValidationInterval, Card = CardSoFar(false),
                };
                AtomicFile.WriteAllText(Path.Combine(dir, CheckpointStateFile), JsonSerializer.Serialize(st, Json));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Not committed: checkpoint.json still names the previous pair. Remove what this attempt wrote (a full disk
                // would otherwise fill up with orphans), but never the committed files.
                foreach (var name in new[] { weightsName, optimizerName })
                    if (name != committedWeights && name != committedOptimizer)
                        try { File.Delete(Path.Combine(dir, name)); } catch (Exception) { }
                throw new CheckpointWriteException(
                    $"Writing the checkpoint of step {step} into {dir} failed: {e.Message} " +
                    (committedWeights is null ? "No earlier checkpoint of this run was written." : $"The previous checkpoint ({committedWeights}) is intact; free space or fix the folder and continue with -Resume."), e);
            }
            committedWeights = weightsName;
            committedOptimizer = optimizerName;
            // Committed: the files of earlier checkpoints (and of the unnamed format) can go.
            foreach (var old in Directory.EnumerateFiles(dir, "checkpoint*"))
            {
                string name = Path.GetFileName(old);
                if (name != weightsName && name != optimizerName && name != CheckpointStateFile && !name.EndsWith(".tmp", StringComparison.Ordinal))
                    File.Delete(old);
            }
            lastCheckpoint = clock.Elapsed;
        }

        TimeSpan? Remaining()
        {
            double done = step - startStep;
            if (done < 1) return null;
            double perStep = clock.Elapsed.TotalSeconds / done;
            double bySteps = stepLimit == long.MaxValue ? double.PositiveInfinity : (stepLimit - step) * perStep;
            double byTime = options.Duration is { } d ? Math.Max(0, (d - clock.Elapsed).TotalSeconds) : double.PositiveInfinity;
            double r = Math.Min(bySteps, byTime);
            return double.IsInfinity(r) ? null : TimeSpan.FromSeconds(r);
        }

        double Rate() => clock.Elapsed.TotalSeconds > 0 ? (step - startStep) * (double)batch / clock.Elapsed.TotalSeconds : 0;

        try
        {
            if (step < stepLimit) StartNext(step);
            while (step < stepLimit)
            {
                if (cancel.IsCancellationRequested) { cancelled = true; break; }
                if (options.Duration is { } dur && clock.Elapsed >= dur) break;

                var b = next is not null ? next.GetAwaiter().GetResult() : MakeBatch(step);
                if (step + 1 < stepLimit) StartNext(step + 1); else next = null;

                if (horizon == 0 && step - startStep == 20 && options.Duration is { } du)
                {
                    double perStep = clock.Elapsed.TotalSeconds / 20;
                    horizon = step + (long)Math.Max(1, (du - clock.Elapsed).TotalSeconds / perStep);
                }
                double lr = LearningRateAt(step, horizon, options.LearningRate, options.MinLearningRate);
                foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;

                double lossValue;
                bool finite;
                using (var scope = torch.NewDisposeScope())
                {
                    torch.manual_seed(NoiseModel.DeriveSeed(dropoutSeedBase, step));
                    model.train();
                    var x = torch.tensor(b.Inputs, new long[] { b.Count, b.Channels, b.Rows, b.Columns }).to(device);
                    var y = torch.tensor(b.Targets, new long[] { b.Count, 1, b.Rows, b.Columns }).to(device);
                    var output = model.call(x);
                    var loss = Loss(output, y, cfg, options.Loss);
                    optimizer.zero_grad();
                    lossValue = loss.item<float>();
                    finite = double.IsFinite(lossValue);
                    if (finite)
                    {
                        loss.backward();
                        // One NaN or infinite gradient would poison Adam's moments and every weight after it: skip such a batch.
                        finite = GradientsFinite(model);
                        if (finite) optimizer.step();
                    }
                }
                step++;
                string? evt = null;
                if (finite)
                {
                    consecutiveSkipped = 0;
                    intervalLossSum += lossValue;
                    intervalCount++;
                }
                else
                {
                    skippedBatches++;
                    evt = SkippedBatchEvent;
                    if (++consecutiveSkipped >= MaxConsecutiveSkippedBatches)
                        throw new TrainingDivergedException(string.Create(CultureInfo.InvariantCulture,
                            $"Training diverged: the loss or its gradient was not finite (NaN or infinite) in {consecutiveSkipped} batches in a row, up to step {step} (learning rate {lr:G3}). Nothing of the diverged weights was written; the run folder {dir} keeps its last checkpoint. Train again with a lower -LearningRate (a new run folder), or from the last checkpoint with -Resume."));
                }

                if (step % options.ValidationInterval == 0 || step == stepLimit)
                {
                    lastTrain = intervalCount > 0 ? intervalLossSum / intervalCount : double.NaN;
                    intervalLossSum = 0;
                    intervalCount = 0;
                    var m = Evaluate(model, validation, cfg, device, options.ValidationSeed, shape: options.Loss);
                    lastVal = m.Loss;
                    bestVal = Math.Min(bestVal, lastVal);
                    AppendLog(Path.Combine(dir, LogFile), step, step * batch, priorSeconds + clock.Elapsed.TotalSeconds, lr, lastTrain, m);
                    evt = evt is null ? "validation" : evt + ", validation";
                }
                if ((options.CheckpointEverySteps is { } every && step % every == 0) || clock.Elapsed - lastCheckpoint >= options.CheckpointInterval)
                {
                    SaveCheckpoint();
                    evt = evt is null ? "checkpoint" : evt + ", checkpoint";
                }
                try
                {
                    progress?.Invoke(new TrainingProgress(step, horizon, step * batch, lr, intervalCount > 0 ? intervalLossSum / intervalCount : lastTrain,
                        double.IsNaN(lastVal) ? null : lastVal, TimeSpan.FromSeconds(priorSeconds) + clock.Elapsed, Remaining(), Rate(), evt));
                }
                catch
                {
                    // The caller's progress handler failed (a stopping pipeline throws from its writes): keep the steps done.
                    SaveCheckpoint();
                    throw;
                }
            }
        }
        finally
        {
            try { next?.Wait(); } catch (AggregateException) { }
        }

        if (intervalCount > 0) lastTrain = intervalLossSum / intervalCount;
        double trainingRate = Rate();
        bool completed = !cancelled && step >= stepLimit;
        SaveCheckpoint();
        progress?.Invoke(new TrainingProgress(step, horizon, step * batch, LearningRateAt(step, horizon, options.LearningRate, options.MinLearningRate),
            lastTrain, double.IsNaN(lastVal) ? null : lastVal, TimeSpan.FromSeconds(priorSeconds) + clock.Elapsed, TimeSpan.Zero, Rate(), "final evaluation"));

        // Final figures on the fixed validation and test sets; a cancelled run (Ctrl+C) stops at once instead: its card
        // keeps the last logged validation loss and no test figures, and a -Resume evaluates them when it completes.
        MetricsCard? valMetrics = null, testMetrics = null;
        if (!cancelled)
        {
            valMetrics = Evaluate(model, validation, cfg, device, options.ValidationSeed, shape: options.Loss);
            lastVal = valMetrics.Loss;
            if (options.TestSize > 0)
                testMetrics = Evaluate(model, heldOut.Make(options.TestSeed, 0, options.TestSize), cfg, device, options.TestSeed, shape: options.Loss);
        }

        string weights = Path.Combine(dir, options.Name + ".pt");
        string cardPath = Path.Combine(dir, options.Name + ".json");
        AtomicFile.Write(weights, p => model.save(p));
        var card = CardSoFar(completed);
        card.Training.FinalValidationLoss = lastVal;
        card.Validation = valMetrics;
        card.Test = testMetrics;
        card.WeightsFile = Path.GetFileName(weights);
        card.WeightsSha256 = ModelCard.Sha256Of(weights);
        card.Save(cardPath);
        ModelCache.Forget(weights);

        return new TrainingRun
        {
            RunDirectory = dir, ModelPath = weights, CardPath = cardPath, Steps = step, SamplesSeen = step * batch,
            SessionSamples = (step - startStep) * batch, Seconds = card.Training.Seconds, SessionSeconds = clock.Elapsed.TotalSeconds,
            SamplesPerSecond = trainingRate, FinalTrainingLoss = lastTrain, FinalValidationLoss = lastVal, BestValidationLoss = Math.Min(bestVal, lastVal),
            Completed = completed, Resumed = resume, Validation = valMetrics, Test = testMetrics, Card = card,
        };
    }

    /// <summary>
    /// Writes the latest checkpoint of the run in <paramref name="runDirectory"/> as a model, without stopping or
    /// finishing the run: its weights copied to <paramref name="outputCardPath"/> with the extension .pt, and beside them a
    /// card with the run's recipe and architecture at the checkpoint's step, samples and time, and validation and test
    /// figures measured now on the run's own fixed sets, exactly as the run measures them when it ends. The run may be
    /// training meanwhile (a checkpoint written during the copy is picked up). Throws CheckpointMissing or
    /// CheckpointInvalid for a folder without a usable checkpoint, an IOException when a file would be replaced without
    /// <paramref name="force"/>. The figures are measured on <paramref name="device"/> (cpu when not given).
    /// </summary>
    public static ModelCard ExportCheckpoint(string runDirectory, string outputCardPath, bool force = false, string? device = null)
    {
        string dir = Path.GetFullPath(runDirectory);
        string outCard = Path.GetFullPath(outputCardPath);
        if (!string.Equals(Path.GetExtension(outCard), ".json", StringComparison.OrdinalIgnoreCase))
            throw new NmrInputException("ModelPathInvalid", $"The model to write is a card NAME.json (its weights go to NAME.pt beside it); got {outputCardPath}.");
        string outWeights = Path.ChangeExtension(outCard, ".pt");
        if (string.Equals(Path.GetDirectoryName(outCard), dir.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal)
            && Path.GetFileName(outCard).StartsWith("checkpoint", StringComparison.Ordinal))
            throw new NmrInputException("ModelPathInvalid", $"{outputCardPath} would be taken for the run's own checkpoint files (and removed by its next checkpoint); choose another name.");
        var state = ReadState(dir);
        if (!force && new[] { outCard, outWeights }.FirstOrDefault(File.Exists) is { } existing)
            throw new IOException($"File '{existing}' exists; pass -Force to replace it.");

        // A running training replaces its checkpoint files every few minutes: if the named weights went away between
        // reading the state and copying them, the state names the new ones.
        Directory.CreateDirectory(Path.GetDirectoryName(outCard)!);
        for (int attempt = 0; ; attempt++)
        {
            string weights = Path.Combine(dir, state.WeightsFile ?? CheckpointWeights);
            try
            {
                AtomicFile.Write(outWeights, p => File.Copy(weights, p, overwrite: true));
                break;
            }
            catch (FileNotFoundException) when (attempt < 3)
            {
                state = ReadState(dir);
            }
            catch (FileNotFoundException)
            {
                throw new NmrInputException("CheckpointInvalid", $"The checkpoint in {dir} names {Path.GetFileName(weights)}, which does not exist.", InputProblem.NotFound);
            }
        }

        var options = OptionsFrom(state, dir);   // the state whose weights were copied
        var card = state.Card;
        TorchRuntime.EnsureLoaded();
        var dev = new Device(TorchRuntime.ResolveDevice(string.IsNullOrEmpty(device) ? "cpu" : device));
        var heldOut = new TrainingData(options.Grid, options.Inputs, options.Recipe.HeldOut(), options.Family);
        var cfg = options.Inputs.Configuration;
        MetricsCard val;
        MetricsCard? test = null;
        using (var model = new UNet(card.Architecture))
        {
            try
            {
                model.load(outWeights);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                File.Delete(outWeights);
                throw new NmrInputException("CheckpointInvalid", $"The checkpoint weights in {dir} do not load into the run's {card.Architecture} U-Net: {e.Message}", InputProblem.Data);
            }
            model.to(dev);
            val = Evaluate(model, heldOut.Make(options.ValidationSeed, 0, options.ValidationSize), cfg, dev, options.ValidationSeed, shape: card.Training.Loss);
            if (options.TestSize > 0)
                test = Evaluate(model, heldOut.Make(options.TestSeed, 0, options.TestSize), cfg, dev, options.TestSeed, shape: card.Training.Loss);
        }
        card.CreatedUtc = DateTime.UtcNow;
        card.Validation = val;
        card.Test = test;
        card.Training.FinalValidationLoss = val.Loss;
        card.Training.BestValidationLoss = Math.Min(card.Training.BestValidationLoss, val.Loss);
        card.Training.Completed = card.Training.HorizonSteps > 0 && card.Training.Steps >= card.Training.HorizonSteps;
        card.WeightsFile = Path.GetFileName(outWeights);
        card.WeightsSha256 = ModelCard.Sha256Of(outWeights);
        card.Save(outCard);
        ModelCache.Forget(outWeights);
        return card;
    }

    private static void CheckSameRun(CheckpointState state, TrainerOptions o, UNetArchitecture arch)
    {
        var card = state.Card;
        var problems = new List<string>();
        if (card.Architecture != arch) problems.Add($"architecture {card.Architecture} vs {arch}");
        if (card.ToInputSpec() != o.Inputs) problems.Add($"inputs {card.ToInputSpec()} vs {o.Inputs}");
        var g = card.ToGrid();
        if (g.Kernels != o.Grid.Kernels || !g.Acquisition1.Equals(o.Grid.Acquisition1) || !g.Acquisition2.Equals(o.Grid.Acquisition2)
            || !g.Relaxation1.Equals(o.Grid.Relaxation1) || !g.Relaxation2.Equals(o.Grid.Relaxation2)) problems.Add($"grid {g} vs {o.Grid}");
        if (ModelCard.Describe(card.AcquisitionFamily) != ModelCard.Describe(o.Family)) problems.Add("acquisition family");
        if (card.Training.BatchSize != o.BatchSize) problems.Add($"batch size {card.Training.BatchSize} vs {o.BatchSize}");
        if (card.Training.Seed != o.Seed) problems.Add($"seed {card.Training.Seed} vs {o.Seed}");
        if (card.Training.Recipe != o.Recipe) problems.Add("training recipe");
        if (card.Training.Loss != o.Loss) problems.Add($"loss {card.Training.Loss} vs {o.Loss}");
        if (problems.Count > 0)
            throw new NmrInputException("ResumeMismatch", $"The checkpoint in {o.RunDirectory} is a different run: {string.Join("; ", problems)}. Resume with the run's own settings (omit them) or start a new run folder.");
    }

    /// <summary>
    /// Loads the initial weights into <paramref name="model"/>: the parameter average of <paramref name="files"/> (all of
    /// one architecture), widened when their cards say they have fewer base channels. Returns the narrower width, if any.
    /// </summary>
    private static int? LoadInitialWeights(UNet model, UNetArchitecture arch, IReadOnlyList<string> files, double wideningNoise)
    {
        var cards = files.Select(f => File.Exists(ModelCard.CardPathFor(f)) ? ModelCard.Load(ModelCard.CardPathFor(f)) : null).ToArray();
        var archs = cards.Select(c => c is null ? null : c.Architecture with { Dropout = 0 }).ToArray();
        string PrecisionOf(int k) => cards[k]?.Precision ?? SnrGateCard.Float32;
        var source = archs[0] ?? arch with { Dropout = 0 };
        for (int k = 1; k < files.Count; k++)
            if (archs[k] is { } other && other != source)
                throw new NmrInputException("InitialWeightsMismatch", $"Weights to average must share one architecture: {files[0]} is {source}, {files[k]} is {other}.", InputProblem.Data);
        bool widen = source.BaseChannels < arch.BaseChannels && UNetWidening.CanWiden(source, arch);
        using var narrow = widen ? new UNet(source) : null;
        var target = narrow ?? model;
        string current = files[0];
        try
        {
            ModelCache.LoadWeights(target, current, PrecisionOf(0));
            if (files.Count > 1)
            {
                using var other = new UNet(source);
                var sum = target.parameters().ToArray();
                for (int k = 1; k < files.Count; k++)
                {
                    current = files[k];
                    ModelCache.LoadWeights(other, current, PrecisionOf(k));
                    using var _ = torch.no_grad();
                    foreach (var (p, q) in sum.Zip(other.parameters().ToArray())) p.add_(q.to(p.device));
                }
                using (torch.no_grad())
                    foreach (var p in sum) p.div_(files.Count);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException and not NmrInputException)
        {
            throw new NmrInputException("InitialWeightsMismatch", $"The initial weights {current} cannot be loaded into a {(widen ? source : arch)} U-Net: {e.Message}", InputProblem.Data);
        }
        if (!widen) return null;
        UNetWidening.Widen(narrow!, model, wideningNoise);
        return source.BaseChannels;
    }

    private static ModelCard BuildCard(TrainerOptions o, UNetArchitecture arch, UNet model, long step, long horizon, double seconds,
        double lastTrain, double lastVal, double bestVal, bool completed, string? initialName, string? initialSha, int? widenedFrom, List<InitialWeightsCard>? averagedWith,
        long skippedBatches) => new()
    {
        Name = o.Name,
        CreatedUtc = DateTime.UtcNow,
        Architecture = arch,
        ParameterCount = model.ParameterCount,
        Inputs = InputCard.Of(o.Inputs, o.Loss),
        Grid = GridCard.Of(o.Grid),
        AcquisitionFamily = o.Family,
        Training = new TrainingCard
        {
            Recipe = o.Recipe,
            LearningRate = o.LearningRate,
            MinLearningRate = o.MinLearningRate,
            Schedule = $"cosine from {o.LearningRate:G3} to {o.MinLearningRate:G3} over {horizon} steps, then constant",
            WeightDecay = o.EffectiveWeightDecay,
            BatchSize = o.BatchSize,
            Seed = o.Seed,
            Steps = step,
            HorizonSteps = horizon,
            Samples = step * o.BatchSize,
            Seconds = seconds,
            Device = o.Device,
            FinalTrainingLoss = lastTrain,
            FinalValidationLoss = lastVal,
            BestValidationLoss = bestVal,
            Completed = completed,
            Loss = o.Loss,
            InitialWeights = initialName,
            InitialWeightsSha256 = initialSha,
            WidenedFromBaseChannels = widenedFrom,
            AveragedWith = averagedWith,
            SkippedBatches = skippedBatches,
        },
    };

    /// <summary>The progress event (<see cref="TrainingProgress.Event"/>, alone or before ", validation") of a step whose batch was skipped.</summary>
    public const string SkippedBatchEvent = "skipped a batch with a non-finite loss or gradient";

    /// <summary>Batches in a row whose loss or gradient may be non-finite (skipped) before a run counts as diverged.</summary>
    public const int MaxConsecutiveSkippedBatches = 10;

    /// <summary>Whether every gradient of <paramref name="model"/> is finite (one reduction per parameter, one sync).</summary>
    private static bool GradientsFinite(UNet model)
    {
        using var scope = torch.NewDisposeScope();
        Tensor? allFinite = null;
        foreach (var p in model.parameters())
        {
            if (p.grad is not { } g) continue;
            var f = g.isfinite().all();
            allFinite = allFinite is null ? f : allFinite.logical_and(f);
        }
        return allFinite is null || allFinite.item<bool>();
    }

    /// <summary>The training loss of a batch: chi of map and projections (recipe) or MSE on max-scaled maps (paper).</summary>
    public static Tensor Loss(Tensor output, Tensor target, InputConfiguration configuration, TrainingLoss shape = TrainingLoss.Chi)
    {
        if (configuration == InputConfiguration.Paper)
        {
            var scaled = target / target.amax(new long[] { 2, 3 }, keepdim: true).clamp_min(1e-12);
            return torch.nn.functional.mse_loss(output, scaled);
        }
        var (c2, c1, c3) = Chi(UnitSum(output), target);
        var total = c2 + c1 + c3;
        return shape == TrainingLoss.LogChi ? (total + LogChiOffset).log().mean() : total.mean();
    }

    /// <summary>The offset of <see cref="TrainingLoss.LogChi"/>, log(L + offset): below it a sample's weight stops growing (about MTGV's chi sum at SNR 2000).</summary>
    public const double LogChiOffset = 0.05;

    /// <summary>The output normalised to unit sum per sample.</summary>
    public static Tensor UnitSum(Tensor output) => output / (output.sum(new long[] { 2, 3 }, keepdim: true) + 1e-12);

    /// <summary>Per-sample chi (paper eq. 7) of the 2D maps and both projections; <paramref name="p"/> and <paramref name="t"/> unit-sum [B, 1, n1, n2].</summary>
    public static (Tensor Chi2D, Tensor Chi1, Tensor Chi2) Chi(Tensor p, Tensor t)
    {
        static Tensor One(Tensor tt, Tensor pp, long[] dims)
        {
            var d = tt - pp;
            return (d * d / tt.clamp_min(1e-4)).sum(dims);
        }
        var chi2d = One(t, p, new long[] { 1, 2, 3 });
        var chi1 = One(t.sum(3), p.sum(3), new long[] { 1, 2 });
        var chi2 = One(t.sum(2), p.sum(2), new long[] { 1, 2 });
        return (chi2d, chi1, chi2);
    }

    /// <summary>Loss and mean chi of a model on a fixed set (eval mode, no gradients).</summary>
    public static MetricsCard Evaluate(UNet model, TrainingBatch set, InputConfiguration cfg, Device device, int seed, int chunk = 64, TrainingLoss shape = TrainingLoss.Chi)
    {
        bool wasTraining = model.training;
        model.eval();
        double loss = 0, c2 = 0, c1 = 0, c3 = 0;
        var all2d = new List<double>(set.Count);
        int inLen = set.Channels * set.Rows * set.Columns, plane = set.Rows * set.Columns;
        using (torch.no_grad())
        {
            for (int start = 0; start < set.Count; start += chunk)
            {
                using var scope = torch.NewDisposeScope();
                int n = Math.Min(chunk, set.Count - start);
                var x = torch.tensor(set.Inputs.AsSpan(start * inLen, n * inLen).ToArray(), new long[] { n, set.Channels, set.Rows, set.Columns }).to(device);
                var y = torch.tensor(set.Targets.AsSpan(start * plane, n * plane).ToArray(), new long[] { n, 1, set.Rows, set.Columns }).to(device);
                var output = model.call(x);
                loss += Loss(output, y, cfg, shape).item<float>() * n;
                var (a, b, c) = Chi(UnitSum(output), y);
                var a64 = a.cpu().to(ScalarType.Float64).data<double>().ToArray();
                all2d.AddRange(a64);
                c2 += a64.Sum();
                c1 += b.sum().item<float>();
                c3 += c.sum().item<float>();
            }
        }
        if (wasTraining) model.train();
        return new MetricsCard
        {
            Count = set.Count, Seed = seed, Loss = loss / set.Count, Chi2D = c2 / set.Count, ChiT1 = c1 / set.Count, ChiT2 = c3 / set.Count,
            MedianChi2D = all2d.Count == 0 ? double.NaN : NoiseEstimation.Median(all2d),
        };
    }

    private static void AppendLog(string path, long step, long samples, double seconds, double lr, double train, MetricsCard val)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{step},{samples},{seconds:F1},{lr:G6},{train:G6},{val.Loss:G6},{val.Chi2D:G6},{val.ChiT1:G6},{val.ChiT2:G6}\n");
        File.AppendAllText(path, line);
    }

    /// <summary>Drops log lines written after the checkpoint a run resumes from.</summary>
    private static void TrimLog(string path, long step)
    {
        if (!File.Exists(path)) { AtomicFile.WriteAllText(path, LogHeader + "\n"); return; }
        var sb = new StringBuilder();
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith("step", StringComparison.Ordinal)) { sb.Append(line).Append('\n'); continue; }
            int comma = line.IndexOf(',');
            if (comma > 0 && long.TryParse(line.AsSpan(0, comma), NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) && s <= step)
                sb.Append(line).Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
