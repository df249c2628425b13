using System.Globalization;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Network;

/// <summary>
/// Presents a signal measured on other acquisition axes to a network by a translation on log axes, without
/// interpolation. Every kernel depends on one product or ratio x of the acquisition value a and the relaxation value R:
/// x = a / R for T2 decay and T1 recovery (exp(-x), 1 - 2 exp(-x), 1 - exp(-x)), x = a R for diffusion (exp(-x)). When
/// a signal's axis is the model's axis times a constant (a_model[i] = lambda a_signal[i] for every i: same point count,
/// same log spacing, shifted by log10 lambda), the kernel matrices of the two problems are the same matrix once the
/// signal's relaxation axis is chosen so that every x is preserved:
/// <list type="bullet">
/// <item>model a/R, signal a/R (decay onto decay, recovery onto recovery of the same kind): R_signal = R_model / lambda;</item>
/// <item>model a R, signal a R (diffusion onto diffusion): R_signal = lambda R_model;</item>
/// <item>model a/R, signal a R (diffusion onto T2 decay): R_signal = lambda / R_model, reversed so that it increases;</item>
/// <item>model a R, signal a/R (T2 decay onto diffusion): R_signal = 1 / (lambda R_model), reversed.</item>
/// </list>
/// Only kernels of the same shape map onto each other: T2 decay and diffusion (both exp(-x)); inversion recovery only
/// onto inversion recovery, saturation recovery only onto saturation recovery. Dimensions keep their order (dimension 1
/// of the signal onto dimension 1 of the model). The network then sees exactly the input it would see for the
/// model-grid signal of the matching distribution, and its output map is relabelled with the signal's relaxation axes
/// (flipped along a reversed dimension).
/// </summary>
public sealed class GridTranslation
{
    /// <summary>Relative tolerance on the constant ratio between the two acquisition axes.</summary>
    public const double RatioTolerance = 1e-6;

    private GridTranslation(Signal2D source, NetworkGrid model, DimensionMap map1, DimensionMap map2)
    {
        Source = source;
        Model = model;
        Dimension1 = map1;
        Dimension2 = map2;
        OnModelGrid = new Signal2D(source.Values, model.Acquisition1, model.Acquisition2, model.Kernels, model.Relaxation1, model.Relaxation2,
            source.NoiseSigma, source.Snr, null, source.Name, source.Seed, source.Provenance);
    }

    /// <summary>The signal as measured.</summary>
    public Signal2D Source { get; }

    /// <summary>The model's grid.</summary>
    public NetworkGrid Model { get; }

    /// <summary>How signal dimension 1 maps onto model dimension 1.</summary>
    public DimensionMap Dimension1 { get; }

    /// <summary>How signal dimension 2 maps onto model dimension 2.</summary>
    public DimensionMap Dimension2 { get; }

    /// <summary>The same values labelled with the model's acquisition axes, kernels and relaxation axes: what the network reads.</summary>
    public Signal2D OnModelGrid { get; }

    /// <summary>The relaxation axes the network's output lives on once relabelled for the signal.</summary>
    public RelaxationAxis RelaxationAxis1 => Dimension1.Relaxation;

    public RelaxationAxis RelaxationAxis2 => Dimension2.Relaxation;

    /// <summary>A translation of <paramref name="signal"/> onto <paramref name="model"/>, or null when none exists (with the reason).</summary>
    public static GridTranslation? Find(NetworkGrid model, Signal2D signal, out string? why)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(signal);
        why = null;
        if (signal.Dimensions != 2) { why = "the signal is 1D"; return null; }
        if (signal.Kernels.InversionEfficiency != model.Kernels.InversionEfficiency)
        {
            // 1 - (1 + kappa) exp(-x) is not 1 - 2 exp(-x) on shifted axes: no translation maps one onto the other.
            why = string.Create(CultureInfo.InvariantCulture,
                $"dimension 1: the signal's inversion efficiency {signal.Kernels.InversionEfficiency:0.####} gives its kernel another shape than the model's ({model.Kernels.InversionEfficiency:0.####})");
            return null;
        }
        var m1 = Map(model.Kernels.Kernel1, model.Acquisition1, model.Relaxation1, signal.Kernels.Kernel1, signal.Axis1, 1, ref why);
        if (m1 is null) return null;
        var m2 = Map(model.Kernels.Kernel2, model.Acquisition2, model.Relaxation2, signal.Kernels.Kernel2, signal.Axis2, 2, ref why);
        if (m2 is null) return null;
        return new GridTranslation(signal, model, m1, m2);
    }

    /// <summary>The network's map (on the model's relaxation grid) relabelled with the signal's relaxation axes, flipped along reversed dimensions.</summary>
    public Distribution2D ToSignalAxes(Distribution2D modelMap)
    {
        ArgumentNullException.ThrowIfNull(modelMap);
        var v = modelMap.Values;
        int n1 = v.GetLength(0), n2 = v.GetLength(1);
        if (n1 != Dimension1.Relaxation.Count || n2 != Dimension2.Relaxation.Count)
            throw new ArgumentException($"The map is {n1}x{n2}; the model's grid is {Dimension1.Relaxation.Count}x{Dimension2.Relaxation.Count}.", nameof(modelMap));
        var r = new double[n1, n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
                r[Dimension1.Reversed ? n1 - 1 - i : i, Dimension2.Reversed ? n2 - 1 - j : j] = v[i, j];
        return new Distribution2D(r, Dimension1.Relaxation, Dimension2.Relaxation, modelMap.Name);
    }

    public override string ToString() => $"{Dimension1}; {Dimension2}";

    /// <summary>True when x depends on a / R (decay and recovery), false for a R (diffusion).</summary>
    private static bool IsRatio(KernelKind kind) => kind != KernelKind.Diffusion;

    /// <summary>Kernels of the same shape in x: exp(-x) (T2 decay, diffusion), 1 - 2 exp(-x), 1 - exp(-x).</summary>
    public static bool SameShape(KernelKind a, KernelKind b) => a == b
        || (a is KernelKind.T2Decay or KernelKind.Diffusion && b is KernelKind.T2Decay or KernelKind.Diffusion);

    private static DimensionMap? Map(KernelKind modelKernel, AcquisitionAxis modelAxis, RelaxationAxis modelRelaxation,
        KernelKind signalKernel, AcquisitionAxis signalAxis, int index, ref string? why)
    {
        if (!SameShape(modelKernel, signalKernel))
        {
            why = $"dimension {index}: the signal's {signalKernel} kernel has another shape than the model's {modelKernel}";
            return null;
        }
        if (signalAxis.Count != modelAxis.Count)
        {
            why = $"dimension {index}: the signal has {signalAxis.Count} {signalAxis.Name} points, the model {modelAxis.Count}";
            return null;
        }
        double lambda = modelAxis[0] / signalAxis[0];
        for (int i = 1; i < signalAxis.Count; i++)
        {
            double ratio = modelAxis[i] / signalAxis[i];
            if (Math.Abs(ratio - lambda) > RatioTolerance * lambda)
            {
                why = string.Create(CultureInfo.InvariantCulture,
                    $"dimension {index}: the signal's {signalAxis.Name} axis is not the model's {modelAxis.Name} axis shifted on a log scale (point {i}: ratio {ratio:G6}, point 0: {lambda:G6})");
                return null;
            }
        }
        int n = modelRelaxation.Count;
        var r = new double[n];
        bool modelRatio = IsRatio(modelKernel), signalRatio = IsRatio(signalKernel);
        bool reversed = modelRatio != signalRatio;
        for (int j = 0; j < n; j++)
        {
            double rm = modelRelaxation[j];
            double rs = (modelRatio, signalRatio) switch
            {
                (true, true) => rm / lambda,
                (false, false) => lambda * rm,
                (true, false) => lambda / rm,
                _ => 1.0 / (lambda * rm),
            };
            r[reversed ? n - 1 - j : j] = rs;
        }
        var relaxation = new RelaxationAxis(Kernel.RelaxationName(signalKernel), r);
        return new DimensionMap(index, modelKernel, signalKernel, lambda, reversed, relaxation);
    }
}

/// <summary>
/// One dimension of a <see cref="GridTranslation"/>: a_model = <see cref="Scale"/> a_signal; the signal's relaxation axis
/// that preserves every kernel argument; whether it runs backwards against the model's.
/// </summary>
public sealed record DimensionMap(int Index, KernelKind ModelKernel, KernelKind SignalKernel, double Scale, bool Reversed, RelaxationAxis Relaxation)
{
    /// <summary>The shift of the acquisition axis in decades (log10 of <see cref="Scale"/>).</summary>
    public double Decades => Math.Log10(Scale);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"dimension {Index}: {SignalKernel} onto {ModelKernel}, acquisition shifted by {Decades:+0.###;-0.###;0} decades{(Reversed ? ", relaxation axis reversed" : "")}, {Relaxation}");
}
