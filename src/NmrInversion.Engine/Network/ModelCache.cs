using System.Diagnostics;
using NmrInversion.Engine.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace NmrInversion.Engine.Network;

/// <summary>A model loaded into libtorch, ready for inference: the network in eval mode on its device, and its card.</summary>
public sealed class LoadedModel
{
    internal LoadedModel(ModelCard card, UNet network, string weightsPath, string cardPath, DeviceType device, double loadSeconds, int loadNumber,
        UNet? highSnrNetwork = null, string? highSnrWeightsPath = null)
    {
        Card = card;
        Network = network;
        HighSnrNetwork = highSnrNetwork;
        HighSnrWeightsPath = highSnrWeightsPath;
        WeightsPath = weightsPath;
        CardPath = cardPath;
        Device = device;
        Grid = card.ToGrid();
        Inputs = card.ToInputSpec();
        Family = card.AcquisitionFamily;
        LoadSeconds = loadSeconds;
        LoadNumber = loadNumber;
        LoadedAt = DateTime.Now;
    }

    public ModelCard Card { get; }
    public UNet Network { get; }
    /// <summary>The second network for signals of estimated SNR at least <see cref="GateSnr"/>, or null (<see cref="SnrGateCard"/>).</summary>
    public UNet? HighSnrNetwork { get; }
    public string? HighSnrWeightsPath { get; }
    /// <summary>The SNR from which <see cref="HighSnrNetwork"/> inverts a signal; null for a model of one network.</summary>
    public double? GateSnr => Card.HighSnrNetwork?.Snr;
    public NetworkGrid Grid { get; }
    public InputSpec Inputs { get; }
    /// <summary>The family of acquisition grids the model inverts directly, or null for a model of one grid (<see cref="Grid"/>).</summary>
    public AcquisitionFamily? Family { get; }
    public string Name => Card.Name;
    public string WeightsPath { get; }
    public string CardPath { get; }
    public DeviceType Device { get; }
    /// <summary>When this process loaded the model.</summary>
    public DateTime LoadedAt { get; }
    /// <summary>Seconds the load took (card, hash, weights, warm-up).</summary>
    public double LoadSeconds { get; }
    /// <summary>Which load of the process this was (<see cref="ModelCache.LoadCount"/> after it).</summary>
    public int LoadNumber { get; }

    /// <summary>Serialises use of the network: libtorch modules are not meant to run two forward passes at once.</summary>
    internal object Gate { get; } = new();

    public override string ToString() => $"{Name} ({Card.Architecture.BaseChannels} base channels, depth {Card.Architecture.Depth}, {Inputs}) from {WeightsPath}" +
        (HighSnrNetwork is null ? "" : $", and from SNR {GateSnr:G4} {HighSnrWeightsPath}" +
            (Card.HighSnrNetwork!.Architecture is { } own ? $" ({own.BaseChannels} base channels, depth {own.Depth})" : ""));
}

/// <summary>
/// Loads each model once per process: entries are keyed by the card's full path, the card's and weights' timestamps and
/// sizes, and the device, so a retrained model is reloaded and an unchanged one reused. Loading checks the card,
/// the weights' SHA-256 and that the weights fit the architecture, then runs one warm-up forward pass. Thread-safe.
/// </summary>
public static class ModelCache
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, (string Stamp, LoadedModel Model)> Entries = new(StringComparer.Ordinal);
    private static int _loadCount;

    /// <summary>How many times this process has loaded a model from disk.</summary>
    public static int LoadCount => Volatile.Read(ref _loadCount);

    /// <summary>
    /// The model at <paramref name="modelPath"/> (a weights file NAME.pt, its card NAME.json, or a folder holding model.json),
    /// loaded on first use. Throws NmrInputException: ModelFileMissing, ModelCardInvalid, ModelHashMismatch.
    /// </summary>
    public static LoadedModel Get(string modelPath, string device = "cpu")
    {
        TorchRuntime.EnsureLoaded();
        var deviceType = TorchRuntime.ResolveDevice(device);
        string cardPath = Path.GetFullPath(ModelCard.CardPathFor(modelPath));
        if (!File.Exists(cardPath))
        {
            string what = Directory.Exists(modelPath) ? $"the folder {modelPath} holds no model.json" : $"{cardPath} does not exist";
            throw new NmrInputException("ModelFileMissing", $"No model at {modelPath}: {what}. A model is a weights file NAME.pt with its card NAME.json beside it (Start-NmrTraining writes both).", InputProblem.NotFound);
        }
        lock (Gate)
        {
            var card = ModelCard.Load(cardPath);
            string weights = card.WeightsPathBeside(cardPath);
            if (!File.Exists(weights))
                throw new NmrInputException("ModelFileMissing", $"The model card {cardPath} names the weights file {weights}, which does not exist.", InputProblem.NotFound);
            string? high = card.HighSnrWeightsPathBeside(cardPath);
            if (high is not null && !File.Exists(high))
                throw new NmrInputException("ModelFileMissing", $"The model card {cardPath} names the high-SNR weights file {high}, which does not exist.", InputProblem.NotFound);
            string key = $"{cardPath}|{deviceType}";
            string stamp = Stamp(cardPath, weights) + (high is null ? "" : "|" + Stamp(cardPath, high));
            if (Entries.TryGetValue(key, out var entry) && entry.Stamp == stamp) return entry.Model;
            var model = Load(card, cardPath, weights, deviceType);
            Entries[key] = (stamp, model);
            return model;
        }
    }

    /// <summary>Drops cached entries of a model (after it was rewritten).</summary>
    public static void Forget(string modelPath)
    {
        string cardPath = Path.GetFullPath(ModelCard.CardPathFor(modelPath));
        lock (Gate)
        {
            foreach (var k in Entries.Keys.Where(k => k.StartsWith(cardPath + "|", StringComparison.Ordinal)).ToList())
                Entries.Remove(k);
        }
    }

    private static string Stamp(string cardPath, string weights)
    {
        var c = new FileInfo(cardPath);
        var w = new FileInfo(weights);
        return $"{c.LastWriteTimeUtc.Ticks}:{c.Length}:{w.LastWriteTimeUtc.Ticks}:{w.Length}";
    }

    /// <summary>Loads a model without the cache (checks hashes and architecture, warms up each network).</summary>
    public static LoadedModel Load(ModelCard card, string cardPath, string weightsPath, DeviceType deviceType)
    {
        TorchRuntime.EnsureLoaded();
        var clock = Stopwatch.StartNew();
        var device = new Device(deviceType);
        var network = LoadNetwork(card, card.Architecture, cardPath, weightsPath, card.WeightsSha256, card.Precision, device);
        UNet? high = null;
        string? highPath = card.HighSnrWeightsPathBeside(cardPath);
        if (highPath is not null)
        {
            try
            {
                high = LoadNetwork(card, card.HighSnrArchitecture!, cardPath, highPath, card.HighSnrNetwork!.WeightsSha256, card.HighSnrNetwork.Precision, device);
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }
        int number = Interlocked.Increment(ref _loadCount);
        return new LoadedModel(card, network, Path.GetFullPath(weightsPath), cardPath, deviceType, clock.Elapsed.TotalSeconds, number,
            high, highPath is null ? null : Path.GetFullPath(highPath));
    }

    /// <summary>
    /// One network of a card: checks the file's SHA-256, loads it (a float16 file into a half-precision copy of the
    /// architecture, then widened to float32), moves it to the device in eval mode and runs one warm-up pass.
    /// </summary>
    private static UNet LoadNetwork(ModelCard card, UNetArchitecture architecture, string cardPath, string weightsPath, string sha256, string precision, Device device)
    {
        string hash = ModelCard.Sha256Of(weightsPath);
        if (!string.Equals(hash, sha256, StringComparison.OrdinalIgnoreCase))
            throw new NmrInputException("ModelHashMismatch",
                $"The weights file {weightsPath} has SHA-256 {hash} but its card {cardPath} expects {sha256}: the file was changed or belongs to another model.", InputProblem.Data);
        var network = new UNet(architecture);
        try
        {
            LoadWeights(network, weightsPath, precision);
        }
        catch (Exception e) when (e is not NmrInputException)
        {
            network.Dispose();
            throw new NmrInputException("ModelCardInvalid", $"The weights file {weightsPath} cannot be loaded into the architecture its card {cardPath} describes ({architecture.BaseChannels} base channels, depth {architecture.Depth}, {architecture.InputChannels} input channels, {precision}): {e.Message} The file is truncated, damaged, or belongs to another architecture.", InputProblem.Data);
        }
        bool finite;
        using (no_grad())
        using (NewDisposeScope())
            finite = network.parameters().All(p => p.isfinite().all().item<bool>());
        if (!finite)
        {
            network.Dispose();
            throw new NmrInputException("ModelWeightsNotFinite",
                $"The weights file {weightsPath} holds non-finite weights (NaN or infinite): the model diverged in training or the file was damaged (its card {cardPath} was given the damaged file's hash). Use another model or train it again.", InputProblem.Data);
        }
        network.to(device);
        network.eval();
        var (n1, n2) = card.ToGrid().MapSize;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            network.call(zeros(new long[] { 1, architecture.InputChannels, n1, n2 }, device: device));
        }
        return network;
    }

    /// <summary>
    /// Loads a weights file written in <paramref name="precision"/> into <paramref name="network"/>'s float32 parameters,
    /// in place (an optimizer holding them stays valid): a float16 file is read into a half-precision copy of the
    /// architecture, whose values are then copied over.
    /// </summary>
    public static void LoadWeights(UNet network, string path, string precision)
    {
        if (precision != SnrGateCard.Float16)
        {
            network.load(path, strict: true);
            return;
        }
        using var half = new UNet(network.Architecture);
        half.to(ScalarType.Float16);
        half.load(path, strict: true);
        using var _ = no_grad();
        var source = half.state_dict();
        foreach (var (name, p) in network.state_dict()) p.copy_(source[name]);
    }

    /// <summary>
    /// Writes <paramref name="network"/>'s weights to <paramref name="path"/> in <paramref name="precision"/>
    /// (<see cref="SnrGateCard.Float16"/>: a half-precision copy, half the file), through a temporary file.
    /// </summary>
    public static void SaveWeights(UNet network, string path, string precision)
    {
        if (!SnrGateCard.IsPrecision(precision))
            throw new ArgumentException($"Precision must be {SnrGateCard.Float32} or {SnrGateCard.Float16}; got '{precision}'.", nameof(precision));
        AtomicFile.Write(path, tmp =>
        {
            if (precision == SnrGateCard.Float16)
            {
                using var copy = new UNet(network.Architecture);
                using (no_grad())
                {
                    var source = network.state_dict();
                    foreach (var (name, p) in copy.state_dict()) p.copy_(source[name].cpu());
                }
                copy.to(ScalarType.Float16);
                copy.save(tmp);
            }
            else network.save(tmp);
        });
    }
}
