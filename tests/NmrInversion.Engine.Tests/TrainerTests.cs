using Xunit;
using NmrInversion.Engine.Network;

namespace NmrInversion.Engine.Tests;

[Collection("Torch")]
public class TrainerTests
{
    internal static TrainerOptions Tiny(string dir, long samples, int seed = 3) => new()
    {
        Grid = NetworkGrid.Paper(16),
        RunDirectory = dir,
        BaseChannels = 4,
        Depth = 2,
        BatchSize = 16,
        Samples = samples,
        Seed = seed,
        LearningRate = 3e-3,
        ValidationSize = 64,
        TestSize = 32,
        ValidationInterval = 10,
        Name = "tiny",
    };

    [Fact]
    public void ShortRunLowersTheValidationLoss()
    {
        using var folder = new TempFolder();
        var untrained = Trainer.Run(Tiny(folder.Sub("a"), 16) with { LearningRate = 1e-2 });  // one step: practically the initial network
        var trained = Trainer.Run(Tiny(folder.Sub("b"), 960) with { LearningRate = 1e-2 });   // 60 steps
        Assert.Equal(960, trained.SamplesSeen);
        Assert.True(trained.Completed);
        Assert.True(trained.FinalValidationLoss < 0.7 * untrained.FinalValidationLoss,
            $"validation loss {trained.FinalValidationLoss} after 960 samples vs {untrained.FinalValidationLoss} after 16");
        // The CSV log has a header and one line per validation (every 10 steps).
        var log = File.ReadAllLines(Path.Combine(folder.Sub("b"), Trainer.LogFile));
        Assert.Equal(1 + 6, log.Length);
        // The model card describes the run and the hash matches the weights.
        var card = ModelCard.Load(trained.CardPath);
        Assert.Equal(ModelCard.Sha256Of(trained.ModelPath), card.WeightsSha256);
        Assert.Equal(960, card.Training.Samples);
        Assert.Equal(4, card.Architecture.BaseChannels);
        Assert.Equal(64, card.Validation!.Count);
        Assert.Equal(32, card.Test!.Count);
        Assert.Equal(trained.FinalValidationLoss, card.Validation.Loss);
    }

    [Fact]
    public void ADivergingRunStopsWithoutWritingItsNonFiniteState()
    {
        using var folder = new TempFolder();
        string dir = folder.Sub("diverging");
        // Adam moves every weight by about the learning rate per step: at 1e12 the second forward pass overflows float32.
        var options = Tiny(dir, 16 * 200) with { LearningRate = 1e12, MinLearningRate = 1e12, CheckpointEverySteps = 1 };
        var e = Assert.Throws<TrainingDivergedException>(() => Trainer.Run(options));
        Assert.Contains("10 batches in a row", e.Message);
        Assert.Equal("TrainingDiverged", TrainingDivergedException.ErrorId);
        // The last checkpoint is the one before the run diverged: it counts the skipped batches and its weights are finite.
        using var state = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, Trainer.CheckpointStateFile)));
        Assert.InRange(state.RootElement.GetProperty("Step").GetInt64(), 10, 198);
        Assert.Equal(9, state.RootElement.GetProperty("Card").GetProperty("Training").GetProperty("SkippedBatches").GetInt64());
        using var model = new UNet(new UNetArchitecture(options.Inputs.ChannelCount, 4, 2, options.Dropout));
        model.load(Path.Combine(dir, state.RootElement.GetProperty("WeightsFile").GetString()!));
        foreach (var p in model.parameters())
            Assert.True(p.isfinite().all().item<bool>());
        Assert.False(File.Exists(Path.Combine(dir, "tiny.pt")));
    }

    [Fact]
    public void ResumeContinuesBitForBit()
    {
        using var folder = new TempFolder();
        var straight = Trainer.Run(Tiny(folder.Sub("straight"), 480) with { CheckpointEverySteps = 1000 });

        using var cts = new CancellationTokenSource();
        var first = Trainer.Run(Tiny(folder.Sub("split"), 480), progress: p => { if (p.Step == 13) cts.Cancel(); }, cancel: cts.Token);
        Assert.False(first.Completed);
        Assert.Equal(13, first.Steps);
        var resumed = Trainer.Run(Trainer.OptionsFromCheckpoint(folder.Sub("split")), resume: true);
        Assert.True(resumed.Completed);
        Assert.Equal(30, resumed.Steps);
        Assert.Equal(480, resumed.SamplesSeen);
        Assert.Equal(17 * 16, resumed.SessionSamples);
        Assert.Equal(File.ReadAllBytes(straight.ModelPath), File.ReadAllBytes(resumed.ModelPath));
        Assert.Equal(straight.FinalValidationLoss, resumed.FinalValidationLoss);
    }

    [Fact]
    public void CheckpointIsCommittedAsAUnitAndOlderFilesAreRemoved()
    {
        using var folder = new TempFolder();
        string dir = folder.Sub("c");
        Trainer.Run(Tiny(dir, 160) with { CheckpointEverySteps = 3 });
        var files = Directory.GetFiles(dir, "checkpoint*").Select(Path.GetFileName).OrderBy(f => f).ToArray();
        Assert.Equal(new[] { "checkpoint-10.optimizer", "checkpoint-10.pt", "checkpoint.json" }, files);
        // A crash after the new pair was written but before checkpoint.json was replaced: the old state still names a complete pair.
        File.WriteAllText(Path.Combine(dir, "checkpoint-11.pt"), "half");
        var resumed = Trainer.Run(Trainer.OptionsFromCheckpoint(dir) with { Samples = 192 }, resume: true);
        Assert.Equal(12, resumed.Steps);
        Assert.False(File.Exists(Path.Combine(dir, "checkpoint-11.pt")));
        // A state naming a missing file is refused with a clear error, not a libtorch exception.
        File.Delete(Path.Combine(dir, "checkpoint-12.pt"));
        var e = Assert.Throws<NmrInputException>(() => Trainer.Run(Trainer.OptionsFromCheckpoint(dir) with { Samples = 224 }, resume: true));
        Assert.Equal("CheckpointInvalid", e.ErrorId);
        Assert.Contains("checkpoint-12.pt", e.Message);
    }

    [Fact]
    public void ExportedCheckpointOfAFinishedRunIsTheRunsModel()
    {
        using var folder = new TempFolder();
        var run = Trainer.Run(Tiny(folder.Sub("r"), 160));
        var runCard = ModelCard.Load(run.CardPath);
        string outCard = Path.Combine(folder.Sub("out"), "exported.json");
        var card = Trainer.ExportCheckpoint(folder.Sub("r"), outCard);
        // The run's last checkpoint holds its final weights, so the export is the run's own model, figures included.
        Assert.Equal(File.ReadAllBytes(run.ModelPath), File.ReadAllBytes(Path.ChangeExtension(outCard, ".pt")));
        Assert.Equal(runCard.Validation!.Loss, card.Validation!.Loss);
        Assert.Equal(runCard.Validation.MedianChi2D, card.Validation.MedianChi2D);
        Assert.Equal(runCard.Test!.Chi2D, card.Test!.Chi2D);
        Assert.Equal(runCard.Test.MedianChi2D, card.Test.MedianChi2D);
        Assert.Equal(10, card.Training.Steps);
        Assert.True(card.Training.Completed);
        var saved = ModelCard.Load(outCard);
        Assert.Equal("exported.pt", saved.WeightsFile);
        Assert.Equal(ModelCard.Sha256Of(Path.ChangeExtension(outCard, ".pt")), saved.WeightsSha256);
        Assert.Equal(runCard.Architecture, saved.Architecture);
        Assert.Equal(runCard.Training.Recipe, saved.Training.Recipe);

        Assert.Throws<IOException>(() => Trainer.ExportCheckpoint(folder.Sub("r"), outCard));
        Trainer.ExportCheckpoint(folder.Sub("r"), outCard, force: true);
        Assert.Equal("CheckpointMissing", Assert.Throws<NmrInputException>(() => Trainer.ExportCheckpoint(folder.Sub("none"), Path.Combine(folder.Sub("out"), "x.json"))).ErrorId);
        Assert.Equal("ModelPathInvalid", Assert.Throws<NmrInputException>(() => Trainer.ExportCheckpoint(folder.Sub("r"), Path.Combine(folder.Sub("out"), "x.pt"))).ErrorId);
        Assert.Equal("ModelPathInvalid", Assert.Throws<NmrInputException>(() => Trainer.ExportCheckpoint(folder.Sub("r"), Path.Combine(folder.Sub("r"), "checkpoint-x.json"))).ErrorId);
        Assert.False(File.Exists(Path.Combine(folder.Sub("out"), "x.json")));
    }

    [Fact]
    public void ExportedCheckpointOfAStoppedRunCarriesItsStepAndMeasuresItsWeights()
    {
        using var folder = new TempFolder();
        using var cts = new CancellationTokenSource();
        var options = Tiny(folder.Sub("r"), 480);
        var stopped = Trainer.Run(options, progress: p => { if (p.Step == 13) cts.Cancel(); }, cancel: cts.Token);
        Assert.False(stopped.Completed);
        Assert.Null(ModelCard.Load(stopped.CardPath).Test);   // a stopped run's own card has no test figures

        var card = Trainer.ExportCheckpoint(folder.Sub("r"), Path.Combine(folder.Path, "step13.json"));
        Assert.Equal(13, card.Training.Steps);
        Assert.Equal(13 * 16, card.Training.Samples);
        Assert.Equal(30, card.Training.HorizonSteps);
        Assert.False(card.Training.Completed);
        Assert.Equal(File.ReadAllBytes(stopped.ModelPath), File.ReadAllBytes(Path.Combine(folder.Path, "step13.pt")));
        // Its figures are those of its weights on the run's fixed sets, measured independently here.
        var heldOut = new TrainingData(options.Grid, options.Inputs, options.Recipe.HeldOut(), options.Family);
        using var net = new UNet(card.Architecture);
        net.load(Path.Combine(folder.Path, "step13.pt"));
        var cpu = new TorchSharp.torch.Device(TorchSharp.DeviceType.CPU);
        var val = Trainer.Evaluate(net, heldOut.Make(options.ValidationSeed, 0, 64), options.Inputs.Configuration, cpu, options.ValidationSeed, shape: options.Loss);
        var test = Trainer.Evaluate(net, heldOut.Make(options.TestSeed, 0, 32), options.Inputs.Configuration, cpu, options.TestSeed, shape: options.Loss);
        Assert.Equal(val.Loss, card.Validation!.Loss);
        Assert.Equal(test.MedianChi2D, card.Test!.MedianChi2D);
        Assert.Equal(32, card.Test.Count);
        // ... and not the figures of the finished run, which trains on to different weights.
        var finished = Trainer.Run(Trainer.OptionsFromCheckpoint(folder.Sub("r")), resume: true);
        Assert.NotEqual(finished.Validation!.Loss, card.Validation.Loss);
    }

    [Fact]
    public void ResumeRefusesADifferentRun()
    {
        using var folder = new TempFolder();
        Trainer.Run(Tiny(folder.Sub("r"), 32));
        var e = Assert.Throws<NmrInputException>(() => Trainer.Run(Tiny(folder.Sub("r"), 64) with { BaseChannels = 8 }, resume: true));
        Assert.Equal("ResumeMismatch", e.ErrorId);
        var again = Assert.Throws<NmrInputException>(() => Trainer.Run(Tiny(folder.Sub("r"), 32)));
        Assert.Equal("RunDirectoryInUse", again.ErrorId);
    }

    [Fact]
    public void FamilyModelInvertsInstrumentGridsAndRefusesGridsOutsideItsFamily()
    {
        using var folder = new TempFolder();
        var run = Trainer.Run(Tiny(folder.Sub("any"), 64) with { Family = AcquisitionFamily.T1T2, Dropout = 0 });
        var card = ModelCard.Load(run.CardPath);
        Assert.Equal(ModelCard.Describe(AcquisitionFamily.T1T2), ModelCard.Describe(card.AcquisitionFamily));
        // Resume keeps the family; another family (or none) is a different run.
        var options = Trainer.OptionsFromCheckpoint(folder.Sub("any"));
        Assert.NotNull(options.Family);
        var e = Assert.Throws<NmrInputException>(() => Trainer.Run(options with { Family = null, Samples = 96 }, resume: true));
        Assert.Equal("ResumeMismatch", e.ErrorId);
        // A raw-signal channel cannot be trained on a family.
        Assert.Equal("InputChannelsNeedFixedGrid", Assert.Throws<NmrInputException>(() => (Tiny(folder.Sub("bad"), 16) with { Family = AcquisitionFamily.T1T2, Inputs = InputSpec.Recipe with { IncludeSignal = true }, Grid = NetworkGrid.Paper(16) }).Validate()).ErrorId);

        var model = ModelCache.Get(run.ModelPath);
        Assert.NotNull(model.Family);
        var (a1, a2) = AcquisitionFamilyTests.SpinsolveLike();
        var truth = Distributions.Distribution2D.FromComponents(new[] { new Distributions.LognormalComponent(-1, 0.2, -2, 0.2) }, model.Grid.Relaxation1, model.Grid.Relaxation2);
        var signal = Signals.ForwardModel.Simulate(truth, model.Grid.Kernels, a1, a2, 200, 4);
        var input = UnetInversion.Prepare(model, signal);
        Assert.Same(signal, input.Network); // read on its own grid: no resampling, no translation
        var result = UnetInversion.Invert(model, new[] { input })[0];
        Assert.Equal(16, result.Distribution.Axis1.Count);
        Assert.Equal(1.0, result.Distribution.Values.Cast<double>().Sum(), 6);
        Assert.True(double.IsFinite(result.Misfit) && result.Misfit > 0);

        var blind = Signals.ForwardModel.Simulate(truth, model.Grid.Kernels, a1, new Grids.AcquisitionAxis("t2", Enumerable.Range(1, 20).Select(k => k * 1e-4).ToArray()), 200, 4);
        var refused = Assert.Throws<NmrInputException>(() => UnetInversion.Invert(model, new[] { blind }));
        Assert.Equal("AcquisitionOutsideFamily", refused.ErrorId);
        Assert.Contains("20 points", refused.Message);
    }

    [Fact]
    public void TrainingDataIsReproducibleAndCoversTheSnrRange()
    {
        var data = new TrainingData(NetworkGrid.Paper(64), InputSpec.Recipe);
        var a = data.Make(5, 100, 4);
        var b = data.Make(5, 102, 2);
        Assert.Equal(a.Inputs.AsSpan(2 * a.Inputs.Length / 4).ToArray(), b.Inputs);
        Assert.Equal(a.Targets.AsSpan(2 * 4096).ToArray(), b.Targets);
        for (int k = 0; k < 4; k++)
            Assert.Equal(1.0, a.Targets.AsSpan(k * 4096, 4096).ToArray().Sum(v => (double)v), 4);
        // Noise channel: log10 of the relative noise level / 4 lies within the SNR range 10..1e4 (-1/4 .. -1), with estimation slack.
        var many = data.Make(9, 0, 32);
        for (int k = 0; k < 32; k++)
            Assert.InRange(many.Inputs[k * 4 * 4096 + 3 * 4096], -1.05f, -0.2f);
    }

    [Fact]
    public void LearningRateFollowsTheCosine()
    {
        Assert.Equal(1e-3, Trainer.LearningRateAt(0, 100, 1e-3, 1e-6), 12);
        Assert.Equal(0.5 * (1e-3 + 1e-6), Trainer.LearningRateAt(50, 100, 1e-3, 1e-6), 12);
        Assert.Equal(1e-6, Trainer.LearningRateAt(100, 100, 1e-3, 1e-6), 12);
        Assert.Equal(1e-6, Trainer.LearningRateAt(500, 100, 1e-3, 1e-6), 12);
    }

    [Fact]
    public void ARunFolderInUseIsRefusedWithTheHoldersProcessId()
    {
        using var folder = new TempFolder();
        string dir = folder.Sub("locked");
        Directory.CreateDirectory(dir);
        using (RunDirectoryLock.Acquire(dir))
        {
            var e = Assert.Throws<NmrInputException>(() => Trainer.Run(Tiny(dir, 16)));
            Assert.Equal("RunDirectoryInUse", e.ErrorId);
            Assert.Contains($"process {Environment.ProcessId}", e.Message);
            Assert.False(File.Exists(Path.Combine(dir, Trainer.CheckpointStateFile)));
        }
        var run = Trainer.Run(Tiny(dir, 16));   // released: the folder is free again
        Assert.Equal(1, run.Steps);
    }

    [Fact]
    public void AFailedCheckpointWriteKeepsThePreviousCheckpointAndRemovesWhatItWrote()
    {
        using var folder = new TempFolder();
        string dir = folder.Sub("full");
        Trainer.Run(Tiny(dir, 32) with { ValidationSize = 16, TestSize = 16 });
        // The step-4 optimizer file cannot be written (a folder of that name), as on a full disk after the weights.
        Directory.CreateDirectory(Path.Combine(dir, "checkpoint-4.optimizer"));
        var e = Assert.Throws<CheckpointWriteException>(() => Trainer.Run(Trainer.OptionsFromCheckpoint(dir) with { Samples = 64 }, resume: true));
        Assert.Contains("checkpoint-2.pt", e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "checkpoint-4.pt")));
        Assert.True(File.Exists(Path.Combine(dir, "checkpoint-2.pt")));
        Assert.True(File.Exists(Path.Combine(dir, "checkpoint-2.optimizer")));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        Directory.Delete(Path.Combine(dir, "checkpoint-4.optimizer"));
        var resumed = Trainer.Run(Trainer.OptionsFromCheckpoint(dir) with { Samples = 64 }, resume: true);
        Assert.Equal(4, resumed.Steps);
    }
}
