using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Formats;

/// <summary>
/// Reads a measurement in any supported format (detected unless <see cref="ImportOptions.Format"/> says), and attaches
/// what the import checks found doubtful to its <see cref="Signal2D.Warnings"/>: a shape that does not fit the
/// experiment's kernels (<see cref="KernelShapeCheck"/>), no noise level (NoiseLevelUnknown).
/// </summary>
public static class SignalImport
{
    public static Signal2D Read(string path, ImportOptions options)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new NmrInputException("FileNotFound", $"'{path}' does not exist; pass a measurement file or a Spinsolve folder.", InputProblem.NotFound);
        bool detected = options.Format == SignalFormat.Auto;
        var format = detected ? FormatDetection.Detect(path) : options.Format;
        if (format != SignalFormat.Spinsolve && Directory.Exists(path))
            throw new NmrInputException("FormatNotRecognized", $"'{path}' is a folder; only -Format Spinsolve (or Auto) reads a folder.", InputProblem.Data);
        Signal2D signal;
        try
        {
            signal = format switch
            {
                SignalFormat.Csv => CsvSignal.Read(path, options),
                SignalFormat.Json => SignalJson.ReadSignal(path, options),
                SignalFormat.Spinsolve => Spinsolve.Read(path, options),
                SignalFormat.Minispec => Minispec.Read(path, options),
                SignalFormat.GeoSpec => GeoSpec.Read(path, options),
                SignalFormat.Tecmag => Tecmag.Read(path, options),
                _ => throw new NmrInputException("FormatInvalid", $"Unknown format {options.Format}."),
            };
        }
        catch (NmrInputException e) when (detected && format == SignalFormat.Csv && e.ErrorId is "CsvCellNotNumeric" or "CsvRaggedRow")
        {
            throw new NmrInputException(e.ErrorId, e.Message + " (Read as delimited text: the content is not NmrInversion JSON, GeoSpec, minispec or Spinsolve.)", e.Problem);
        }
        var warnings = new List<NmrWarning>(KernelShapeCheck.Check(signal));
        warnings.AddRange(AcquisitionPlausibility.Check(signal));
        if (signal.NoiseSigma is null)
            warnings.Add(new NmrWarning("NoiseLevelUnknown",
                $"'{signal.Name}' has no noise level: the file states none and none could be estimated from its {signal.Size} point(s). Inversions report no misfit (NaN) and choose alpha without it; pass -NoiseSigma."));
        return signal.WithWarnings(warnings);
    }
}
