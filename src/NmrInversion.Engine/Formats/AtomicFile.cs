namespace NmrInversion.Engine.Formats;

/// <summary>
/// Writes a file without ever leaving a half-written one: the content goes to a temporary file in the same folder
/// (same volume, so the final rename is atomic), which then replaces the target. Refuses to replace an existing file
/// unless asked to.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, bool overwrite, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new NmrInputException("DirectoryNotFound", $"Folder '{folder}' does not exist; create it first.", InputProblem.NotFound);
        if (!overwrite && File.Exists(full))
            throw new IOException($"File '{full}' exists; pass -Force to replace it.");
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes text (UTF-8 without BOM, '\n' line ends) through <see cref="Write(string, bool, Action{Stream})"/>.</summary>
    public static void WriteText(string path, bool overwrite, Action<TextWriter> write) =>
        Write(path, overwrite, s =>
        {
            using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            write(w);
        });
}
