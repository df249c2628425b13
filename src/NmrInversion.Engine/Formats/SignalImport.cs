using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Formats;

/// <summary>Reads a measurement in any supported format (detected unless <see cref="ImportOptions.Format"/> says).</summary>
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
        try
        {
            return format switch
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
    }
}
