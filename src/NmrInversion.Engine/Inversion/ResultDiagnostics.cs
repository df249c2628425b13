using System.Globalization;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;

namespace NmrInversion.Engine.Inversion;

/// <summary>
/// The checks every inversion result gets, each a warning with a stable id on <see cref="InversionResult.Warnings"/>:
/// <list type="bullet">
/// <item><b>EdgeMass</b>: more than <see cref="EdgeMassLimit"/> of the mass in the <see cref="EdgeCells"/> outermost
/// cells at either end of an axis: the distribution may run past the grid (or, at the short end of T1 from inversion
/// recovery, the inversion was incomplete).</item>
/// <item><b>HighMisfit</b>: the residual per point above <see cref="MisfitLimit"/> times the noise level, with the likely
/// cause: mass at a grid edge, a structured residual (the kernel does not describe the data), or a white residual
/// (the noise level is understated).</item>
/// <item><b>MisfitBelowNoise</b>: the residual below <see cref="LowMisfitLimit"/> times the noise level: the map fits
/// noise, or the noise level is overstated.</item>
/// </list>
/// </summary>
public static class ResultDiagnostics
{
    public const double EdgeMassLimit = 0.02;

    public const int EdgeCells = 2;

    /// <summary>Misfit above which a result is said not to explain its data.</summary>
    public const double MisfitLimit = 1.5;

    /// <summary>Misfit below which a result is said to fit the noise.</summary>
    public const double LowMisfitLimit = 0.8;

    /// <summary>Lag-one correlation of the residual above which it is called structured rather than white.</summary>
    public const double StructuredResidual = 0.3;

    /// <summary>
    /// Adds the warnings that apply. <paramref name="misfitLimit"/> overrides <see cref="MisfitLimit"/> and
    /// <paramref name="misfitCause"/> replaces the cause analysis of HighMisfit (the network: its misfit measures how far
    /// the signal is from its training data, not the kernel's fit).
    /// </summary>
    public static void Check(InversionResult result, double misfitLimit = MisfitLimit, string? misfitCause = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var edges = EdgeMass(result);
        // A result keeps one warning per id: several ends with edge mass are said in one EdgeMass warning.
        if (edges.Count > 0)
            result.AddWarning(edges.Count == 1 ? edges[0] : new NmrWarning("EdgeMass", string.Join(" ", edges.Select(w => w.Message))));
        double misfit = result.Misfit;
        if (double.IsNaN(misfit))
        {
            result.AddWarning(new NmrWarning("MisfitUnknown",
                "The signal's noise level is unknown (or zero), so the misfit is unknown (NaN) and nothing says whether the map explains the data. Pass -NoiseSigma to Import-NmrSignal or New-NmrSignal."));
            return;
        }
        if (misfit > misfitLimit)
            result.AddWarning(misfitCause is null ? HighMisfit(result, misfit, edges.Count > 0)
                : new NmrWarning("HighMisfit", string.Create(CultureInfo.InvariantCulture, $"The residual is {misfit:G3} times the noise level per point. {misfitCause}")));
        else if (misfitCause is null && misfit < LowMisfitLimit)
            result.AddWarning(new NmrWarning("MisfitBelowNoise", string.Create(CultureInfo.InvariantCulture,
                $"The residual is {misfit:G3} times the noise level per point: the map fits part of the noise (alpha too small), or the noise level {result.NoiseLevel:G3} is overstated.")));
    }

    /// <summary>One EdgeMass warning per axis end that holds more than <see cref="EdgeMassLimit"/> of the mass.</summary>
    public static IReadOnlyList<NmrWarning> EdgeMass(InversionResult result)
    {
        var d = result.Distribution;
        var f = d.Values;
        int n1 = f.GetLength(0), n2 = f.GetLength(1);
        double total = 0;
        foreach (var v in f) total += v;
        var list = new List<NmrWarning>();
        if (!(total > 0)) return list;
        for (int dim = 1; dim <= 2; dim++)
        {
            var axis = dim == 1 ? d.Axis1 : d.Axis2;
            int n = dim == 1 ? n1 : n2;
            if (axis.Name == "None" || n < 2 * EdgeCells + 1) continue;
            var marginal = new double[n];
            for (int i = 0; i < n1; i++)
                for (int j = 0; j < n2; j++) marginal[dim == 1 ? i : j] += f[i, j];
            double low = 0, high = 0;
            for (int k = 0; k < EdgeCells; k++) { low += marginal[k]; high += marginal[n - 1 - k]; }
            low /= total;
            high /= total;
            var kernel = dim == 1 ? result.Signal.Kernels.Kernel1 : result.Signal.Kernels.Kernel2;
            // The short-time end of the curve is the low end of a T1 or T2 axis but the high end of a D axis.
            bool diffusion = kernel == KernelKind.Diffusion;
            if (low > EdgeMassLimit) list.Add(EdgeWarning(result, dim, axis, kernel, low, shortEnd: !diffusion));
            if (high > EdgeMassLimit) list.Add(EdgeWarning(result, dim, axis, kernel, high, shortEnd: diffusion));
        }
        return list;
    }

    private static NmrWarning EdgeWarning(InversionResult result, int dim, RelaxationAxis axis, KernelKind kernel, double fraction, bool shortEnd)
    {
        // For D the short-time end of the curve (fast decay) is the large-D end of the axis.
        bool lowValues = kernel == KernelKind.Diffusion ? !shortEnd : shortEnd;
        string where = lowValues
            ? string.Create(CultureInfo.InvariantCulture, $"at the low end of {axis.Name} (below {axis[EdgeCells]:G3} {axis.Unit})")
            : string.Create(CultureInfo.InvariantCulture, $"at the high end of {axis.Name} (above {axis[axis.Count - 1 - EdgeCells]:G3} {axis.Unit})");
        string cause;
        if (shortEnd && kernel == KernelKind.InversionRecovery)
            cause = "Components faster than the first recovery delay all look alike; an incomplete inversion looks like this too: try Import-NmrSignal -EstimateInversionEfficiency, or widen the grid.";
        else if (shortEnd)
            cause = "Components faster than the first sample all look alike (a fast fraction, or a baseline offset): widen the grid if they matter.";
        else
            cause = "The distribution may run past the grid, or the acquisition stopped before the signal relaxed: widen the grid or acquire longer.";
        return new NmrWarning("EdgeMass", string.Create(CultureInfo.InvariantCulture,
            $"{fraction:P1} of the mass lies in the {EdgeCells} outermost cells {where}. {cause} (-RelaxationAxis{dim})"));
    }

    private static NmrWarning HighMisfit(InversionResult result, double misfit, bool edge)
    {
        string head = string.Create(CultureInfo.InvariantCulture, $"The residual is {misfit:G3} times the noise level per point.");
        if (edge)
            return new NmrWarning("HighMisfit", head + " Mass sits at a grid edge (see EdgeMass): the grid does not cover the distribution.");
        double rho = ResidualCorrelation(result);
        if (rho > StructuredResidual)
            return new NmrWarning("HighMisfit", head + string.Create(CultureInfo.InvariantCulture,
                $" The residual is structured (lag-one correlation {rho:G2}): the kernel does not describe the data. Check -Experiment, the time unit, the phase or a baseline offset{(result.Signal.Kernels.Kernel1 == KernelKind.InversionRecovery ? ", and for inversion recovery an incomplete inversion (Import-NmrSignal -EstimateInversionEfficiency)" : "")}."));
        return new NmrWarning("HighMisfit", head + string.Create(CultureInfo.InvariantCulture,
            $" The residual looks like white noise (lag-one correlation {rho:G2}): the noise level {result.NoiseLevel:G3} is probably understated; pass the real one with Import-NmrSignal -NoiseSigma."));
    }

    /// <summary>
    /// Lag-one correlation of the residual S - fit along the acquisition axes (the larger of the two for 2D):
    /// sum e_k e_(k+1) / sum e_k^2 over neighbouring points. About 0 for white noise, near 1 for a smooth misfit.
    /// </summary>
    public static double ResidualCorrelation(InversionResult result)
    {
        var s = result.Signal.Values;
        var fit = result.FittedSignal();
        int m1 = s.GetLength(0), m2 = s.GetLength(1);
        var e = new double[m1, m2];
        double energy = 0;
        for (int i = 0; i < m1; i++)
            for (int j = 0; j < m2; j++) { e[i, j] = s[i, j] - fit[i, j]; energy += e[i, j] * e[i, j]; }
        if (!(energy > 0)) return 0;
        double along1 = 0, along2 = 0;
        for (int i = 0; i < m1; i++)
            for (int j = 0; j < m2; j++)
            {
                if (i + 1 < m1) along1 += e[i, j] * e[i + 1, j];
                if (j + 1 < m2) along2 += e[i, j] * e[i, j + 1];
            }
        return Math.Max(m1 > 1 ? along1 / energy : double.NegativeInfinity, m2 > 1 ? along2 / energy : double.NegativeInfinity);
    }
}
