namespace NmrInversion.Engine.Network;

/// <summary>
/// Makes a model of two networks (<see cref="SnrGateCard"/>): a main network for signals below a gate SNR and a
/// high-SNR network for the rest, both trained for the same inputs and grids; their widths and depths may differ (the
/// card then records the high-SNR network's own architecture). The model is a card NAME.json with the main weights
/// NAME.pt (float32 by default, as trained) and the high-SNR weights NAME-high-snr.pt (float16 by default).
/// </summary>
public static class SnrGatedModel
{
    /// <summary>The file name of the high-SNR weights beside a card NAME.json.</summary>
    public static string HighSnrWeightsFileFor(string cardPath) => Path.GetFileNameWithoutExtension(cardPath) + "-high-snr.pt";

    /// <summary>
    /// Writes the model to <paramref name="outputCardPath"/> (and its two weights files beside it) and returns its card.
    /// Throws ModelsIncompatible when the two networks differ in inputs, grids or acquisition family, or either already
    /// has a high-SNR network; GateSnrInvalid for a gate that is not a positive number; PrecisionInvalid for a precision
    /// other than float32 or float16; an IOException when a file would be replaced without <paramref name="force"/>.
    /// </summary>
    public static ModelCard Write(string mainCardPath, string highCardPath, double gateSnr, string outputCardPath,
        string precision = SnrGateCard.Float16, bool force = false, string mainPrecision = SnrGateCard.Float32)
    {
        if (!(gateSnr > 0) || double.IsInfinity(gateSnr))
            throw new NmrInputException("GateSnrInvalid", $"The gate SNR must be a positive number; got {gateSnr}.");
        foreach (var (p, which) in new[] { (precision, "high-SNR"), (mainPrecision, "main") })
            if (!SnrGateCard.IsPrecision(p))
                throw new NmrInputException("PrecisionInvalid", $"The {which} network's precision must be {SnrGateCard.Float32} or {SnrGateCard.Float16}; got '{p}'.");
        var main = ModelCard.Load(mainCardPath);
        var high = ModelCard.Load(highCardPath);
        string? why = main.HighSnrNetwork is not null ? $"{mainCardPath} already has a high-SNR network"
            : high.HighSnrNetwork is not null ? $"{highCardPath} already has a high-SNR network"
            : main.ToInputSpec() != high.ToInputSpec() ? $"the inputs differ ({main.ToInputSpec()} and {high.ToInputSpec()})"
            : ModelCard.Describe(main.Grid) != ModelCard.Describe(high.Grid) ? "the kernels or grids differ"
            : ModelCard.Describe(main.AcquisitionFamily) != ModelCard.Describe(high.AcquisitionFamily) ? "the acquisition families differ"
            : null;
        if (why is not null)
            throw new NmrInputException("ModelsIncompatible", $"A model of two networks needs two networks for the same signals: {why}.");

        string outCard = Path.GetFullPath(outputCardPath);
        string outWeights = Path.ChangeExtension(outCard, ".pt");
        string outHigh = Path.Combine(Path.GetDirectoryName(outCard)!, HighSnrWeightsFileFor(outCard));
        string mainWeights = main.WeightsPathBeside(mainCardPath), highWeights = high.WeightsPathBeside(highCardPath);
        if (!force && new[] { outCard, outWeights, outHigh }.FirstOrDefault(File.Exists) is { } existing)
            throw new IOException($"File '{existing}' exists; pass -Force to replace it.");
        foreach (var w in new[] { mainWeights, highWeights })
            if (!File.Exists(w))
                throw new NmrInputException("ModelFileMissing", $"The weights file {w} does not exist.", InputProblem.NotFound);

        // Loading checks each file's hash and architecture before anything is written.
        var loadedMain = ModelCache.Load(main, Path.GetFullPath(mainCardPath), mainWeights, TorchSharp.DeviceType.CPU);
        LoadedModel? loaded = null;
        try
        {
            loaded = ModelCache.Load(high, Path.GetFullPath(highCardPath), highWeights, TorchSharp.DeviceType.CPU);
            Directory.CreateDirectory(Path.GetDirectoryName(outCard)!);
            ModelCache.SaveWeights(loaded.Network, outHigh, precision);
            if (mainPrecision != main.Precision)
                ModelCache.SaveWeights(loadedMain.Network, outWeights, mainPrecision);
            else if (!string.Equals(Path.GetFullPath(mainWeights), outWeights, StringComparison.Ordinal))
                File.Copy(mainWeights, outWeights, overwrite: true);
        }
        finally
        {
            loaded?.Network.Dispose();
            loadedMain.Network.Dispose();
        }

        main.WeightsFile = Path.GetFileName(outWeights);
        main.WeightsSha256 = ModelCard.Sha256Of(outWeights);
        main.Precision = mainPrecision;
        bool ownArchitecture = high.Architecture != main.Architecture;
        main.HighSnrNetwork = new SnrGateCard
        {
            Snr = gateSnr,
            Architecture = ownArchitecture ? high.Architecture : null,
            ParameterCount = ownArchitecture ? high.ParameterCount : null,
            WeightsFile = Path.GetFileName(outHigh),
            WeightsSha256 = ModelCard.Sha256Of(outHigh),
            Precision = precision,
            Training = high.Training,
            Validation = high.Validation,
            Test = high.Test,
        };
        main.Save(outCard);
        return ModelCard.Load(outCard);
    }
}
