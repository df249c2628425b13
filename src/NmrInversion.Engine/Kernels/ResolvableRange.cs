using NmrInversion.Engine.Grids;

namespace NmrInversion.Engine.Kernels;

/// <summary>
/// The relaxation (or diffusion) grid an acquisition can resolve, for a measurement that names none. For a time axis
/// sampled from t_first to t_last the grid runs log-spaced from t_first / <see cref="BelowFirst"/> to
/// <see cref="AboveLast"/> x t_last; for a b axis (the decay exp(-b D) is exp(-t / T) with t = b, T = 1 / D) from
/// 1 / (<see cref="AboveLast"/> b_last) to <see cref="BelowFirst"/> / b_first.
/// <list type="bullet">
/// <item>Below t_first / 10 a decay has fallen to e^-10 = 4.5e-5 by the first sample, and a recovery is complete: every
/// faster component looks the same, so the first cells gather all of them (a fast-relaxing fraction, a baseline offset,
/// an incomplete inversion), where a grid that starts at t_first would have to push that mass into its first cell or
/// leave it unfitted (the IR sandstone file: residual 22 times the noise on a grid from 1 ms, 1.0 on this one).</item>
/// <item>Above 5 t_last the curve changes by less than 1 - e^-0.2 = 18% over the whole acquisition; longer components
/// are hard to tell apart, and mass piled at that end says the acquisition stopped too early.</item>
/// </list>
/// Cells: <see cref="CellsPerDecade"/> per decade, at least <see cref="MinimumCells"/>, at most 128 for a 1D signal and
/// 64 per axis for a 2D one (the 2D solves work on n1 x n2 unknowns).
/// </summary>
public static class ResolvableRange
{
    /// <summary>The grid starts this factor below the first acquisition time.</summary>
    public const double BelowFirst = 10;

    /// <summary>The grid ends this factor above the last acquisition time.</summary>
    public const double AboveLast = 5;

    public const double CellsPerDecade = 16;

    public const int MinimumCells = 32;

    /// <summary>Most cells of an axis of a 1D signal.</summary>
    public const int MaximumCells1D = 128;

    /// <summary>Most cells of each axis of a 2D signal.</summary>
    public const int MaximumCells2D = 64;

    /// <summary>The relaxation axes a signal on <paramref name="axis1"/> x <paramref name="axis2"/> resolves with these kernels.</summary>
    public static (RelaxationAxis Axis1, RelaxationAxis Axis2) For(KernelPair kernels, AcquisitionAxis axis1, AcquisitionAxis axis2)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        int max = kernels.Dimensions == 1 ? MaximumCells1D : MaximumCells2D;
        return (Axis(kernels.Kernel1, axis1, max), Axis(kernels.Kernel2, axis2, max));
    }

    /// <summary>The resolvable range (minimum, maximum) of one kernel sampled on <paramref name="acquisition"/>.</summary>
    public static (double Minimum, double Maximum) Range(KernelKind kind, AcquisitionAxis acquisition)
    {
        ArgumentNullException.ThrowIfNull(acquisition);
        double first = acquisition.Minimum, last = acquisition.Maximum;
        return kind == KernelKind.Diffusion
            ? (1.0 / (AboveLast * last), BelowFirst / first)
            : (first / BelowFirst, AboveLast * last);
    }

    private static RelaxationAxis Axis(KernelKind kind, AcquisitionAxis acquisition, int maximumCells)
    {
        if (kind == KernelKind.None) return RelaxationAxis.Single();
        var (lo, hi) = Range(kind, acquisition);
        int cells = (int)Math.Round(CellsPerDecade * Math.Log10(hi / lo));
        cells = Math.Clamp(cells, MinimumCells, maximumCells);
        return RelaxationAxis.LogSpaced(Kernel.RelaxationName(kind), lo, hi, cells);
    }
}
