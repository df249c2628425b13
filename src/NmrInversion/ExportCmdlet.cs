using System.Management.Automation;
using NmrInversion.Engine.Formats;

namespace NmrInversion.Commands;

/// <summary>
/// What Export-NmrSignal and Export-NmrDistribution share: -Path, -Format (by extension by default), -Force, -PassThru,
/// -WhatIf, no overwrite without -Force, one file per pipeline item, and atomic writes (temporary file, then rename).
/// </summary>
public abstract class ExportCmdlet : NmrCmdlet
{
    /// <summary>The file to write. The extension .json selects JSON unless -Format says otherwise. Wildcards name an existing file (exactly one); a path that matches none is taken as the name of a new file.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The file to write, taken literally (brackets and other wildcard characters are part of the name).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath")]
    [Alias("LP")]
    [ValidateNotNullOrEmpty]
    public string? LiteralPath { get; set; }

    /// <summary>Csv or Json; Auto (default) chooses by extension (.json: Json, else Csv).</summary>
    [Parameter]
    [ValidateSet("Auto", "Csv", "Json")]
    public string Format { get; set; } = "Auto";

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Output the written file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="item"/> to -Path as JSON or CSV (after the checks and ShouldProcess); errors are per item.</summary>
    protected void Export(object item, string description, Action<Stream> writeJson, Action<TextWriter> writeCsv)
    {
        string? path = ExportTarget.Resolve(this, Path, LiteralPath, item);
        if (path is null) return;
        bool json = ExportTarget.IsJson(Format, path);
        if (!ExportTarget.CheckWritable(this, path, Force, _written, item)) return;
        if (!ShouldProcess(path, $"Write {description} as {(json ? "JSON" : "CSV")}")) return;
        RunForItem(() =>
        {
            if (json) AtomicFile.Write(path, Force, writeJson);
            else AtomicFile.WriteText(path, Force, writeCsv);
            _written.Add(path);
            if (PassThru) WriteObject(new FileInfo(path));
        }, item);
    }
}

/// <summary>
/// What every export cmdlet (Export-NmrSignal, Export-NmrDistribution, Export-NmrPlot) shares: the target from -Path or
/// -LiteralPath, format by extension, no overwrite without -Force, one file per item. Problems with the target are
/// non-terminating errors of the item.
/// </summary>
internal static class ExportTarget
{
    /// <summary>
    /// The file system path to write: -LiteralPath as it is; -Path with wildcards the one existing file it matches (an
    /// error PathAmbiguous for several), or, when it matches none, the path taken literally (a new file). Null after
    /// writing the error.
    /// </summary>
    public static string? Resolve(PSCmdlet cmdlet, string? path, string? literalPath, object? target)
    {
        if (literalPath is not null) return cmdlet.GetUnresolvedProviderPathFromPSPath(literalPath);
        if (!WildcardPattern.ContainsWildcardCharacters(path!)) return cmdlet.GetUnresolvedProviderPathFromPSPath(path!);
        List<string> matches;
        try
        {
            matches = cmdlet.GetResolvedProviderPathFromPSPath(path!, out _).ToList();
        }
        catch (ItemNotFoundException)
        {
            matches = new List<string>();
        }
        catch (System.Management.Automation.DriveNotFoundException)
        {
            matches = new List<string>();
        }
        if (matches.Count == 1) return matches[0];
        if (matches.Count > 1)
        {
            cmdlet.WriteError(new ErrorRecord(new IOException($"-Path '{path}' matches {matches.Count} files ({string.Join(", ", matches.Take(3).Select(System.IO.Path.GetFileName))}{(matches.Count > 3 ? ", ..." : "")}); name one file, or pass -LiteralPath to write a name with wildcard characters."),
                "PathAmbiguous", ErrorCategory.InvalidArgument, path));
            return null;
        }
        return cmdlet.GetUnresolvedProviderPathFromPSPath(WildcardPattern.Unescape(path!));
    }

    public static bool IsJson(string format, string path) =>
        format == "Json" || (format == "Auto" && string.Equals(System.IO.Path.GetExtension(path), ".json", StringComparison.OrdinalIgnoreCase));

    /// <summary>Writes a non-terminating error and returns false when the file may not be written.</summary>
    public static bool CheckWritable(PSCmdlet cmdlet, string path, bool force, HashSet<string> written, object target)
    {
        if (written.Contains(path))
        {
            cmdlet.WriteError(new ErrorRecord(new IOException($"'{path}' was already written by this command; give each item its own file, e.g. ForEach-Object {{ Export-... -Path \"$($_.Name).csv\" }}."),
                "ExportPathReused", ErrorCategory.ResourceExists, target));
            return false;
        }
        if (File.Exists(path) && !force)
        {
            cmdlet.WriteError(new ErrorRecord(new IOException($"File '{path}' exists; pass -Force to replace it."), "FileExists", ErrorCategory.ResourceExists, path));
            return false;
        }
        if (Directory.Exists(path))
        {
            cmdlet.WriteError(new ErrorRecord(new IOException($"'{path}' is a folder; give a file name."), "PathIsFolder", ErrorCategory.InvalidArgument, path));
            return false;
        }
        return true;
    }
}
