using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;

namespace NmrInversion.Engine.Network;

/// <summary>One axis as stored in a model card: its quantity and values.</summary>
public sealed class AxisCard
{
    public string Name { get; set; } = "";
    public double[] Values { get; set; } = Array.Empty<double>();

    public static AxisCard Of(Axis axis) => new() { Name = axis.Name, Values = axis.Values };
}

/// <summary>The kernels and grids a model was trained for.</summary>
public sealed class GridCard
{
    public KernelKind Kernel1 { get; set; }
    public KernelKind Kernel2 { get; set; }
    public AxisCard Acquisition1 { get; set; } = new();
    public AxisCard Acquisition2 { get; set; } = new();
    public AxisCard Relaxation1 { get; set; } = new();
    public AxisCard Relaxation2 { get; set; } = new();

    public static GridCard Of(NetworkGrid grid) => new()
    {
        Kernel1 = grid.Kernels.Kernel1,
        Kernel2 = grid.Kernels.Kernel2,
        Acquisition1 = AxisCard.Of(grid.Acquisition1),
        Acquisition2 = AxisCard.Of(grid.Acquisition2),
        Relaxation1 = AxisCard.Of(grid.Relaxation1),
        Relaxation2 = AxisCard.Of(grid.Relaxation2),
    };

    public NetworkGrid ToGrid() => new(new KernelPair(Kernel1, Kernel2),
        new AcquisitionAxis(Acquisition1.Name, Acquisition1.Values), new AcquisitionAxis(Acquisition2.Name, Acquisition2.Values),
        new RelaxationAxis(Relaxation1.Name, Relaxation1.Values), new RelaxationAxis(Relaxation2.Name, Relaxation2.Values));
}

/// <summary>Inputs and normalisation of a model.</summary>
public sealed class InputCard
{
    public InputConfiguration Configuration { get; set; }
    public bool IncludeSignal { get; set; }
    public string[] Channels { get; set; } = Array.Empty<string>();
    public double[] FilterFactors { get; set; } = Array.Empty<double>();
    public string Normalisation { get; set; } = "";
    public string Loss { get; set; } = "";

    public static InputCard Of(InputSpec spec, TrainingLoss loss = TrainingLoss.Chi) => new()
    {
        Configuration = spec.Configuration,
        IncludeSignal = spec.IncludeSignal,
        Channels = spec.ChannelNames.ToArray(),
        FilterFactors = spec.Configuration == InputConfiguration.Recipe ? InputSpec.FilterFactors.ToArray() : Array.Empty<double>(),
        Normalisation = spec.Configuration == InputConfiguration.Recipe
            ? "signal scaled to max |S| = 1; filtered estimates F_k = sqrt(n1 n2) V1[sigma/(sigma^2+(k sigma_hat)^2) .* U1^T S U2]V2^T; noise channel log10(sigma_hat sqrt(4096/(m1 m2)))/4; output normalised to unit sum"
            : "signal scaled to max |S| = 1; target maps scaled to max 1; output normalised to unit sum for reporting",
        Loss = spec.Configuration != InputConfiguration.Recipe ? "mean squared error on max-scaled maps"
            : loss == TrainingLoss.LogChi
                ? $"batch mean of log(chi(2D) + chi(projection 1) + chi(projection 2) + {Trainer.LogChiOffset}) of the unit-sum output (chi: paper eq. 7)"
                : "batch mean of chi(2D) + chi(projection 1) + chi(projection 2) of the unit-sum output (paper eq. 7)",
    };

    public InputSpec ToSpec() => new(Configuration, IncludeSignal);
}

/// <summary>Mean reconstruction quality on a fixed simulated set.</summary>
public sealed class MetricsCard
{
    public int Count { get; set; }
    public int Seed { get; set; }
    public double Loss { get; set; }
    public double Chi2D { get; set; }
    public double ChiT1 { get; set; }
    public double ChiT2 { get; set; }
    public double MedianChi2D { get; set; }
}

/// <summary>How the model was trained, and the run's summary.</summary>
public sealed class TrainingCard
{
    public TrainingRecipe Recipe { get; set; } = new();
    public string Optimizer { get; set; } = "Adam (L2 weight decay)";
    public double LearningRate { get; set; }
    public double MinLearningRate { get; set; }
    public string Schedule { get; set; } = "";
    public double WeightDecay { get; set; }
    public int BatchSize { get; set; }
    public int Seed { get; set; }
    public long Steps { get; set; }
    public long HorizonSteps { get; set; }
    public long Samples { get; set; }
    public double Seconds { get; set; }
    public string Device { get; set; } = "cpu";
    public double FinalTrainingLoss { get; set; }
    public double FinalValidationLoss { get; set; }
    public double BestValidationLoss { get; set; }
    public bool Completed { get; set; }
    /// <summary>Shape of the recipe's loss (cards written before it existed: Chi).</summary>
    public TrainingLoss Loss { get; set; } = TrainingLoss.Chi;
    /// <summary>File name of the weights the run started from (null: random initialisation), and their SHA-256.</summary>
    public string? InitialWeights { get; set; }
    public string? InitialWeightsSha256 { get; set; }
    /// <summary>Base channels of the initial weights when the run widened a narrower network (null: same width or none).</summary>
    public int? WidenedFromBaseChannels { get; set; }
    /// <summary>Further weights whose parameter average with <see cref="InitialWeights"/> the run started from (null: none).</summary>
    public List<InitialWeightsCard>? AveragedWith { get; set; }
    /// <summary>Batches whose loss or gradient was not finite (NaN or infinite) and that therefore changed no weight.</summary>
    public long SkippedBatches { get; set; }
}

/// <summary>
/// A second network of a model, with the main network's architecture, inputs and grids, that inverts the signals
/// whose estimated SNR is at least <see cref="Snr"/> (the SNR of a 64 x 64 signal carrying the same information, as the
/// noise channel reads it: see <see cref="UnetInversion.EffectiveSnr"/>); the main network inverts the rest. One
/// network trained to resolve narrow pairs draws smooth maps too sharply at low SNR, one trained for those smooth maps
/// blurs narrow pairs at high SNR; the gate lets each read the signals it is best at.
/// </summary>
public sealed class SnrGateCard
{
    /// <summary>Weights stored as float32 (TorchSharp's default) or float16 (half the size; run in float32).</summary>
    public const string Float32 = "float32", Float16 = "float16";

    /// <summary>Whether <paramref name="precision"/> names a way weights are stored: <see cref="Float32"/> or <see cref="Float16"/>.</summary>
    public static bool IsPrecision(string? precision) => precision is Float32 or Float16;

    /// <summary>Signals of estimated SNR at or above this go to the high-SNR network.</summary>
    public double Snr { get; set; }
    /// <summary>Null when the high-SNR network has the main network's architecture; otherwise its own (a wider network, for example).</summary>
    public UNetArchitecture? Architecture { get; set; }
    /// <summary>Its parameter count when <see cref="Architecture"/> is its own.</summary>
    public long? ParameterCount { get; set; }
    public string WeightsFile { get; set; } = "";
    public string WeightsSha256 { get; set; } = "";
    /// <summary><see cref="Float32"/> or <see cref="Float16"/>.</summary>
    public string Precision { get; set; } = Float32;
    /// <summary>How the high-SNR network was trained (its own card's training section).</summary>
    public TrainingCard? Training { get; set; }
    /// <summary>Its validation and test metrics on its run's sets.</summary>
    public MetricsCard? Validation { get; set; }
    public MetricsCard? Test { get; set; }

    /// <summary>The reason the section is unusable, or null.</summary>
    internal string? Problem() =>
        !(Snr > 0) || double.IsInfinity(Snr) ? $"the high-SNR network's gate SNR must be a positive number; got {Snr}"
        : string.IsNullOrWhiteSpace(WeightsFile) || string.IsNullOrWhiteSpace(WeightsSha256) ? "the high-SNR network names no weights file or hash"
        : !IsPrecision(Precision) ? $"the high-SNR network's precision must be {Float32} or {Float16}; got '{Precision}'"
        : null;
}

/// <summary>A weights file a run started from: its file name and SHA-256.</summary>
public sealed class InitialWeightsCard
{
    public string File { get; set; } = "";
    public string Sha256 { get; set; } = "";
}

/// <summary>
/// The JSON file beside a TorchSharp weights file that says what the weights are: architecture and hyperparameters,
/// input configuration and normalisation, the kernels and grids the network was trained for, the training recipe and
/// summary, validation and test metrics, and the SHA-256 of the weights file. Model files: "name.pt" + "name.json".
/// </summary>
public sealed class ModelCard
{
    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public int Format { get; set; } = CurrentFormat;
    public string Name { get; set; } = "";
    public DateTime CreatedUtc { get; set; }
    public string Software { get; set; } = "NmrInversion " + typeof(ModelCard).Assembly.GetName().Version;
    public string WeightsFile { get; set; } = "";
    public string WeightsSha256 { get; set; } = "";
    public UNetArchitecture Architecture { get; set; } = new(1);
    public long ParameterCount { get; set; }
    /// <summary>How the weights file stores them: <see cref="SnrGateCard.Float32"/> (TorchSharp's default, every trained model) or <see cref="SnrGateCard.Float16"/> (half the size; run in float32).</summary>
    public string Precision { get; set; } = SnrGateCard.Float32;
    public InputCard Inputs { get; set; } = new();
    public GridCard Grid { get; set; } = new();
    /// <summary>
    /// Null for a model of one acquisition grid (<see cref="Grid"/>). Otherwise the family of acquisition grids the model
    /// was trained on: it inverts any signal with these kernels whose axes lie in the family, onto <see cref="Grid"/>'s
    /// relaxation axes (Grid's acquisition axes are then only the reference grid).
    /// </summary>
    public AcquisitionFamily? AcquisitionFamily { get; set; }
    public TrainingCard Training { get; set; } = new();
    public MetricsCard? Validation { get; set; }
    public MetricsCard? Test { get; set; }
    /// <summary>Null for a model of one network. Otherwise a second network for signals of high SNR (<see cref="SnrGateCard"/>).</summary>
    public SnrGateCard? HighSnrNetwork { get; set; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Save(string cardPath) => AtomicFile.WriteAllText(cardPath, ToJson());

    /// <summary>Reads and checks a card (format, architecture, grid). Throws ModelFileMissing / ModelCardInvalid.</summary>
    public static ModelCard Load(string cardPath)
    {
        if (!File.Exists(cardPath))
            throw new NmrInputException("ModelFileMissing", $"The model card {cardPath} does not exist; a model is a weights file (.pt) with a JSON card (.json) beside it.", InputProblem.NotFound);
        ModelCard? card;
        try
        {
            card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(cardPath), Json);
        }
        catch (JsonException e)
        {
            throw new NmrInputException("ModelCardInvalid", $"The model card {cardPath} is not valid JSON for a model card: {e.Message}", InputProblem.Data);
        }
        if (card is null)
            throw new NmrInputException("ModelCardInvalid", $"The model card {cardPath} is empty.", InputProblem.Data);
        card.Check(cardPath);
        return card;
    }

    private void Check(string cardPath)
    {
        string Bad(string what) => $"The model card {cardPath} is invalid: {what}.";
        if (Format != CurrentFormat)
            throw new NmrInputException("ModelCardInvalid", Bad($"format {Format}, this module reads format {CurrentFormat}"), InputProblem.Data);
        if (string.IsNullOrWhiteSpace(WeightsFile) || string.IsNullOrWhiteSpace(WeightsSha256))
            throw new NmrInputException("ModelCardInvalid", Bad("it names no weights file or hash"), InputProblem.Data);
        if (Architecture is null)
            throw new NmrInputException("ModelCardInvalid", Bad("no architecture"), InputProblem.Data);
        if (!SnrGateCard.IsPrecision(Precision))
            throw new NmrInputException("ModelCardInvalid", Bad($"the weights' precision must be {SnrGateCard.Float32} or {SnrGateCard.Float16}; got '{Precision}'"), InputProblem.Data);
        try
        {
            Architecture.Validate();
            var spec = Inputs.ToSpec();
            if (spec.ChannelCount != Architecture.InputChannels)
                throw new NmrInputException("ModelCardInvalid", Bad($"the inputs ({spec}) have {spec.ChannelCount} channels but the architecture takes {Architecture.InputChannels}"), InputProblem.Data);
            if (!spec.ChannelNames.SequenceEqual(Inputs.Channels))
                throw new NmrInputException("ModelCardInvalid", Bad($"its channels [{string.Join(", ", Inputs.Channels)}] are not those this module builds for {spec.Configuration} [{string.Join(", ", spec.ChannelNames)}]"), InputProblem.Data);
            NetworkInputs.Check(spec, Grid.ToGrid());
            if (HighSnrNetwork is not null)
            {
                if (HighSnrNetwork.Problem() is { } problem)
                    throw new NmrInputException("ModelCardInvalid", Bad(problem), InputProblem.Data);
                if (spec.Configuration != InputConfiguration.Recipe)
                    throw new NmrInputException("ModelCardInvalid", Bad($"a high-SNR network needs the recipe's noise channel to read the SNR; the inputs are {spec}"), InputProblem.Data);
                if (HighSnrNetwork.Architecture is { } own)
                {
                    own.Validate();
                    if (own.InputChannels != Architecture.InputChannels)
                        throw new NmrInputException("ModelCardInvalid", Bad($"the high-SNR network takes {own.InputChannels} input channels, the main network {Architecture.InputChannels}"), InputProblem.Data);
                }
            }
            if (AcquisitionFamily is not null)
            {
                AcquisitionFamily.Validate();
                if (spec.NeedsAcquisitionGrid)
                    throw new NmrInputException("ModelCardInvalid", Bad($"a model for a family of acquisition grids cannot take inputs that depend on the grid ({spec})"), InputProblem.Data);
            }
        }
        catch (NmrInputException e) when (e.ErrorId != "ModelCardInvalid")
        {
            throw new NmrInputException("ModelCardInvalid", Bad(e.Message), InputProblem.Data);
        }
    }

    public NetworkGrid ToGrid() => Grid.ToGrid();

    /// <summary>The high-SNR network's architecture (its own, or the main network's); null for a model of one network.</summary>
    public UNetArchitecture? HighSnrArchitecture => HighSnrNetwork is null ? null : HighSnrNetwork.Architecture ?? Architecture;

    /// <summary>A family as JSON (or "null"), to compare two families by value.</summary>
    public static string Describe(AcquisitionFamily? family) => JsonSerializer.Serialize(family, Json);

    /// <summary>Kernels and grids as JSON, to compare two models' by value.</summary>
    public static string Describe(GridCard grid) => JsonSerializer.Serialize(grid, Json);

    public InputSpec ToInputSpec() => Inputs.ToSpec();

    /// <summary>Card path for a model path: "x.json" for "x.pt" or "x.json"; "dir/model.json" for a folder.</summary>
    public static string CardPathFor(string modelPath)
    {
        if (Directory.Exists(modelPath)) return Path.Combine(modelPath, "model.json");
        return Path.ChangeExtension(modelPath, ".json");
    }

    /// <summary>The weights file the card names, resolved beside the card.</summary>
    public string WeightsPathBeside(string cardPath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(cardPath))!, WeightsFile);

    /// <summary>The high-SNR network's weights file, resolved beside the card; null for a model of one network.</summary>
    public string? HighSnrWeightsPathBeside(string cardPath) =>
        HighSnrNetwork is null ? null : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(cardPath))!, HighSnrNetwork.WeightsFile);

    /// <summary>Lower-case hexadecimal SHA-256 of a file.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
