using Xunit;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Network;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Tests;

[Collection("Torch")]
public class ModelCardTests : IClassFixture<ModelCardTests.TinyModel>
{
    /// <summary>One tiny trained model (16 x 16 paper-like grid) shared by the tests of this class.</summary>
    public sealed class TinyModel : IDisposable
    {
        public TinyModel()
        {
            Folder = new TempFolder();
            Run = Trainer.Run(new TrainerOptions
            {
                Grid = NetworkGrid.Paper(16), RunDirectory = Folder.Sub("run"), BaseChannels = 4, Depth = 2, BatchSize = 16,
                Samples = 160, ValidationSize = 32, TestSize = 16, ValidationInterval = 5, Name = "tiny",
            });
        }

        public TempFolder Folder { get; }
        public TrainingRun Run { get; }

        public void Dispose() => Folder.Dispose();
    }

    private readonly TinyModel _tiny;

    public ModelCardTests(TinyModel tiny) => _tiny = tiny;

    private string CopyModel(string name)
    {
        string dir = _tiny.Folder.Sub(name);
        Directory.CreateDirectory(dir);
        File.Copy(_tiny.Run.ModelPath, Path.Combine(dir, "tiny.pt"));
        File.Copy(_tiny.Run.CardPath, Path.Combine(dir, "tiny.json"));
        return Path.Combine(dir, "tiny.pt");
    }

    [Fact]
    public void CardRoundTripsThroughJson()
    {
        var card = ModelCard.Load(_tiny.Run.CardPath);
        var grid = card.ToGrid();
        Assert.Equal(NetworkGrid.Paper(16).Acquisition1, grid.Acquisition1);
        Assert.Equal(NetworkGrid.Paper(16).Relaxation2, grid.Relaxation2);
        Assert.Equal(grid.Acquisition1.Values, NetworkGrid.Paper(16).Acquisition1.Values); // values exactly, not within tolerance
        Assert.Equal(InputSpec.Recipe, card.ToInputSpec());
        Assert.Equal(new UNetArchitecture(4, 4, 2), card.Architecture);
        Assert.Equal(160, card.Training.Samples);
        string again = _tiny.Folder.Sub("again.json");
        card.Save(again);
        Assert.Equal(card.ToJson(), ModelCard.Load(again).ToJson());
    }

    [Fact]
    public void CacheLoadsOncePerProcess()
    {
        string path = CopyModel("cache");
        int before = ModelCache.LoadCount;
        var a = ModelCache.Get(path);
        var b = ModelCache.Get(Path.ChangeExtension(path, ".json")); // card path names the same model
        Assert.Same(a, b);
        Assert.Equal(before + 1, ModelCache.LoadCount);
        // A rewritten weights file is reloaded.
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        var c = ModelCache.Get(path);
        Assert.NotSame(a, c);
        Assert.Equal(before + 2, ModelCache.LoadCount);
    }

    [Fact]
    public void LoadedModelInvertsAndReportsMisfit()
    {
        var model = ModelCache.Get(_tiny.Run.ModelPath);
        var grid = model.Grid;
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-1, 0.2, -2, 0.2) }, grid.Relaxation1, grid.Relaxation2, "one");
        var signals = new[] { 100.0, 1000.0 }.Select((snr, k) => ForwardModel.Simulate(truth, grid.Kernels, grid.Acquisition1, grid.Acquisition2, snr, k)).ToArray();
        var results = UnetInversion.Invert(model, signals);
        Assert.Equal(2, results.Count);
        for (int k = 0; k < 2; k++)
        {
            Assert.Same(signals[k], results[k].Signal);
            Assert.Same(truth, results[k].Truth);
            Assert.Equal(1.0, results[k].Distribution.Sum, 9);
            Assert.True(results[k].Misfit > 0 && double.IsFinite(results[k].Misfit));
            // The residual is recomputed independently: ||c K1 F K2^T - S|| with dense products.
            var fit = MatrixProducts.Sandwich(grid.Svd1.Matrix, results[k].Distribution.Values, grid.Svd2.Matrix);
            for (int i = 0; i < 16; i++)
                for (int j = 0; j < 16; j++)
                    fit[i, j] = results[k].Amplitude * fit[i, j] - signals[k].Values[i, j];
            Assert.Equal(MatrixProducts.FrobeniusNorm(fit), results[k].ResidualNorm, 9);
        }
        // The same signal alone gives the same map (batching does not change results beyond float rounding).
        var alone = UnetInversion.Invert(model, new[] { signals[1] })[0];
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 16; j++)
                Assert.Equal(results[1].Distribution.Values[i, j], alone.Distribution.Values[i, j], 6);
    }

    [Fact]
    public void MismatchedGridIsRefused()
    {
        var model = ModelCache.Get(_tiny.Run.ModelPath);
        var other = NetworkGrid.Paper(20);
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-1, 0.2, -2, 0.2) }, other.Relaxation1, other.Relaxation2);
        var signal = ForwardModel.Simulate(truth, other.Kernels, other.Acquisition1, other.Acquisition2, 100, 1);
        var e = Assert.Throws<NmrInputException>(() => UnetInversion.Invert(model, new[] { signal }));
        Assert.Equal("ModelGridMismatch", e.ErrorId);
        // Same sizes, different acquisition range.
        var shifted = new AcquisitionAxis("t1", Axis.LogSpace(2e-3, 1e1, 16));
        var g16 = NetworkGrid.Paper(16);
        var t16 = Distribution2D.FromComponents(new[] { new LognormalComponent(-1, 0.2, -2, 0.2) }, g16.Relaxation1, g16.Relaxation2);
        var s2 = ForwardModel.Simulate(t16, g16.Kernels, shifted, g16.Acquisition2, 100, 1);
        Assert.Equal("ModelGridMismatch", Assert.Throws<NmrInputException>(() => UnetInversion.CheckSignal(model, s2)).ErrorId);
    }

    [Fact]
    public void BadModelFilesGiveStableErrors()
    {
        var missing = Assert.Throws<NmrInputException>(() => ModelCache.Get(_tiny.Folder.Sub("nothing.pt")));
        Assert.Equal("ModelFileMissing", missing.ErrorId);
        Assert.Equal(InputProblem.NotFound, missing.Problem);

        string tampered = CopyModel("tampered");
        var bytes = File.ReadAllBytes(tampered);
        bytes[^5] ^= 0x40;
        File.WriteAllBytes(tampered, bytes);
        Assert.Equal("ModelHashMismatch", Assert.Throws<NmrInputException>(() => ModelCache.Get(tampered)).ErrorId);

        string broken = CopyModel("broken");
        File.WriteAllText(Path.ChangeExtension(broken, ".json"), "{ \"Format\": 1, \"Architecture\": ");
        Assert.Equal("ModelCardInvalid", Assert.Throws<NmrInputException>(() => ModelCache.Get(broken)).ErrorId);

        string wrongArch = CopyModel("arch");
        string cardPath = Path.ChangeExtension(wrongArch, ".json");
        File.WriteAllText(cardPath, File.ReadAllText(cardPath).Replace("\"BaseChannels\": 4", "\"BaseChannels\": 8"));
        Assert.Equal("ModelCardInvalid", Assert.Throws<NmrInputException>(() => ModelCache.Get(wrongArch)).ErrorId);

        // A family of acquisition grids on a card is checked: an empty count range is invalid.
        string badFamily = CopyModel("family");
        string familyCard = Path.ChangeExtension(badFamily, ".json");
        var card = ModelCard.Load(familyCard);
        card.AcquisitionFamily = AcquisitionFamily.T1T2 with { Axis1 = new[] { new AxisFamily(AxisSpacing.Log, 20, 10, 1e-3, 2e-3, 1, 2) } };
        card.Save(familyCard);
        var e = Assert.Throws<NmrInputException>(() => ModelCache.Get(badFamily));
        Assert.Equal("ModelCardInvalid", e.ErrorId);
        Assert.Contains("MinCount", e.Message);

        string noWeights = CopyModel("noweights");
        File.Delete(noWeights);
        Assert.Equal("ModelFileMissing", Assert.Throws<NmrInputException>(() => ModelCache.Get(noWeights)).ErrorId);
    }
}
