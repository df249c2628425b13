using System.Globalization;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Network;

/// <summary>
/// The problem a network is trained for: the kernel pair, the acquisition grid the signals are sampled on, and the
/// relaxation grid the network reconstructs on. The kernels' SVDs come from <see cref="KernelSvdCache.Shared"/>.
/// </summary>
public sealed class NetworkGrid
{
    public NetworkGrid(KernelPair kernels, AcquisitionAxis acquisition1, AcquisitionAxis acquisition2, RelaxationAxis relaxation1, RelaxationAxis relaxation2)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        if (kernels.Dimensions != 2)
            throw new NmrInputException("NetworkNeeds2D", $"The U-Net inverts 2D signals; {kernels} is 1D.");
        kernels.CheckAxes(relaxation1, relaxation2);
        Kernels = kernels;
        Acquisition1 = acquisition1;
        Acquisition2 = acquisition2;
        Relaxation1 = relaxation1;
        Relaxation2 = relaxation2;
    }

    /// <summary>The paper's problem: T1 inversion recovery x T2 CPMG on 64 x 64 acquisition and relaxation grids (or <paramref name="count"/> points).</summary>
    public static NetworkGrid Paper(int count = 64) => new(KernelPair.PaperT1T2, AcquisitionAxis.PaperT1(count), AcquisitionAxis.PaperT2(count),
        RelaxationAxis.PaperT1(count), RelaxationAxis.PaperT2(count));

    /// <summary>The grid of a signal (its acquisition axes and the relaxation grid it asks to be inverted onto).</summary>
    public static NetworkGrid Of(Signal2D signal) => new(signal.Kernels, signal.Axis1, signal.Axis2, signal.RelaxationAxis1, signal.RelaxationAxis2);

    public KernelPair Kernels { get; }
    public AcquisitionAxis Acquisition1 { get; }
    public AcquisitionAxis Acquisition2 { get; }
    public RelaxationAxis Relaxation1 { get; }
    public RelaxationAxis Relaxation2 { get; }

    /// <summary>Rows and columns of the signal.</summary>
    public (int M1, int M2) SignalSize => (Acquisition1.Count, Acquisition2.Count);

    /// <summary>Rows and columns of the distribution (the network's output).</summary>
    public (int N1, int N2) MapSize => (Relaxation1.Count, Relaxation2.Count);

    public KernelSvd Svd1 => KernelSvdCache.Shared.Get(Kernels.Kernel1, Acquisition1, Relaxation1);
    public KernelSvd Svd2 => KernelSvdCache.Shared.Get(Kernels.Kernel2, Acquisition2, Relaxation2);

    /// <summary>
    /// Why a signal cannot be inverted by a network trained on this grid, or null when it can.
    /// <paramref name="anyAcquisition"/>: the network's inputs do not depend on the acquisition grid (only the kernels and relaxation grid must match).
    /// </summary>
    public string? Mismatch(Signal2D signal, bool anyAcquisition = false)
    {
        if (signal.Kernels != Kernels)
            return $"the model was trained for {Kernels} but the signal is {signal.Kernels}";
        if (!anyAcquisition && !signal.Axis1.Equals(Acquisition1))
            return $"the model was trained on acquisition axis 1 {Acquisition1} but the signal has {signal.Axis1}";
        if (!anyAcquisition && !signal.Axis2.Equals(Acquisition2))
            return $"the model was trained on acquisition axis 2 {Acquisition2} but the signal has {signal.Axis2}";
        if (!signal.RelaxationAxis1.Equals(Relaxation1))
            return $"the model reconstructs on {Relaxation1} but the signal asks for {signal.RelaxationAxis1}";
        if (!signal.RelaxationAxis2.Equals(Relaxation2))
            return $"the model reconstructs on {Relaxation2} but the signal asks for {signal.RelaxationAxis2}";
        return null;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Kernels}; signal {Acquisition1.Count}x{Acquisition2.Count}, map {Relaxation1.Count}x{Relaxation2.Count}");
}
