using TorchSharp;
using static TorchSharp.torch;

namespace NmrInversion.Engine.Network;

/// <summary>
/// Function-preserving widening of a trained U-Net (Net2WiderNet, Chen, Goodfellow and Shlens, arXiv 1511.05641):
/// a U-Net with more base channels is given weights that compute the same map as a narrower one, so that a lab can
/// continue training a larger network from the shipped one instead of from scratch.
/// At every stage the wide net's channel j copies the narrow net's channel j mod c (c: the narrow stage's width);
/// a layer reading a copied channel divides the weights it reads by the number of copies, so sums are unchanged.
/// ReLU and max-pooling act per channel and commute with copying; the decoder's concatenation keeps the copies in
/// the skip half and the upsampled half separate. Copies would receive identical gradients forever, so a little
/// noise (relative to each layer's weight spread) is added to break the symmetry; with zero noise the wide net
/// reproduces the narrow one to rounding.
/// </summary>
public static class UNetWidening
{
    /// <summary>Whether <paramref name="wide"/> can be widened from <paramref name="narrow"/>: same inputs and depth, at least as many base channels.</summary>
    public static bool CanWiden(UNetArchitecture narrow, UNetArchitecture wide) =>
        narrow.InputChannels == wide.InputChannels && narrow.Depth == wide.Depth && narrow.BaseChannels <= wide.BaseChannels;

    /// <summary>
    /// Overwrites the weights of <paramref name="wide"/> with the widened weights of <paramref name="narrow"/>; the noise
    /// added to each weight tensor has standard deviation <paramref name="noise"/> times that tensor's standard deviation
    /// in the narrow net (drawn from torch's global generator: seed it for reproducibility).
    /// </summary>
    public static void Widen(UNet narrow, UNet wide, double noise = 0.01)
    {
        var a = narrow.Architecture;
        var b = wide.Architecture;
        if (!CanWiden(a, b))
            throw new NmrInputException("WideningImpossible",
                $"A {b.BaseChannels}-channel U-Net with {b.InputChannels} inputs and depth {b.Depth} cannot be widened from one with {a.BaseChannels} channels, {a.InputChannels} inputs and depth {a.Depth}: inputs and depth must match and the width may only grow.");
        if (!(noise >= 0) || double.IsInfinity(noise))
            throw new NmrInputException("WideningNoiseInvalid", $"The symmetry-breaking noise must be a finite number >= 0; got {noise}.");

        var source = narrow.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, target) in wide.named_parameters())
        {
            if (!source.TryGetValue(name, out var old))
                throw new InvalidOperationException($"The narrow U-Net has no parameter {name}.");
            var (input, output, transposed) = Channels(name, a, b);
            var w = old.to(target.device);
            bool isBias = name.EndsWith(".bias", StringComparison.Ordinal);
            int outDim = isBias ? 0 : transposed ? 1 : 0;
            w = w.index_select(outDim, tensor(output.Source, device: target.device));
            if (!isBias)
            {
                int inDim = transposed ? 0 : 1;
                w = w.index_select(inDim, tensor(input.Source, device: target.device));
                var shape = new long[] { 1, 1, 1, 1 };
                shape[inDim] = input.Source.Length;
                var divisor = tensor(input.Copies, dtype: w.dtype, device: target.device).reshape(shape);
                w = w / divisor;
                if (noise > 0)
                {
                    double spread = old.numel() > 1 ? old.std().item<float>() : 0;
                    w = w + randn_like(w) * (noise * spread);
                }
            }
            target.copy_(w);
        }
    }

    /// <summary>Which narrow channel each wide channel copies, and how many copies that narrow channel has.</summary>
    private sealed record ChannelMap(long[] Source, float[] Copies)
    {
        public static ChannelMap Identity(int n) => new(Enumerable.Range(0, n).Select(i => (long)i).ToArray(), Enumerable.Repeat(1f, n).ToArray());

        public static ChannelMap Stage(int narrow, int wide)
        {
            var source = Enumerable.Range(0, wide).Select(j => (long)(j % narrow)).ToArray();
            var counts = new int[narrow];
            foreach (var s in source) counts[s]++;
            return new(source, source.Select(s => (float)counts[s]).ToArray());
        }

        /// <summary>The decoder's input: [skip copies | upsampled copies], the upsampled half offset by the narrow width.</summary>
        public static ChannelMap Concatenated(ChannelMap stage, int narrow) =>
            new(stage.Source.Concat(stage.Source.Select(s => s + narrow)).ToArray(), stage.Copies.Concat(stage.Copies).ToArray());
    }

    private static (ChannelMap Input, ChannelMap Output, bool Transposed) Channels(string name, UNetArchitecture a, UNetArchitecture b)
    {
        ChannelMap StageMap(int d) => ChannelMap.Stage(a.BaseChannels << d, b.BaseChannels << d);
        var parts = name.Split('.');
        switch (parts[0])
        {
            case "encoders":
            {
                int d = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                var input = parts[2] == "conv1" ? (d == 0 ? ChannelMap.Identity(a.InputChannels) : StageMap(d - 1)) : StageMap(d);
                return (input, StageMap(d), false);
            }
            case "bridge":
                return (parts[1] == "conv1" ? StageMap(a.Depth - 1) : StageMap(a.Depth), StageMap(a.Depth), false);
            case "upsamplers":
            {
                int d = a.Depth - 1 - int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                return (StageMap(d + 1), StageMap(d), true);
            }
            case "decoders":
            {
                int d = a.Depth - 1 - int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                var input = parts[2] == "conv1" ? ChannelMap.Concatenated(StageMap(d), a.BaseChannels << d) : StageMap(d);
                return (input, StageMap(d), false);
            }
            case "head":
                return (StageMap(0), ChannelMap.Identity(1), false);
            default:
                throw new InvalidOperationException($"Unknown U-Net parameter {name}.");
        }
    }
}
