namespace NmrInversion.Engine.Formats;

/// <summary>
/// Which measurement a path stands for, so that a folder tree imported file by file yields each measurement once. A
/// Spinsolve measurement is a folder holding a data file and acqu.par: the folder, the data file and acqu.par all stand
/// for that data file (and any other file in the folder, such as notes, is a companion of it). Every other file stands
/// for itself. Keys are full paths, compared ordinally (case-insensitively on Windows).
/// </summary>
public static class MeasurementIdentity
{
    /// <summary>Compares keys as the file system does.</summary>
    public static StringComparer Comparer { get; } = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>The key of the measurement a read of <paramref name="path"/> in <paramref name="format"/> would return.</summary>
    public static string KeyOf(string path, SignalFormat format = SignalFormat.Auto)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        if (format is SignalFormat.Auto or SignalFormat.Spinsolve && Spinsolve.FindParameterFile(full) is not null
            && (Directory.Exists(full) || !Spinsolve.IsCompanionFile(full)))
            return Spinsolve.DataFileOf(full) ?? full;
        return full;
    }

    /// <summary>
    /// For a companion file of a Spinsolve folder (see <see cref="Spinsolve.IsCompanionFile"/>), the key of the folder's
    /// measurement; null for any other path.
    /// </summary>
    public static string? CompanionOf(string path)
    {
        string full = Path.GetFullPath(path);
        if (!Spinsolve.IsCompanionFile(full)) return null;
        return KeyOf(Path.GetDirectoryName(full)!);
    }
}
