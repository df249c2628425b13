using Xunit;
using NmrInversion.Engine.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace NmrInversion.Engine.Tests;

[Collection("Torch")]
public class TorchRuntimeTests
{
    /// <summary>
    /// On an AMD EPYC of family 26 (Zen 5), libtorch 2.10's oneDNN left this convolution's input gradient non-finite
    /// in 34 of 200 calls until the module capped oneDNN's instruction set (TorchRuntime.DefaultOneDnnIsaCap): every
    /// call must give the finite gradient of the transposed convolution, the same each time.
    /// </summary>
    [Fact]
    public void ConvolutionGradientsAreFiniteAndRepeatable()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var x = torch.rand(16, 4, 16, 16);
        var upstream = torch.rand(16, 8, 16, 16);
        using var conv = nn.Conv2d(4, 8, 3, padding: 1);
        // d/dx sum(conv(x) * g) is the transposed convolution of g with the same weights.
        var expected = nn.functional.conv_transpose2d(upstream, conv.weight!, padding: new long[] { 1, 1 });
        Tensor? firstWeightGradient = null;
        for (int call = 0; call < 200; call++)
        {
            using var inner = torch.NewDisposeScope();
            var xr = x.clone().requires_grad_(true);
            conv.zero_grad();
            (conv.call(xr) * upstream).sum().backward();
            Assert.True(xr.grad!.isfinite().all().item<bool>(), $"non-finite input gradient in call {call}");
            Assert.True(conv.weight!.grad!.isfinite().all().item<bool>(), $"non-finite weight gradient in call {call}");
            Assert.True((xr.grad! - expected).abs().max().item<float>() <= 1e-4f * expected.abs().max().item<float>(), $"input gradient of call {call} is not the transposed convolution");
            if (firstWeightGradient is null) firstWeightGradient = conv.weight!.grad!.clone().MoveToOuterDisposeScope();
            else Assert.True((conv.weight!.grad! - firstWeightGradient).abs().max().item<float>() == 0, $"weight gradient of call {call} differs from the first");
        }
    }

    [Fact]
    public void DescribeReportsTheCpuInstructionCap()
    {
        var info = TorchRuntime.Describe();
        string? set = Environment.GetEnvironmentVariable(TorchRuntime.OneDnnIsaVariable);
        // The module's cap where one is needed, or the user's own.
        if (TorchRuntime.DefaultOneDnnIsaCap() is not null) Assert.NotNull(set);
        Assert.Equal(set, info.CpuInstructionCap);
        // oneDNN reads the native environment, not .NET's copy of it.
        if (set is not null && !OperatingSystem.IsWindows())
            Assert.Equal(set, System.Runtime.InteropServices.Marshal.PtrToStringUTF8(getenv(TorchRuntime.OneDnnIsaVariable)));
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern IntPtr getenv([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string name);
}
