using Xunit;
using NmrInversion.Engine.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace NmrInversion.Engine.Tests;

[Collection("Torch")]
public class TrainingLossTests
{
    private static TrainerOptions Tiny(string dir, long samples) =>
        TrainerTests.Tiny(dir, samples, seed: 5) with { LearningRate = 1e-2, ValidationSize = 32 };

    /// <summary>Every parameter of a saved model, in order.</summary>
    private static float[] Weights(string path, UNetArchitecture arch)
    {
        using var model = new UNet(arch);
        model.load(path);
        return model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
    }

    [Fact]
    public void LogChiIsTheBatchMeanOfLogOfEachSamplesChiPlusTheOffset()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        // Two 2 x 2 samples: truth one-hot and flat; outputs chosen so that the chi sums differ by orders of magnitude.
        var t = tensor(new float[] { 1, 0, 0, 0, 0.25f, 0.25f, 0.25f, 0.25f }, new long[] { 2, 1, 2, 2 });
        var p = tensor(new float[] { 0.9f, 0.1f, 0, 0, 0.4f, 0.1f, 0.25f, 0.25f }, new long[] { 2, 1, 2, 2 });
        // By hand (chi = sum (t - p)^2 / max(t, 1e-4)); sample 1: 2D 0.01 + 0.01/1e-4 = 100.01, T1 (rows) [1, 0] vs [1, 0] = 0,
        // T2 (columns) [1, 0] vs [0.9, 0.1]: 0.01 + 0.01 / 1e-4 = 100.01. Sample 2: 2D 0.0225 / 0.25 * 2 = 0.18,
        // T1 [0.5, 0.5] vs [0.5, 0.5] = 0, T2 [0.5, 0.5] vs [0.65, 0.35]: 2 * 0.0225 / 0.5 = 0.09.
        double l1 = 100.01 + 0 + 100.01, l2 = 0.18 + 0 + 0.09;
        double chi = Trainer.Loss(p, t, InputConfiguration.Recipe, TrainingLoss.Chi).item<float>();
        double logChi = Trainer.Loss(p, t, InputConfiguration.Recipe, TrainingLoss.LogChi).item<float>();
        Assert.Equal((l1 + l2) / 2, chi, 2);
        Assert.Equal((Math.Log(l1 + Trainer.LogChiOffset) + Math.Log(l2 + Trainer.LogChiOffset)) / 2, logChi, 4);
    }

    [Fact]
    public void LogChiWeighsEachSampleByOneOverItsChi()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var t = tensor(new float[] { 1, 0, 0, 0, 0.25f, 0.25f, 0.25f, 0.25f }, new long[] { 2, 1, 2, 2 });
        var p = tensor(new float[] { 0.9f, 0.1f, 0, 0, 0.4f, 0.1f, 0.25f, 0.25f }, new long[] { 2, 1, 2, 2 }).requires_grad_(true);
        Trainer.Loss(p, t, InputConfiguration.Recipe, TrainingLoss.LogChi).backward();
        var gLog = p.grad!.data<float>().ToArray();
        p.grad!.zero_();
        Trainer.Loss(p, t, InputConfiguration.Recipe, TrainingLoss.Chi).backward();
        var gChi = p.grad!.data<float>().ToArray();
        double l1 = 200.02, l2 = 0.27;
        // d log(L + c) = dL / (L + c): per sample, the LogChi gradient is the Chi gradient over (L + c).
        foreach (var (from, l) in new[] { (0, l1), (4, l2) })
        {
            double scale = Enumerable.Range(from, 4).Max(k => Math.Abs(gChi[k])) / (l + Trainer.LogChiOffset);
            Assert.True(scale > 0);
            for (int k = from; k < from + 4; k++) Assert.Equal(gChi[k] / (l + Trainer.LogChiOffset), gLog[k], 1e-4 * scale);
        }
    }

    [Fact]
    public void ARunStartsFromInitialWeightsAndRecordsThem()
    {
        using var folder = new TempFolder();
        var a = Trainer.Run(Tiny(folder.Sub("a"), 320));
        // One step at a negligible learning rate from A's weights: the same network, so the same test chi.
        var b = Trainer.Run(Tiny(folder.Sub("b"), 16) with { InitialWeights = a.ModelPath, LearningRate = 1e-12, MinLearningRate = 1e-12 });
        var c = Trainer.Run(Tiny(folder.Sub("c"), 16) with { LearningRate = 1e-12, MinLearningRate = 1e-12 });
        var cardA = ModelCard.Load(a.CardPath);
        var cardB = ModelCard.Load(b.CardPath);
        var cardC = ModelCard.Load(c.CardPath);
        var wa = Weights(a.ModelPath, cardA.Architecture);
        var wb = Weights(b.ModelPath, cardB.Architecture);
        var wc = Weights(c.ModelPath, cardC.Architecture);
        Assert.Equal(wa.Length, wb.Length);
        double dab = 0, dac = 0, na = 0;
        for (int k = 0; k < wa.Length; k++)
        {
            dab = Math.Max(dab, Math.Abs(wa[k] - wb[k]));
            dac = Math.Max(dac, Math.Abs(wa[k] - wc[k]));
            na = Math.Max(na, Math.Abs(wa[k]));
        }
        Assert.True(dab < 1e-6 * na, $"started from A: max weight difference {dab:E2} (largest weight {na:E2})");
        Assert.True(dac > 1e-2 * na, $"random start: max weight difference {dac:E2}");
        Assert.Equal("tiny.pt", cardB.Training.InitialWeights);
        Assert.Equal(ModelCard.Sha256Of(a.ModelPath), cardB.Training.InitialWeightsSha256);
        Assert.Null(cardC.Training.InitialWeights);
        Assert.Equal(TrainingLoss.Chi, cardB.Training.Loss);
        // A resumed run still names where it started (the card of the resumed model lost it before).
        var b2 = Trainer.Run(Trainer.OptionsFromCheckpoint(folder.Sub("b")) with { Samples = 32 }, resume: true);
        var cardB2 = ModelCard.Load(b2.CardPath);
        Assert.Equal(32, b2.SamplesSeen);
        Assert.Equal("tiny.pt", cardB2.Training.InitialWeights);
        Assert.Equal(cardB.Training.InitialWeightsSha256, cardB2.Training.InitialWeightsSha256);
    }

    [Fact]
    public void ARunWidensANarrowerInitialNetwork()
    {
        using var folder = new TempFolder();
        var a = Trainer.Run(Tiny(folder.Sub("a"), 320));
        // Twice the base channels from A's weights, one step at a negligible learning rate, no symmetry-breaking noise:
        // the wide network computes A's map, so its test metrics are A's.
        var b = Trainer.Run(Tiny(folder.Sub("b"), 16) with
        {
            BaseChannels = 8, InitialWeights = a.ModelPath, LearningRate = 1e-12, MinLearningRate = 1e-12, WideningNoise = 0,
        });
        var cardB = ModelCard.Load(b.CardPath);
        Assert.Equal(8, cardB.Architecture.BaseChannels);
        Assert.Equal(4, cardB.Training.WidenedFromBaseChannels);
        Assert.Equal("tiny.pt", cardB.Training.InitialWeights);
        Assert.True(b.Card.ParameterCount > 3 * a.Card.ParameterCount);
        Assert.Equal(a.Test!.Chi2D, b.Test!.Chi2D, 1e-4 * a.Test.Chi2D);
        Assert.Equal(a.Test.MedianChi2D, b.Test.MedianChi2D, 1e-4 * a.Test.MedianChi2D);
        // With the default noise the copies differ, and the map stays close.
        var c = Trainer.Run(Tiny(folder.Sub("c"), 16) with { BaseChannels = 8, InitialWeights = a.ModelPath, LearningRate = 1e-12, MinLearningRate = 1e-12 });
        Assert.NotEqual(a.Test.Chi2D, c.Test!.Chi2D);
        Assert.Equal(a.Test.Chi2D, c.Test.Chi2D, 0.005 * a.Test.Chi2D);
        // A fresh 8-channel network scores differently from A by far more than the tolerance above (1.7% here).
        var d = Trainer.Run(Tiny(folder.Sub("d"), 16) with { BaseChannels = 8, LearningRate = 1e-12, MinLearningRate = 1e-12 });
        Assert.True(Math.Abs(d.Test!.Chi2D - a.Test.Chi2D) > 1e-2 * a.Test.Chi2D, $"fresh {d.Test.Chi2D} vs trained {a.Test.Chi2D}");
        Assert.Null(ModelCard.Load(d.CardPath).Training.WidenedFromBaseChannels);
    }

    [Fact]
    public void ARunStartsFromTheAverageOfSeveralModelsAndCanWidenIt()
    {
        using var folder = new TempFolder();
        var a = Trainer.Run(Tiny(folder.Sub("a"), 160));
        var b = Trainer.Run(Tiny(folder.Sub("b"), 160) with { Seed = 4 });
        var wa = Weights(a.ModelPath, a.Card.Architecture);
        var wb = Weights(b.ModelPath, b.Card.Architecture);
        // One step at a negligible learning rate from the average of A and B: the parameter-wise mean.
        var c = Trainer.Run(Tiny(folder.Sub("c"), 16) with
        {
            InitialWeights = a.ModelPath, AveragedWeights = new[] { b.ModelPath }, LearningRate = 1e-12, MinLearningRate = 1e-12,
        });
        var wc = Weights(c.ModelPath, c.Card.Architecture);
        double worst = 0, spread = 0;
        for (int k = 0; k < wa.Length; k++)
        {
            worst = Math.Max(worst, Math.Abs(wc[k] - 0.5 * (wa[k] + wb[k])));
            spread = Math.Max(spread, Math.Abs(wa[k] - wb[k]));
        }
        Assert.True(spread > 1e-2, $"the two runs should differ; max weight difference {spread:E2}");
        Assert.True(worst < 1e-6 * spread, $"max deviation from the mean {worst:E2} (runs differ by up to {spread:E2})");
        var card = ModelCard.Load(c.CardPath);
        Assert.Equal(ModelCard.Sha256Of(a.ModelPath), card.Training.InitialWeightsSha256);
        var with = Assert.Single(card.Training.AveragedWith!);
        Assert.Equal("tiny.pt", with.File);
        Assert.Equal(ModelCard.Sha256Of(b.ModelPath), with.Sha256);
        // The same average widened to 8 channels without noise computes the same map as C.
        var d = Trainer.Run(Tiny(folder.Sub("d"), 16) with
        {
            BaseChannels = 8, InitialWeights = a.ModelPath, AveragedWeights = new[] { b.ModelPath }, LearningRate = 1e-12, MinLearningRate = 1e-12, WideningNoise = 0,
        });
        Assert.Equal(c.Test!.Chi2D, d.Test!.Chi2D, 1e-4 * c.Test.Chi2D);
        Assert.NotEqual(a.Test!.Chi2D, c.Test.Chi2D);
        // Models of different architectures are not averaged; a missing one is named.
        var e1 = Assert.Throws<NmrInputException>(() => Trainer.Run(Tiny(folder.Sub("e"), 16) with { InitialWeights = a.ModelPath, AveragedWeights = new[] { d.ModelPath } }));
        Assert.Equal("InitialWeightsMismatch", e1.ErrorId);
        var e2 = Assert.Throws<NmrInputException>(() => Trainer.Run(Tiny(folder.Sub("f"), 16) with { InitialWeights = a.ModelPath, AveragedWeights = new[] { folder.Sub("none.pt") } }));
        Assert.Equal("InitialWeightsMissing", e2.ErrorId);
    }

    [Fact]
    public void LogChiRunRecordsItsLossAndResumesWithIt()
    {
        using var folder = new TempFolder();
        string dir = folder.Sub("log");
        var first = Trainer.Run(Tiny(dir, 160) with { Loss = TrainingLoss.LogChi });
        var card = ModelCard.Load(first.CardPath);
        Assert.Equal(TrainingLoss.LogChi, card.Training.Loss);
        Assert.StartsWith("batch mean of log(chi(2D)", card.Inputs.Loss);
        var options = Trainer.OptionsFromCheckpoint(dir);
        Assert.Equal(TrainingLoss.LogChi, options.Loss);
        var more = Trainer.Run(options with { Samples = 192 }, resume: true);
        Assert.Equal(192, more.SamplesSeen);
        var e = Assert.Throws<NmrInputException>(() => Trainer.Run(Tiny(dir, 224), resume: true));
        Assert.Equal("ResumeMismatch", e.ErrorId);
    }

    [Fact]
    public void BadInitialWeightsAreRefused()
    {
        using var folder = new TempFolder();
        var small = Trainer.Run(Tiny(folder.Sub("a"), 16));
        // Narrower than the initial weights: they cannot be loaded (only widening is supported).
        var e1 = Assert.Throws<NmrInputException>(() => Trainer.Run(Tiny(folder.Sub("b"), 16) with { BaseChannels = 2, InitialWeights = small.ModelPath }));
        Assert.Equal("InitialWeightsMismatch", e1.ErrorId);
        var e2 = Assert.Throws<NmrInputException>(() => Trainer.Run(Tiny(folder.Sub("c"), 16) with { InitialWeights = Path.Combine(folder.Sub("a"), "none.pt") }));
        Assert.Equal("InitialWeightsMissing", e2.ErrorId);
        var e3 = Assert.Throws<NmrInputException>(() => Trainer.Run(Tiny(folder.Sub("d"), 16) with { Inputs = InputSpec.Paper, Loss = TrainingLoss.LogChi }));
        Assert.Equal("LossNeedsRecipe", e3.ErrorId);
    }
}
