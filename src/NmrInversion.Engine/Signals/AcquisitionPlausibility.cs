using System.Globalization;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;

namespace NmrInversion.Engine.Signals;

/// <summary>
/// Checks of a measurement's acquisition against what NMR hardware and samples allow, each a warning with a stable id
/// (the signal's <see cref="Signal2D.Warnings"/>, written by Import-NmrSignal):
/// <list type="bullet">
/// <item><b>TimeUnitSuspect</b>: a time axis that ends before <see cref="ShortestLastTime"/> (no recovery series or echo
/// train is that short: seconds read as milliseconds) or starts after <see cref="LongestFirstTime"/> or ends after
/// <see cref="LongestLastTime"/> (milliseconds read as seconds).</item>
/// <item><b>BUnitSuspect</b>: a b axis that ends below <see cref="SmallestLastB"/> s/m^2 (it could not attenuate water)
/// or starts above <see cref="LargestFirstB"/> (nothing would be left to measure).</item>
/// <item><b>DecayGoneEarly</b>: a decay already below <see cref="GoneFraction"/> of its first point at the second one,
/// so the grid cannot see it relax (a time unit or b unit too large by a factor 1000 does this).</item>
/// <item><b>DecayNotSampledToEnd</b>: a decay whose last point still holds more than <see cref="UnfinishedFraction"/>
/// of its first: components longer than the acquisition cannot be resolved.</item>
/// <item><b>RecoveryNotComplete</b>: a recovery still rising by more than <see cref="UnfinishedFraction"/> of its
/// final value between its last two points: M0 and the long T1 components are not measured.</item>
/// </list>
/// A 2D signal is read along its first echo (or first point of the second axis) for axis 1, and along the row of largest
/// first point (the most recovered, or least attenuated) for axis 2.
/// </summary>
public static class AcquisitionPlausibility
{
    public const double ShortestLastTime = 1e-3;
    public const double LongestFirstTime = 1.0;
    public const double LongestLastTime = 1e3;
    public const double SmallestLastB = 1e6;
    public const double LargestFirstB = 1e13;
    public const double GoneFraction = 0.05;
    public const double UnfinishedFraction = 0.1;

    public static IReadOnlyList<NmrWarning> Check(Signal2D signal, string timeParameter = "-TimeUnit", string bParameter = "-BUnit")
    {
        ArgumentNullException.ThrowIfNull(signal);
        var list = new List<NmrWarning>();
        var v = signal.Values;
        int m1 = v.GetLength(0), m2 = v.GetLength(1);
        int row = 0;
        // The largest value, not the largest magnitude: an inversion recovery not yet recovered reads -M0 at its first
        // delay, more in magnitude than its last, and that negative row would leave axis 2 unchecked.
        for (int i = 1; i < m1; i++) if (v[i, 0] > v[row, 0]) row = i;
        var profile1 = new double[m1];
        for (int i = 0; i < m1; i++) profile1[i] = v[i, 0];
        var profile2 = new double[m2];
        for (int j = 0; j < m2; j++) profile2[j] = v[row, j];
        Check(list, signal.Kernels.Kernel1, signal.Axis1, profile1, signal.NoiseSigma, timeParameter, bParameter);
        if (signal.Dimensions == 2) Check(list, signal.Kernels.Kernel2, signal.Axis2, profile2, signal.NoiseSigma, timeParameter, bParameter);
        return list;
    }

    private static void Check(List<NmrWarning> list, KernelKind kind, AcquisitionAxis axis, double[] p, double? sigma, string timeParameter, string bParameter)
    {
        if (kind == KernelKind.None || p.Length < 2) return;
        string range = string.Create(CultureInfo.InvariantCulture, $"{axis.Name} runs from {axis.Minimum:G3} to {axis.Maximum:G3} {axis.Unit}");
        if (kind == KernelKind.Diffusion)
        {
            if (axis.Maximum < SmallestLastB)
                list.Add(new NmrWarning("BUnitSuspect", $"{range}: too little to attenuate any liquid (water needs b of about 1e9 s/m^2). Was the file's b in s/mm^2 or ms/um^2? Pass {bParameter}."));
            else if (axis.Minimum > LargestFirstB)
                list.Add(new NmrWarning("BUnitSuspect", $"{range}: every liquid would be gone at the first point. Check the b unit ({bParameter})."));
        }
        else
        {
            if (axis.Maximum < ShortestLastTime)
                list.Add(new NmrWarning("TimeUnitSuspect", $"{range}: no recovery series or echo train is that short. Were the file's times in seconds read as milliseconds? Check {timeParameter}."));
            else if (axis.Minimum > LongestFirstTime || axis.Maximum > LongestLastTime)
                list.Add(new NmrWarning("TimeUnitSuspect", $"{range}: longer than NMR relaxation allows. Were the file's times in milliseconds read as seconds? Pass {timeParameter} ms."));
        }
        double noise = sigma is { } s && s > 0 ? s : 0;
        bool decay = kind is KernelKind.T2Decay or KernelKind.Diffusion;
        if (decay)
        {
            double first = p[0];
            if (!(first > 3 * noise) || !(first > 0)) return;
            if (p.Length > 2 && p[1] < GoneFraction * first)
                list.Add(new NmrWarning("DecayGoneEarly", string.Create(CultureInfo.InvariantCulture,
                    $"The decay along {axis.Name} has fallen to {p[1] / first:P1} of its first point by the second ({axis[1]:G3} {axis.Unit}): nothing relaxes within the acquisition. Check the unit ({(kind == KernelKind.Diffusion ? bParameter : timeParameter)}).")));
            else if (p[^1] > UnfinishedFraction * first && p[^1] > 3 * noise)
                list.Add(new NmrWarning("DecayNotSampledToEnd", string.Create(CultureInfo.InvariantCulture,
                    $"The decay along {axis.Name} still holds {p[^1] / first:P0} of its first point at the last ({axis.Maximum:G3} {axis.Unit}): components longer than the acquisition cannot be resolved. Acquire longer if they matter.")));
        }
        else
        {
            double last = p[^1];
            if (!(last > 3 * noise) || !(last > 0)) return;
            double rise = p[^1] - p[^2];
            if (rise > UnfinishedFraction * last && rise > 3 * noise)
                list.Add(new NmrWarning("RecoveryNotComplete", string.Create(CultureInfo.InvariantCulture,
                    $"The recovery along {axis.Name} still rises by {rise / last:P0} of its last value between its last two points ({axis[axis.Count - 2]:G3} and {axis.Maximum:G3} {axis.Unit}): M0 and the longest T1 components are not measured. Extend the recovery delays.")));
        }
    }
}
