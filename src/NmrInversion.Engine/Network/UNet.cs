using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace NmrInversion.Engine.Network;

/// <summary>Shape of a U-Net: input channels, channels of the first stage (doubling per stage), encoder depth, bridge dropout.</summary>
public sealed record UNetArchitecture(int InputChannels, int BaseChannels = 16, int Depth = 4, double Dropout = 0.5, double OutputBiasInit = 0.1)
{
    public void Validate()
    {
        if (InputChannels < 1) throw new NmrInputException("ArchitectureInvalid", $"A U-Net needs at least one input channel; got {InputChannels}.");
        if (BaseChannels < 1 || BaseChannels > 512) throw new NmrInputException("ArchitectureInvalid", $"Base channels must be 1..512; got {BaseChannels}.");
        if (Depth < 1 || Depth > 6) throw new NmrInputException("ArchitectureInvalid", $"Encoder depth must be 1..6; got {Depth}.");
        if (!(Dropout >= 0 && Dropout < 1)) throw new NmrInputException("ArchitectureInvalid", $"Dropout must be in [0, 1); got {Dropout}.");
    }
}

/// <summary>
/// The U-Net of the paper (Matlab unetLayers, encoder depth 4, softmax/segmentation replaced by ReLU + regression),
/// built in TorchSharp: per encoder stage two 3x3 convolutions (padding 1) with ReLU and a 2x2 max-pool, channels
/// doubling per stage from <see cref="UNetArchitecture.BaseChannels"/>; a bridge of two 3x3 convolutions with dropout;
/// per decoder stage a 2x2 transposed convolution, concatenation with the matching encoder output and two 3x3
/// convolutions with ReLU; a 1x1 output convolution and a final ReLU. Inputs whose sides are not multiples of
/// 2^depth are zero-padded on the high side and the output cropped back. Input [B, C, n1, n2] -> output [B, 1, n1, n2].
/// </summary>
public sealed class UNet : Module<Tensor, Tensor>
{
    private readonly ModuleList<Module<Tensor, Tensor>> encoders = new();
    private readonly ModuleList<Module<Tensor, Tensor>> upsamplers = new();
    private readonly ModuleList<Module<Tensor, Tensor>> decoders = new();
    private readonly Module<Tensor, Tensor> pool;
    private readonly Module<Tensor, Tensor> bridge;
    private readonly Conv2d head;

    public UNet(UNetArchitecture architecture) : base("UNet")
    {
        architecture.Validate();
        Architecture = architecture;
        int c = architecture.BaseChannels;
        int inC = architecture.InputChannels;
        for (int d = 0; d < architecture.Depth; d++)
        {
            int outC = c << d;
            encoders.Add(DoubleConv(inC, outC, 0));
            inC = outC;
        }
        pool = MaxPool2d(2);
        int bridgeC = c << architecture.Depth;
        bridge = DoubleConv(inC, bridgeC, architecture.Dropout);
        inC = bridgeC;
        for (int d = architecture.Depth - 1; d >= 0; d--)
        {
            int outC = c << d;
            upsamplers.Add(ConvTranspose2d(inC, outC, 2, stride: 2));
            decoders.Add(DoubleConv(2 * outC, outC, 0));
            inC = outC;
        }
        head = Conv2d(inC, 1, 1);
        RegisterComponents();
        using (no_grad())
            head.bias!.fill_(architecture.OutputBiasInit);
    }

    public UNetArchitecture Architecture { get; }

    private static Module<Tensor, Tensor> DoubleConv(int inC, int outC, double dropout)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            ("conv1", Conv2d(inC, outC, 3, padding: 1)),
            ("relu1", ReLU()),
            ("conv2", Conv2d(outC, outC, 3, padding: 1)),
            ("relu2", ReLU()),
        };
        if (dropout > 0) layers.Add(("dropout", Dropout(dropout)));
        return Sequential(layers);
    }

    public override Tensor forward(Tensor input)
    {
        long h = input.shape[2], w = input.shape[3];
        long multiple = 1L << Architecture.Depth;
        long ph = (multiple - h % multiple) % multiple, pw = (multiple - w % multiple) % multiple;
        var x = ph > 0 || pw > 0 ? functional.pad(input, new long[] { 0, pw, 0, ph }) : input;
        var skips = new List<Tensor>(Architecture.Depth);
        foreach (var encoder in encoders)
        {
            x = encoder.call(x);
            skips.Add(x);
            x = pool.call(x);
        }
        x = bridge.call(x);
        for (int k = 0; k < decoders.Count; k++)
        {
            x = upsamplers[k].call(x);
            x = cat(new[] { skips[skips.Count - 1 - k], x }, 1);
            x = decoders[k].call(x);
        }
        x = functional.relu(head.call(x));
        if (ph > 0 || pw > 0) x = x[.., .., ..(int)h, ..(int)w];
        return x;
    }

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());
}
