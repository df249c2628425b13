using System.Globalization;
using NmrInversion.Engine.Kernels;

namespace NmrInversion.Engine.Signals;

/// <summary>
/// Checks on import that a measurement's shape fits the kernels of its declared experiment, and says so with a warning
/// (an <see cref="NmrWarning"/> on <see cref="Signal2D.Warnings"/>) when it does not; the signal is still returned,
/// since only the user knows the acquisition. Each check is one method returning its warning or null; add checks to
/// <see cref="Checks"/>.
/// <para>
/// Along each axis the check reads one profile: axis 1 the sum of each row (for a 1D signal the curve itself), axis 2
/// the row of largest |sum| (the recovered last inversion time of T1-T2, the least attenuated first gradient step of
/// D-T2), sign-corrected. It compares the mean of the first and the last tenth of the profile (at least one point
/// each): a decaying kernel (T2 CPMG, diffusion) must not rise, a recovery kernel (T1) must not fall, an inversion
/// recovery starts negative and a saturation recovery does not. A difference counts only when it exceeds a tenth of the
/// profile's largest |value| plus three standard errors of the two means, the noise taken as the robust spread (MAD)
/// of point-to-point differences, so noise alone never warns.
/// </para>
/// </summary>
public static class KernelShapeCheck
{
    /// <summary>Warnings about the signal's shape (empty when it fits its kernels).</summary>
    public static IReadOnlyList<NmrWarning> Check(Signal2D signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        var warnings = new List<NmrWarning>();
        foreach (var check in Checks)
            if (check(signal) is { } w) warnings.AddRange(w);
        return warnings;
    }

    private static readonly Func<Signal2D, IEnumerable<NmrWarning>?>[] Checks = { RisingOrDecaying };

    /// <summary>KernelShapeRising, KernelShapeDecaying, KernelShapeSignChange, KernelShapeNoSignChange along each axis.</summary>
    private static IEnumerable<NmrWarning>? RisingOrDecaying(Signal2D signal)
    {
        var v = signal.Values;
        int n1 = v.GetLength(0), n2 = v.GetLength(1);
        var rowSums = new double[n1];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++) rowSums[i] += v[i, j];
        var list = new List<NmrWarning>();
        if (Along(signal, rowSums, signal.Kernels.Kernel1, signal.Axis1.Name) is { } w1) list.Add(w1);
        if (signal.Dimensions == 2)
        {
            int best = 0;
            for (int i = 1; i < n1; i++) if (Math.Abs(rowSums[i]) > Math.Abs(rowSums[best])) best = i;
            double sign = rowSums[best] < 0 ? -1 : 1;
            var row = new double[n2];
            for (int j = 0; j < n2; j++) row[j] = sign * v[best, j];
            if (Along(signal, row, signal.Kernels.Kernel2, signal.Axis2.Name) is { } w2) list.Add(w2);
        }
        return list;
    }

    private static NmrWarning? Along(Signal2D signal, double[] p, KernelKind kind, string axis)
    {
        int n = p.Length;
        if (n < 3) return null;
        int h = Math.Max(1, n / 10);
        double head = p.Take(h).Average(), tail = p.Skip(n - h).Average();
        double max = p.Max(Math.Abs);
        if (!(max > 0)) return null;
        double margin = 0.1 * max + 3 * Math.Sqrt(2.0 / h) * DifferenceNoise(p);
        string Where() => string.Create(CultureInfo.InvariantCulture,
            $"'{signal.Name}' along {axis}: the first points average {head:G3}, the last {tail:G3} (largest |value| {max:G3})");
        string experiment = signal.Experiment.ToString();
        switch (kind)
        {
            case KernelKind.T2Decay or KernelKind.Diffusion:
                if (tail - head > margin)
                    return new NmrWarning("KernelShapeRising",
                        $"{Where()}: the data rise{(head < -margin / 2 && tail > margin / 2 ? " and change sign from negative to positive, like an inversion recovery" : "")}, but the {experiment} kernel along {axis} decays ({kind}). Check -Experiment (a T1 recovery is T1, T1T2 or T1D) and the axis order.");
                break;
            case KernelKind.InversionRecovery or KernelKind.SaturationRecovery:
                if (head - tail > margin)
                    return new NmrWarning("KernelShapeDecaying",
                        $"{Where()}: the data decay, but the {experiment} kernel along {axis} recovers ({kind}). Check -Experiment (a CPMG decay is T2, a diffusion series D) and the axis order.");
                if (kind == KernelKind.InversionRecovery && head > margin && tail > head)
                    return new NmrWarning("KernelShapeNoSignChange",
                        $"{Where()}: the recovery starts positive, but an inversion recovery starts near -M0 and changes sign. If it is a saturation recovery, pass -T1Recovery Saturation; an imperfect inversion takes -InversionEfficiency.");
                if (kind == KernelKind.SaturationRecovery && head < -margin && tail > 0)
                    return new NmrWarning("KernelShapeSignChange",
                        $"{Where()}: the recovery starts negative and changes sign, like an inversion recovery, but the kernel is a saturation recovery. Pass -T1Recovery Inversion.");
                break;
        }
        return null;
    }

    /// <summary>The noise of a profile from the robust spread of its point-to-point differences (<see cref="NoiseEstimation.FromDifferences"/>).</summary>
    private static double DifferenceNoise(double[] p)
    {
        var d = new double[p.Length - 1];
        for (int i = 0; i < d.Length; i++) d[i] = p[i + 1] - p[i];
        return NoiseEstimation.FromDifferences(d);
    }
}
