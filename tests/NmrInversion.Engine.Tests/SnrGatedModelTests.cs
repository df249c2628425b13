using Xunit;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Network;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Tests;

[Collection("Torch")]
public class SnrGatedModelTests : IClassFixture<SnrGatedModelTests.TwoModels>
{
    /// <summary>Two tiny models of the same grid and architecture (different seeds, so different networks).</summary>
    public sealed class TwoModels : IDisposable
    {
        public TwoModels()
        {
            Folder = new TempFolder();
            TrainingRun Train(string name, int seed) => Trainer.Run(new TrainerOptions
            {
                Grid = NetworkGrid.Paper(16), RunDirectory = Folder.Sub(name), BaseChannels = 4, Depth = 2, BatchSize = 16,
                Samples = 64, ValidationSize = 16, TestSize = 16, ValidationInterval = 5, Name = name, Seed = seed,
            });
            Low = Train("low", 1);
            High = Train("high", 2);
        }

        public TempFolder Folder { get; }
        public TrainingRun Low { get; }
        public TrainingRun High { get; }

        public void Dispose() => Folder.Dispose();
    }

    private readonly TwoModels _two;

    public SnrGatedModelTests(TwoModels two) => _two = two;

    /// <summary>
    /// Signals far from a gate at 100 on either side: a 16 x 16 signal has few noise-only coefficients, so its SNR
    /// estimate is rough (measured: 24, 8.8, 6400 and 3100 at SNR 20, 40, 4000 and 8000).
    /// </summary>
    private static Signal2D[] Signals(NetworkGrid grid) =>
        new[] { 3.0, 6.0, 1e5, 1e6 }.Select((snr, k) => ForwardModel.Simulate(
            Distribution2D.FromComponents(new[] { new LognormalComponent(-1, 0.2, -2, 0.15) }, grid.Relaxation1, grid.Relaxation2),
            grid.Kernels, grid.Acquisition1, grid.Acquisition2, snr, 10 + k)).ToArray();

    private static double MaxDifference(Distribution2D a, Distribution2D b)
    {
        double d = 0;
        for (int i = 0; i < a.Values.GetLength(0); i++)
            for (int j = 0; j < a.Values.GetLength(1); j++) d = Math.Max(d, Math.Abs(a.Values[i, j] - b.Values[i, j]));
        return d;
    }

    [Theory]
    [InlineData(SnrGateCard.Float32)]
    [InlineData(SnrGateCard.Float16)]
    public void SignalsBelowTheGateGoToTheMainNetworkAndTheRestToTheHighSnrNetwork(string precision)
    {
        string card = _two.Folder.Sub($"gated-{precision}/model.json");
        SnrGatedModel.Write(_two.Low.CardPath, _two.High.CardPath, 100, card, precision);
        var gated = ModelCache.Get(card);
        Assert.Equal(100, gated.GateSnr);
        Assert.NotNull(gated.HighSnrNetwork);
        var low = ModelCache.Get(_two.Low.ModelPath);
        var high = ModelCache.Get(_two.High.ModelPath);
        var signals = Signals(gated.Grid);
        var results = UnetInversion.Invert(gated, signals);
        var byLow = UnetInversion.Invert(low, signals);
        var byHigh = UnetInversion.Invert(high, signals);
        Assert.Equal(new[] { false, false, true, true }, results.Select(r => r.HighSnrNetwork));
        for (int k = 0; k < 4; k++)
        {
            // The estimate the gate reads is the noise channel's.
            var channels = new float[NetworkInputs.Length(gated.Inputs, gated.Grid)];
            double sigmaHat = NetworkInputs.Fill(signals[k].Values, gated.Grid.Svd1, gated.Grid.Svd2, gated.Inputs, channels);
            Assert.Equal(UnetInversion.EffectiveSnr(sigmaHat, 16, 16), results[k].EstimatedSnr, 12);
            Assert.Equal(byLow[k].EstimatedSnr, results[k].EstimatedSnr, 12);
            Assert.Equal(gated.WeightsPath, results[k].ModelPath);
        }
        // Each map is its network's: the main network's exactly; the high-SNR one's exactly in float32, to float16 rounding otherwise.
        for (int k = 0; k < 2; k++) Assert.Equal(0, MaxDifference(byLow[k].Distribution, results[k].Distribution), 6);
        double tolerance = precision == SnrGateCard.Float32 ? 1e-6 : 2e-3;
        for (int k = 2; k < 4; k++)
        {
            Assert.InRange(MaxDifference(byHigh[k].Distribution, results[k].Distribution), 0, tolerance * byHigh[k].Distribution.Values.Cast<double>().Max());
            Assert.True(MaxDifference(byLow[k].Distribution, results[k].Distribution) > 100 * tolerance * byHigh[k].Distribution.Values.Cast<double>().Max(),
                "the two networks should draw different maps, or the test shows nothing");
        }
        // The main weights are copied as they are; the float16 file is about half the float32 one.
        Assert.Equal(ModelCard.Sha256Of(_two.Low.ModelPath), ModelCard.Sha256Of(gated.WeightsPath));
        double ratio = (double)new FileInfo(gated.HighSnrWeightsPath!).Length / new FileInfo(_two.High.ModelPath).Length;
        Assert.InRange(ratio, precision == SnrGateCard.Float32 ? 0.95 : 0.4, precision == SnrGateCard.Float32 ? 1.05 : 0.6);
        Assert.Equal(ModelCard.Load(_two.High.CardPath).Training.Seed, gated.Card.HighSnrNetwork!.Training!.Seed);
    }

    [Theory]
    [InlineData(64, 20.0)]
    [InlineData(64, 200.0)]
    [InlineData(64, 2000.0)]
    [InlineData(128, 200.0)]
    public void TheEffectiveSnrIsThatOfA64By64SignalCarryingTheSameInformation(int n, double snr)
    {
        var grid = NetworkGrid.Paper(n);
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-1, 0.2, -2, 0.15), new LognormalComponent(0, 0.1, -1, 0.1) }, grid.Relaxation1, grid.Relaxation2);
        var signal = ForwardModel.Simulate(truth, grid.Kernels, grid.Acquisition1, grid.Acquisition2, snr, 5);
        var channels = new float[NetworkInputs.Length(InputSpec.Recipe, grid)];
        double sigmaHat = NetworkInputs.Fill(signal.Values, grid.Svd1, grid.Svd2, InputSpec.Recipe, channels);
        // 128 x 128 points at SNR s carry what 64 x 64 points carry at 2 s. The estimate is relative to the noisy maximum,
        // a few sigma above the clean one: measured 1.128 at SNR 20 (1 + 2.6 / 20).
        Assert.InRange(UnetInversion.EffectiveSnr(sigmaHat, n, n) / (snr * n / 64), 0.95, 1.0 + 3.5 / snr);
    }

    [Fact]
    public void AModelOfTwoNetworksIsRefusedWhenTheyDoNotReadTheSameSignals()
    {
        // A copy of the high-SNR model trained for saturation instead of inversion recovery: other kernels.
        string dir = _two.Folder.Sub("other-kernel");
        Directory.CreateDirectory(dir);
        File.Copy(_two.High.ModelPath, Path.Combine(dir, "model.pt"));
        string other = Path.Combine(dir, "model.json");
        File.WriteAllText(other, File.ReadAllText(_two.High.CardPath).Replace("\"InversionRecovery\"", "\"SaturationRecovery\""));
        var e = Assert.Throws<NmrInputException>(() => SnrGatedModel.Write(_two.Low.CardPath, other, 100, _two.Folder.Sub("bad/model.json")));
        Assert.Equal("ModelsIncompatible", e.ErrorId);
        Assert.Contains("kernels or grids differ", e.Message);
        Assert.False(Directory.Exists(_two.Folder.Sub("bad")));
        // A card that claims another width than its weights have is refused when the weights are loaded, before anything is written.
        string liar = _two.Folder.Sub("liar");
        Directory.CreateDirectory(liar);
        File.Copy(_two.High.ModelPath, Path.Combine(liar, Path.GetFileName(_two.High.ModelPath)));
        File.WriteAllText(Path.Combine(liar, "model.json"), File.ReadAllText(_two.High.CardPath).Replace("\"BaseChannels\": 4", "\"BaseChannels\": 8"));
        e = Assert.Throws<NmrInputException>(() => SnrGatedModel.Write(_two.Low.CardPath, Path.Combine(liar, "model.json"), 100, _two.Folder.Sub("bad/model.json")));
        Assert.Equal("ModelCardInvalid", e.ErrorId);
        Assert.False(File.Exists(_two.Folder.Sub("bad/model-high-snr.pt")));
        Assert.Equal("PrecisionInvalid", Assert.Throws<NmrInputException>(() => SnrGatedModel.Write(_two.Low.CardPath, _two.High.CardPath, 100, _two.Folder.Sub("bad/model.json"), mainPrecision: "bfloat16")).ErrorId);
        foreach (double gate in new[] { 0.0, -5, double.NaN, double.PositiveInfinity })
            Assert.Equal("GateSnrInvalid", Assert.Throws<NmrInputException>(() => SnrGatedModel.Write(_two.Low.CardPath, _two.High.CardPath, gate, _two.Folder.Sub("bad/model.json"))).ErrorId);
        // A gated model cannot be gated again.
        string once = _two.Folder.Sub("once/model.json");
        SnrGatedModel.Write(_two.Low.CardPath, _two.High.CardPath, 100, once);
        Assert.Equal("ModelsIncompatible", Assert.Throws<NmrInputException>(() => SnrGatedModel.Write(once, _two.High.CardPath, 100, _two.Folder.Sub("twice/model.json"))).ErrorId);
        // Nothing is replaced without force.
        string before = ModelCard.Sha256Of(_two.Folder.Sub("once/model-high-snr.pt"));
        Assert.Throws<IOException>(() => SnrGatedModel.Write(_two.High.CardPath, _two.Low.CardPath, 100, once));
        Assert.Equal(before, ModelCard.Sha256Of(_two.Folder.Sub("once/model-high-snr.pt")));
        SnrGatedModel.Write(_two.High.CardPath, _two.Low.CardPath, 100, once, force: true);
        Assert.NotEqual(before, ModelCard.Sha256Of(_two.Folder.Sub("once/model-high-snr.pt")));
    }

    [Fact]
    public void AWiderHighSnrNetworkJoinsAFloat16MainNetworkAndTheMainOneSeedsATrainingRun()
    {
        var wide = Trainer.Run(new TrainerOptions
        {
            Grid = NetworkGrid.Paper(16), RunDirectory = _two.Folder.Sub("wide6"), BaseChannels = 6, Depth = 2, BatchSize = 16,
            Samples = 64, ValidationSize = 16, TestSize = 16, ValidationInterval = 5, Name = "wide6", Seed = 3,
        });
        string card = _two.Folder.Sub("mixed/model.json");
        SnrGatedModel.Write(_two.Low.CardPath, wide.CardPath, 100, card, mainPrecision: SnrGateCard.Float16);
        var gated = ModelCache.Get(card);
        Assert.Equal(SnrGateCard.Float16, gated.Card.Precision);
        Assert.Equal(4, gated.Card.Architecture.BaseChannels);
        Assert.Equal(6, gated.Card.HighSnrNetwork!.Architecture!.BaseChannels);
        Assert.Equal(wide.Card.ParameterCount, gated.Card.HighSnrNetwork.ParameterCount);
        Assert.Equal(6, gated.Card.HighSnrArchitecture!.BaseChannels);
        // Same width: no architecture of its own is recorded.
        SnrGatedModel.Write(_two.Low.CardPath, _two.High.CardPath, 100, _two.Folder.Sub("same/model.json"));
        Assert.Null(ModelCard.Load(_two.Folder.Sub("same/model.json")).HighSnrNetwork!.Architecture);

        var signals = Signals(gated.Grid);
        var results = UnetInversion.Invert(gated, signals);
        var byLow = UnetInversion.Invert(ModelCache.Get(_two.Low.ModelPath), signals);
        var byWide = UnetInversion.Invert(ModelCache.Get(wide.ModelPath), signals);
        Assert.Equal(new[] { false, false, true, true }, results.Select(r => r.HighSnrNetwork));
        for (int k = 0; k < 4; k++)
        {
            var reference = k < 2 ? byLow[k] : byWide[k];
            double max = reference.Distribution.Values.Cast<double>().Max();
            Assert.InRange(MaxDifference(reference.Distribution, results[k].Distribution), 0, 2e-3 * max);
        }
        double ratio = (double)new FileInfo(gated.WeightsPath).Length / new FileInfo(_two.Low.ModelPath).Length;
        Assert.InRange(ratio, 0.4, 0.6);

        // A run started from the float16 main weights starts from the main network (to float16 rounding).
        var seeded = Trainer.Run(new TrainerOptions
        {
            Grid = NetworkGrid.Paper(16), RunDirectory = _two.Folder.Sub("seeded"), BaseChannels = 4, Depth = 2, BatchSize = 16,
            Samples = 16, ValidationSize = 16, TestSize = 16, ValidationInterval = 5, Name = "seeded", Seed = 5,
            InitialWeights = gated.WeightsPath, LearningRate = 1e-12, MinLearningRate = 1e-12,
        });
        float[] Weights(string path)
        {
            using var model = new UNet(_two.Low.Card.Architecture);
            model.load(path);
            return model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        }
        var w0 = Weights(_two.Low.ModelPath);
        var w1 = Weights(seeded.ModelPath);
        double largest = w0.Max(Math.Abs), diff = w0.Zip(w1).Max(p => Math.Abs(p.First - p.Second));
        Assert.InRange(diff, 1e-9 * largest, 1e-3 * largest);   // not bit-equal (float16), but the same network
    }

    [Fact]
    public void BadHighSnrFilesGiveStableErrors()
    {
        string Gated(string name)
        {
            string card = _two.Folder.Sub($"{name}/model.json");
            SnrGatedModel.Write(_two.Low.CardPath, _two.High.CardPath, 100, card);
            return card;
        }

        string missing = Gated("missing");
        File.Delete(_two.Folder.Sub("missing/model-high-snr.pt"));
        var e = Assert.Throws<NmrInputException>(() => ModelCache.Get(missing));
        Assert.Equal("ModelFileMissing", e.ErrorId);
        Assert.Contains("high-SNR", e.Message);

        string tampered = Gated("tampered");
        var bytes = File.ReadAllBytes(_two.Folder.Sub("tampered/model-high-snr.pt"));
        bytes[^5] ^= 0x40;
        File.WriteAllBytes(_two.Folder.Sub("tampered/model-high-snr.pt"), bytes);
        Assert.Equal("ModelHashMismatch", Assert.Throws<NmrInputException>(() => ModelCache.Get(tampered)).ErrorId);

        foreach (var (edit, message) in new (Action<SnrGateCard>, string)[]
                 {
                     (g => g.Snr = 0, "gate SNR"),
                     (g => g.Precision = "int8", "precision"),
                     (g => g.WeightsFile = "", "no weights file"),
                 })
        {
            string bad = Gated("bad-" + message.Replace(' ', '-'));
            var card = ModelCard.Load(bad);
            edit(card.HighSnrNetwork!);
            card.Save(bad);
            var invalid = Assert.Throws<NmrInputException>(() => ModelCache.Get(bad));
            Assert.Equal("ModelCardInvalid", invalid.ErrorId);
            Assert.Contains(message, invalid.Message);
        }
    }
}
