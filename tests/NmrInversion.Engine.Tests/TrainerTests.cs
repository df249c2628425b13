using Xunit;
using NmrInversion.Engine.Network;

namespace NmrInversion.Engine.Tests;

[Collection("Torch")]
public class TrainerTests
{
    private static TrainerOptions Tiny(string dir, long samples, int seed = 3) => new()
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
}
