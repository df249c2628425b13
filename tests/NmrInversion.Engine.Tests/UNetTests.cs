using Xunit;
using NmrInversion.Engine.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace NmrInversion.Engine.Tests;

[Collection("Torch")]
public class UNetTests
{
    public UNetTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(64, 64, 4, 4)]
    [InlineData(20, 24, 2, 3)] // sides not multiples of 2^depth: padded and cropped
    public void OutputHasMapShapeAndIsNonNegative(int n1, int n2, int depth, int channels)
    {
        torch.manual_seed(7);
        using var net = new UNet(new UNetArchitecture(channels, 4, depth));
        net.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = randn(new long[] { 3, channels, n1, n2 });
        var y = net.call(x);
        Assert.Equal(new long[] { 3, 1, n1, n2 }, y.shape);
        Assert.True(y.min().item<float>() >= 0f);
        Assert.True(y.max().item<float>() > 0f); // the output bias starts at 0.1, so the map is not dead
    }

    [Fact]
    public void ChannelsDoublePerStage()
    {
        using var net = new UNet(new UNetArchitecture(1, 2, 2, 0.5));
        // Independent count: encoder 1->2->2, 2->4->4; bridge 4->8->8; up 8->4 (2x2), dec 8->4->4; up 4->2, dec 4->2->2; head 2->1.
        long Conv(long i, long o, long k) => i * o * k * k + o;
        long expected = Conv(1, 2, 3) + Conv(2, 2, 3) + Conv(2, 4, 3) + Conv(4, 4, 3) + Conv(4, 8, 3) + Conv(8, 8, 3)
                        + Conv(8, 4, 2) + Conv(8, 4, 3) + Conv(4, 4, 3) + Conv(4, 2, 2) + Conv(4, 2, 3) + Conv(2, 2, 3) + Conv(2, 1, 1);
        Assert.Equal(expected, net.ParameterCount);
    }

    [Fact]
    public void SaveLoadRoundTripGivesIdenticalOutputs()
    {
        using var folder = new TempFolder();
        var arch = new UNetArchitecture(5, 4, 3);
        torch.manual_seed(11);
        using var a = new UNet(arch);
        torch.manual_seed(99); // different initial weights, overwritten by the load
        using var b = new UNet(arch);
        string file = folder.Sub("w.pt");
        a.save(file);
        b.load(file);
        a.eval();
        b.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = randn(new long[] { 2, 5, 32, 32 });
        var ya = a.call(x).data<float>().ToArray();
        var yb = b.call(x).data<float>().ToArray();
        Assert.Equal(ya, yb);
    }
}
