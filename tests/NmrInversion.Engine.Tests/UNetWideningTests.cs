using Xunit;
using NmrInversion.Engine.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace NmrInversion.Engine.Tests;

[Collection("Torch")]
public class UNetWideningTests
{
    public UNetWideningTests() => TorchRuntime.EnsureLoaded();

    private static (float[] Narrow, float[] Wide) Outputs(UNet narrow, UNet wide, int channels, int n1, int n2)
    {
        narrow.eval();
        wide.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        torch.manual_seed(5);
        var x = randn(new long[] { 2, channels, n1, n2 });
        return (narrow.call(x).data<float>().ToArray(), wide.call(x).data<float>().ToArray());
    }

    /// <summary>
    /// A 4-input U-Net with random weights and biases everywhere (not the 0.1 output bias), so that every channel carries
    /// signal to the output; the head's weights are positive, so the map is positive where the (ReLU) features are.
    /// </summary>
    private static UNet RandomUNet(int baseChannels, int depth, int seed)
    {
        torch.manual_seed(seed);
        var net = new UNet(new UNetArchitecture(4, baseChannels, depth, 0));
        using (no_grad())
            foreach (var (name, p) in net.named_parameters())
            {
                p.normal_(name.EndsWith("bias") ? 0.3 : 0, 0.3);
                if (name == "head.weight") p.abs_();
            }
        return net;
    }

    private static double MaxRelativeDifference(float[] a, float[] b) =>
        a.Zip(b, (p, q) => Math.Abs(p - q)).Max() / a.Max(Math.Abs);

    [Theory]
    [InlineData(4, 8, 3, 32, 32)]  // doubling
    [InlineData(4, 6, 3, 32, 32)]  // 1.5x: half the channels copied twice, half once
    [InlineData(3, 7, 2, 20, 24)]  // odd widths, sides padded and cropped
    [InlineData(4, 4, 2, 16, 16)]  // same width: a copy
    public void WithoutNoiseTheWideNetComputesTheNarrowOne(int narrowC, int wideC, int depth, int n1, int n2)
    {
        using var narrow = RandomUNet(narrowC, depth, seed: 21);
        torch.manual_seed(22);
        using var wide = new UNet(new UNetArchitecture(4, wideC, depth, 0.5));
        UNetWidening.Widen(narrow, wide, noise: 0);
        var (a, b) = Outputs(narrow, wide, 4, n1, n2);
        Assert.True(a.Count(v => v > 0) > a.Length / 10, "the test network's output should not be mostly zero");
        Assert.True(MaxRelativeDifference(a, b) < 1e-5, $"max relative difference {MaxRelativeDifference(a, b):G3}");
    }

    [Fact]
    public void NoiseBreaksTheCopiesButKeepsTheMapClose()
    {
        using var narrow = RandomUNet(4, 3, seed: 31);
        using var wide = new UNet(new UNetArchitecture(4, 8, 3, 0));
        torch.manual_seed(32);
        UNetWidening.Widen(narrow, wide, noise: 0.01);
        var (a, b) = Outputs(narrow, wide, 4, 32, 32);
        double d = MaxRelativeDifference(a, b);
        Assert.True(d > 1e-5 && d < 0.1, $"max relative difference {d:G3}");
        // First encoder convolution: wide channel 4 copies narrow channel 0, but not exactly any more.
        var w = wide.named_parameters().Single(p => p.name == "encoders.0.conv1.weight").parameter;
        using var _ = no_grad();
        double copyGap = (w[4] - w[0]).abs().max().item<float>();
        Assert.True(copyGap > 0);
    }

    [Theory]
    [InlineData(8, 4, 3, 3)]   // narrowing
    [InlineData(4, 8, 3, 4)]   // other depth
    public void MismatchedArchitecturesAreRefused(int narrowC, int wideC, int narrowDepth, int wideDepth)
    {
        using var narrow = new UNet(new UNetArchitecture(4, narrowC, narrowDepth, 0));
        using var wide = new UNet(new UNetArchitecture(4, wideC, wideDepth, 0));
        var e = Assert.Throws<NmrInputException>(() => UNetWidening.Widen(narrow, wide));
        Assert.Equal("WideningImpossible", e.ErrorId);
    }
}
