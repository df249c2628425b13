using Xunit;
using NmrInversion.Engine.Network;

namespace NmrInversion.Engine.Tests;

/// <summary>Temporary folders for tests that write model files; deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nmr-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
        TorchRuntime.EnsureLoaded();
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Tests that train or run torch share one collection so they do not fight for the two cores.</summary>
[CollectionDefinition("Torch", DisableParallelization = true)]
public sealed class TorchCollection { }
