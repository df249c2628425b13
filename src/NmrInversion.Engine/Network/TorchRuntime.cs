using System.Reflection;
using System.Runtime.InteropServices;

namespace NmrInversion.Engine.Network;

/// <summary>What the loaded libtorch reports about itself and the machine.</summary>
public sealed record DeviceInfo(string TorchVersion, string TorchSharpVersion, int Threads, int ProcessorCount, bool CudaAvailable, int CudaDeviceCount, string NativeDirectory)
{
    public override string ToString() => $"libtorch {TorchVersion}, {Threads} threads, CUDA {(CudaAvailable ? "available" : "not available")}";
}

/// <summary>
/// Guards the first call into libtorch. A failed native load poisons the process (every later TorchSharp call throws
/// TypeInitializationException), so the native files are checked before TorchSharp is touched, and a missing or
/// unloadable library becomes one clear error that can be retried after fixing the installation.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _initialised;

    /// <summary>Folder holding TorchSharp.dll and, after a RID-specific publish, the native libraries.</summary>
    public static string NativeDirectory => Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) ?? AppContext.BaseDirectory;

    /// <summary>Native library names the cpu backend needs next to TorchSharp.dll (Linux, macOS, Windows).</summary>
    private static string[] RequiredNativeFiles()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return new[] { "LibTorchSharp.dll", "torch_cpu.dll" };
        if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return new[] { "libLibTorchSharp.dylib", "libtorch_cpu.dylib" };
        return new[] { "libLibTorchSharp.so", "libtorch_cpu.so" };
    }

    /// <summary>Finds the native files or throws a clear error; then initialises libtorch once per process.</summary>
    public static void EnsureLoaded()
    {
        if (_initialised) return;
        lock (Gate)
        {
            if (_initialised) return;
            string dir = NativeDirectory;
            foreach (var file in RequiredNativeFiles())
            {
                bool flat = File.Exists(Path.Combine(dir, file));
                bool nested = File.Exists(Path.Combine(dir, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", file))
                              || Directory.Exists(Path.Combine(dir, "runtimes")) && Directory.EnumerateFiles(Path.Combine(dir, "runtimes"), file, SearchOption.AllDirectories).Any();
                if (!flat && !nested)
                    throw new NmrInputException("TorchNativeMissing",
                        $"libtorch is not installed next to TorchSharp.dll: {file} was not found in {dir}. Rebuild the module with 'dotnet pwsh ./build.ps1' (it publishes libtorch for this platform).",
                        InputProblem.NotFound);
            }
            try
            {
                TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
            }
            catch (Exception e) when (e is not NmrInputException)
            {
                throw new InvalidOperationException(
                    $"libtorch could not be loaded from {dir}: {e.GetBaseException().Message}. On Linux systems whose libstdc++ is older than GLIBCXX_3.4.32 the build patches libLibTorchSharp.so; rebuild with build.ps1.", e);
            }
            _initialised = true;
        }
    }

    /// <summary>Reports the torch version, threads and CUDA availability (loads libtorch if needed).</summary>
    public static DeviceInfo Describe()
    {
        EnsureLoaded();
        bool cuda = TorchSharp.torch.cuda.is_available();
        string tsVersion = typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                           ?? typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown";
        return new DeviceInfo(TorchSharp.torch.__version__, tsVersion.Split('+')[0], TorchSharp.torch.get_num_threads(), Environment.ProcessorCount, cuda,
            cuda ? TorchSharp.torch.cuda.device_count() : 0, NativeDirectory);
    }

    /// <summary>Resolves "cpu", "cuda" or "auto" to a device type; "cuda" without CUDA is an error.</summary>
    public static TorchSharp.DeviceType ResolveDevice(string device)
    {
        EnsureLoaded();
        switch (device.ToLowerInvariant())
        {
            case "cpu": return TorchSharp.DeviceType.CPU;
            case "cuda":
                if (!TorchSharp.torch.cuda.is_available())
                    throw new NmrInputException("CudaNotAvailable", "-Device cuda was requested but CUDA is not available in this process (cpu build of TorchSharp, or no GPU). Use -Device cpu or auto.");
                return TorchSharp.DeviceType.CUDA;
            case "auto": return TorchSharp.torch.cuda.is_available() ? TorchSharp.DeviceType.CUDA : TorchSharp.DeviceType.CPU;
            default: throw new NmrInputException("DeviceUnknown", $"Unknown device '{device}'; use cpu, cuda or auto.");
        }
    }
}
