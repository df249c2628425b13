using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace NmrInversion.Engine.Formats;

/// <summary>
/// The one way the module writes a file without ever leaving a half-written one: the content goes to a temporary file
/// in the same folder (same volume, so the final rename is atomic), which then replaces the target. Refuses to replace
/// an existing file unless asked to. The temporary file is hidden and named after the target and the writing process,
/// <c>.NAME.PID-GUID.tmp</c>; one that a crashed writer (kill -9, power loss) left behind is removed by the next write
/// of the same target, whatever process makes it. A temporary file of a live writer (this process, or another process
/// that is still running) is left alone.
/// </summary>
public static class AtomicFile
{
    /// <summary>A temporary file older than this whose name does not say its process (an older naming) counts as stale.</summary>
    private static readonly TimeSpan UnnamedStaleAge = TimeSpan.FromMinutes(10);

    /// <summary>Temporary files this process is writing now (never removed as stale).</summary>
    private static readonly ConcurrentDictionary<string, byte> InFlight = new(StringComparer.Ordinal);

    /// <summary>Writes the target through a stream on the temporary file (flushed to disk before the rename).</summary>
    public static void Write(string path, bool overwrite, Action<Stream> write) =>
        Write(path, overwrite, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            write(stream);
            stream.Flush(flushToDisk: true);
        });

    /// <summary>Writes text (UTF-8 without BOM, '\n' line ends) through <see cref="Write(string, bool, Action{Stream})"/>.</summary>
    public static void WriteText(string path, bool overwrite, Action<TextWriter> write) =>
        Write(path, overwrite, s =>
        {
            using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            write(w);
        });

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> (UTF-8 without BOM).</summary>
    public static void WriteAllText(string path, string text) => WriteText(path, true, w => w.Write(text));

    /// <summary>Replaces <paramref name="path"/> with a file that <paramref name="writeTo"/> writes by name (for writers that take a path, such as libtorch's save).</summary>
    public static void Write(string path, Action<string> writeTo) => Write(path, true, writeTo);

    /// <summary>
    /// Lets <paramref name="writeTo"/> write the temporary file by name, then renames it over the target (only with
    /// <paramref name="overwrite"/> when the target exists). The temporary file never survives a failure.
    /// </summary>
    public static void Write(string path, bool overwrite, Action<string> writeTo)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new NmrInputException("DirectoryNotFound", $"Folder '{folder}' does not exist; create it first.", InputProblem.NotFound);
        if (!overwrite && File.Exists(full))
            throw new IOException($"File '{full}' exists; pass -Force to replace it.");
        RemoveStaleTemporaries(full);
        string temp = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{TemporaryPrefix(full)}{Environment.ProcessId}-{Guid.NewGuid():N}.tmp"));
        InFlight[temp] = 0;
        try
        {
            writeTo(temp);
            if (!File.Exists(temp))
                throw new IOException($"Writing '{full}' produced no file.");
            File.Move(temp, full, overwrite);
        }
        finally
        {
            try
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            InFlight.TryRemove(temp, out _);
        }
    }

    /// <summary>The start of the temporary files' names of a target: ".NAME.".</summary>
    private static string TemporaryPrefix(string fullPath) => $".{Path.GetFileName(fullPath)}.";

    /// <summary>
    /// Removes the temporary files of <paramref name="path"/> that no live writer holds: those of a process that is no
    /// longer running, and those without a process id in their name (an older naming) older than ten minutes. Returns
    /// how many were removed. Files that cannot be removed (no permission) are left.
    /// </summary>
    public static int RemoveStaleTemporaries(string path)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        string prefix = TemporaryPrefix(full);
        int removed = 0;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(folder, prefix + "*.tmp").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (var temp in candidates)
        {
            string name = Path.GetFileName(temp);
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || InFlight.ContainsKey(temp)) continue;
            string middle = name[prefix.Length..^".tmp".Length];
            bool stale;
            int dash = middle.IndexOf('-');
            if (dash > 0 && int.TryParse(middle[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                stale = pid == Environment.ProcessId || !IsRunning(pid); // this process: not in flight, so left over
            else
                stale = DateTime.UtcNow - File.GetLastWriteTimeUtc(temp) > UnnamedStaleAge;
            if (!stale) continue;
            try
            {
                File.Delete(temp);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
