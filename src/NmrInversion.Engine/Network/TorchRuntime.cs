using System.Reflection;
using System.Runtime.InteropServices;

namespace NmrInversion.Engine.Network;

/// <summary>What the loaded libtorch reports about itself and the machine.</summary>
public sealed record DeviceInfo(string TorchVersion, string TorchSharpVersion, int Threads, int ProcessorCount, bool CudaAvailable, int CudaDeviceCount, string NativeDirectory)
{
    /// <summary>The instruction-set cap of libtorch's CPU convolutions (oneDNN's DNNL_MAX_CPU_ISA; null: oneDNN's own choice). See <see cref="TorchRuntime.OneDnnIsaCap"/>.</summary>
    public string? CpuInstructionCap { get; init; }

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
            CapOneDnnIsa();
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

    /// <summary>The environment variable by which oneDNN (libtorch's CPU convolutions) caps its instruction set.</summary>
    public const string OneDnnIsaVariable = "DNNL_MAX_CPU_ISA";

    /// <summary>The instruction set the module caps oneDNN at on processors where its faster kernels were measured wrong (see <see cref="DefaultOneDnnIsaCap"/>).</summary>
    public const string OneDnnIsaCap = "SSE41";

    /// <summary>
    /// The cap the module sets when the user set none: <see cref="OneDnnIsaCap"/> on AMD processors of family 26 (Zen 5)
    /// and later, null (oneDNN's own choice) elsewhere. Measured on an AMD EPYC of family 26 (2 cores, libtorch 2.10):
    /// with AVX-512 kernels the input gradient of a 4-to-8-channel 3 x 3 convolution came out non-finite in 34 of 200
    /// calls and the weight gradient of the 40-channel network's first layer in 2 of 40, which poisons Adam within a few
    /// steps (a 40-channel fine-tune went NaN before step 500); capped at AVX2 the trainer tests' small U-Net still drew
    /// NaN gradients now and then; at AVX2, AVX and AVX-512 alike the forward pass of U-Nets of 3, 6 or 7 base channels
    /// differed from the same function computed with other widths by up to 92% (the 32- and 40-channel networks' forward
    /// passes were right). At SSE4.1 every one of these came out right and bit-for-bit repeatable. Cost there: forward
    /// pass about 66 against 33 ms per signal (32 channels, depth 4), training about 8 against 26 samples/s.
    /// </summary>
    public static string? DefaultOneDnnIsaCap()
    {
        if (!System.Runtime.Intrinsics.X86.X86Base.IsSupported) return null;
        var (_, ebx, ecx, edx) = System.Runtime.Intrinsics.X86.X86Base.CpuId(0, 0);
        string vendor = string.Concat(new[] { ebx, edx, ecx }.Select(r => System.Text.Encoding.ASCII.GetString(BitConverter.GetBytes(r))));
        if (vendor != "AuthenticAMD") return null;
        int eax = System.Runtime.Intrinsics.X86.X86Base.CpuId(1, 0).Eax;
        int family = (eax >> 8) & 0xF;
        if (family == 0xF) family += (eax >> 20) & 0xFF;
        return family >= 26 ? OneDnnIsaCap : null;
    }

    /// <summary>
    /// Sets <see cref="DefaultOneDnnIsaCap"/> before libtorch loads, unless the user chose a cap (DNNL_MAX_CPU_ISA or
    /// ONEDNN_MAX_CPU_ISA; ALL lifts it). oneDNN reads the variable once, from the process environment, when it first
    /// picks its kernels, so it is set natively (setenv; on Windows the managed call sets the same block).
    /// </summary>
    private static void CapOneDnnIsa()
    {
        if (IsaCapInEffect() is not null || DefaultOneDnnIsaCap() is not { } cap) return;
        Environment.SetEnvironmentVariable(OneDnnIsaVariable, cap);
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
        try
        {
            NativeEnvironment.setenv(OneDnnIsaVariable, cap, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc to call: oneDNN keeps its own choice of instruction set.
        }
    }

    /// <summary>The cap oneDNN will read: DNNL_MAX_CPU_ISA, else its newer name ONEDNN_MAX_CPU_ISA (null: none set).</summary>
    private static string? IsaCapInEffect()
    {
        static string? NonEmpty(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
        return NonEmpty(OneDnnIsaVariable) ?? NonEmpty("ONEDNN_MAX_CPU_ISA");
    }

    private static class NativeEnvironment
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
    }

    /// <summary>Reports the torch version, threads and CUDA availability (loads libtorch if needed).</summary>
    public static DeviceInfo Describe()
    {
        EnsureLoaded();
        bool cuda = TorchSharp.torch.cuda.is_available();
        string tsVersion = typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                           ?? typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown";
        return new DeviceInfo(TorchSharp.torch.__version__, tsVersion.Split('+')[0], TorchSharp.torch.get_num_threads(), Environment.ProcessorCount, cuda,
            cuda ? TorchSharp.torch.cuda.device_count() : 0, NativeDirectory)
        {
            CpuInstructionCap = IsaCapInEffect(),
        };
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
