using System.Globalization;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Inversion;

/// <summary>One point of the inversion-efficiency search: kappa and the misfit (residual / noise) of the fit with it.</summary>
public sealed record InversionEfficiencyPoint(double Kappa, double Misfit);

/// <summary>The estimated inversion efficiency, the misfit curve it was read from, and the fixed alpha and T1 grid used.</summary>
/// <remarks><see cref="Misfit"/> is residual / noise (the residual norm itself when the signal has no noise level).</remarks>
public sealed record InversionEfficiencyEstimate(double Kappa, double Misfit, double Alpha, RelaxationAxis T1Axis, IReadOnlyList<InversionEfficiencyPoint> Curve)
{
    /// <summary>One line for provenance and verbose output.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"kappa {Kappa:0.###} estimated: least Tikhonov residual (misfit {Misfit:0.###}, alpha {Alpha:G3} fixed) over kappa in [{Curve.Min(p => p.Kappa):0.##}, 1] on a T1 grid from the first inversion time, {T1Axis.Minimum:G3}..{T1Axis.Maximum:G3} s");
}

/// <summary>
/// Estimates the inversion efficiency kappa of an inversion-recovery measurement, k(t1, T1) = 1 - (1 + kappa) exp(-t1 / T1)
/// (<see cref="KernelPair.InversionEfficiency"/>), as the kappa whose non-negative Tikhonov fit leaves the least residual.
/// <para>
/// Identifiability: 1 - (1 + kappa) e = (1 + kappa)/2 (1 - 2 e) + (1 - kappa)/2, so a measurement with kappa &lt; 1 is
/// also fitted exactly by a perfect-inversion kernel plus a population with T1 well below the first inversion time
/// (recovered at every t1) of relative size (1 - kappa) / (1 + kappa). The data cannot tell the two apart. The search
/// therefore fits on a T1 grid that starts at the first inversion time (same count and upper end as the signal's grid):
/// there a too large kappa cannot be compensated, and the residual has a minimum at the kappa of the data, under the
/// stated assumption that no population has T1 below the first inversion time. On the Berea T1-T2 file the misfit on
/// such a grid is 5.3 at kappa = 1 and 1.41 at kappa = 0.75, the same floor as the perfect kernel on a T1 grid from 1e-4 s.
/// </para>
/// <para>
/// Search: alpha fixed at the GCV choice for kappa = 1 (so that the residuals compare like with like), a scan of kappa
/// over [lowest, 1] (the Estimate parameter, default 0.2) in steps of 0.1, then a golden-section refinement between the neighbours of the
/// best scanned point to 0.005.
/// </para>
/// </summary>
public static class InversionEfficiencyFit
{
    /// <summary>The first point must read above this fraction of -S(last) for an inversion to count as incomplete.</summary>
    public const double IncompleteBelow = 0.95;

    /// <summary>The first two recovery delays must agree within this fraction of S(last) (a flat start).</summary>
    public const double FlatStart = 0.01;

    /// <summary>
    /// Whether an inversion-recovery measurement reads as an incomplete inversion: along the first echo (a 1D curve
    /// itself), the first recovery delay reads above -<see cref="IncompleteBelow"/> of the last, and the first two
    /// delays agree within <see cref="FlatStart"/> of it, so no population is recovering there and the start is
    /// -kappa M0 rather than a fast component (the silicone-oil file: -0.773, -0.766 of the last; the Berea file,
    /// -0.689, -0.660, starts recovering and is left alone). <paramref name="reason"/> says what was read.
    /// </summary>
    public static bool AppearsIncomplete(Signal2D signal, out string reason)
    {
        ArgumentNullException.ThrowIfNull(signal);
        reason = "";
        if (signal.Kernels.Kernel1 != KernelKind.InversionRecovery || signal.Axis1.Count < 3) return false;
        var v = signal.Values;
        int n = v.GetLength(0);
        double last = v[n - 1, 0], first = v[0, 0], second = v[1, 0];
        if (!(last > 0)) return false;
        double r0 = first / last, r1 = second / last;
        reason = string.Create(CultureInfo.InvariantCulture, $"the first recovery delays read {r0:0.###} and {r1:0.###} of the last");
        return r0 < 0 && r0 > -IncompleteBelow && Math.Abs(r1 - r0) < FlatStart;
    }

    public static InversionEfficiencyEstimate Estimate(Signal2D signal, double lowest = 0.2, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (signal.Kernels.Kernel1 != KernelKind.InversionRecovery)
            throw new NmrInputException("InversionEfficiencyNotApplicable",
                $"The signal '{signal.Name}' is {signal.Kernels}; an inversion efficiency is estimated for inversion-recovery T1 measurements only.", InputProblem.Data);
        if (!(lowest > 0 && lowest < 1))
            throw new NmrInputException("InversionEfficiencyInvalid", $"The lowest inversion efficiency searched must be in (0, 1); got {lowest}.");
        var t1 = signal.Axis1.AsSpan();
        double first = double.PositiveInfinity;
        foreach (var v in t1) if (v > 0) first = Math.Min(first, v);
        var grid = signal.RelaxationAxis1;
        double top = grid.Maximum;
        double bottom = Math.Max(grid.Minimum, first);
        if (!(top > bottom))
            throw new NmrInputException("InversionEfficiencyGridInvalid",
                $"The T1 grid of '{signal.Name}' ends at {top:G3} s, below the first inversion time {first:G3} s; nothing to fit kappa with.", InputProblem.Data);
        var axis = RelaxationAxis.LogSpaced("T1", bottom, top, grid.Count);

        Signal2D With(double kappa) => new(signal.Values, signal.Axis1, signal.Axis2, signal.Kernels.WithInversionEfficiency(kappa), axis,
            signal.RelaxationAxis2, signal.NoiseSigma, null, null, signal.Name, null, signal.Provenance);

        var reference = TikhonovInversion.Invert(With(1.0), cancellation: cancellation);
        double alpha = reference.Alpha;
        var curve = new List<InversionEfficiencyPoint>();
        double Misfit(double kappa)
        {
            foreach (var p in curve) if (p.Kappa == kappa) return p.Misfit;
            cancellation.ThrowIfCancellationRequested();
            var r = kappa == 1.0 ? reference : TikhonovInversion.Invert(With(kappa), new TikhonovOptions { Alpha = alpha }, cancellation: cancellation);
            double m = double.IsNaN(r.Misfit) ? r.ResidualNorm : r.Misfit;
            curve.Add(new InversionEfficiencyPoint(kappa, m));
            return m;
        }

        var scan = new List<double>();
        for (double k = 1.0; k > lowest - 1e-9; k -= 0.1) scan.Add(Math.Round(k, 10));
        if (scan[^1] > lowest) scan.Add(lowest);
        int best = 0;
        for (int i = 0; i < scan.Count; i++) if (Misfit(scan[i]) < Misfit(scan[best])) best = i;
        double a = scan[Math.Min(best + 1, scan.Count - 1)], b = scan[Math.Max(best - 1, 0)];
        const double g = 0.6180339887498949;
        double x1 = b - g * (b - a), x2 = a + g * (b - a);
        double f1 = Misfit(x1), f2 = Misfit(x2);
        while (b - a > 0.005)
        {
            if (f1 <= f2) { b = x2; x2 = x1; f2 = f1; x1 = b - g * (b - a); f1 = Misfit(x1); }
            else { a = x1; x1 = x2; f1 = f2; x2 = a + g * (b - a); f2 = Misfit(x2); }
        }
        var chosen = curve.MinBy(p => p.Misfit)!;
        return new InversionEfficiencyEstimate(chosen.Kappa, chosen.Misfit, alpha, axis, curve.OrderBy(p => p.Kappa).ToList());
    }
}
