using System.Globalization;

namespace NmrInversion.Engine.Network;

/// <summary>
/// Holds a training run folder for one process: the file <c>training.lock</c> opened without sharing for as long as
/// the run lasts (an advisory lock on Linux and macOS, a sharing lock on Windows, released by the operating system when
/// the process dies, so a crash never leaves the folder locked), and <c>training.lock.pid</c> naming the holder's process
/// id. A second training in the same folder (another process or another runspace) gets RunDirectoryInUse with that
/// process id instead of the two runs deleting each other's checkpoint files.
/// </summary>
public sealed class RunDirectoryLock : IDisposable
{
    public const string LockFile = "training.lock";
    public const string HolderFile = "training.lock.pid";

    private readonly FileStream _stream;
    private readonly string _holderPath;

    private RunDirectoryLock(FileStream stream, string holderPath)
    {
        _stream = stream;
        _holderPath = holderPath;
    }

    /// <summary>Locks <paramref name="runDirectory"/> (which must exist) or throws RunDirectoryInUse naming the process that holds it.</summary>
    public static RunDirectoryLock Acquire(string runDirectory)
    {
        string path = Path.Combine(runDirectory, LockFile);
        string holder = Path.Combine(runDirectory, HolderFile);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            string pid = "another process";
            try
            {
                string text = File.ReadAllText(holder).Trim();
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int id)) pid = $"process {id}";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            throw new NmrInputException("RunDirectoryInUse",
                $"{runDirectory} is in use by a training run of {pid} (it holds {LockFile}). Wait for it to finish or stop it, or train in another folder; two runs in one folder would delete each other's checkpoints.",
                InputProblem.Argument);
        }
        try
        {
            File.WriteAllText(holder, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return new RunDirectoryLock(stream, holder);
    }

    /// <summary>Releases the folder (the lock files stay; an unheld lock file is free).</summary>
    public void Dispose()
    {
        try
        {
            if (File.Exists(_holderPath)) File.Delete(_holderPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        _stream.Dispose();
    }
}
