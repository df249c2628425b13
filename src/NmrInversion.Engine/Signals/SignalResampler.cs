using System.Globalization;
using MathNet.Numerics.Interpolation;
using NmrInversion.Engine.Grids;

namespace NmrInversion.Engine.Signals;

/// <summary>
/// Moves a signal onto another acquisition grid (for a method trained on a fixed grid, such as the U-Net): a natural
/// cubic spline in log10 of the acquisition variable (t1, t2 or b), one dimension after the other (rows along axis 2,
/// then columns along axis 1). Relaxation signals are smooth, slowly varying functions of log-time, so a spline in
/// log-time is accurate where a spline in linear time would ring between sparse late points. Only interpolates: every
/// target point must lie inside the measured range (ErrorId ResampleRangeNotCovered otherwise), up to a relative
/// tolerance of 1e-9 for end points that differ by rounding.
/// The noise level is carried over unchanged (interpolation between nodes slightly smooths the noise, so it is an
/// upper bound); the truth, if any, travels along.
/// </summary>
public static class SignalResampler
{
    private const double EndTolerance = 1e-9;

    public static Signal2D Resample(Signal2D signal, AcquisitionAxis target1, AcquisitionAxis target2)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(target1);
        ArgumentNullException.ThrowIfNull(target2);
        CheckAxis(signal.Axis1, target1, 1);
        CheckAxis(signal.Axis2, target2, 2);

        var s = signal.Values;
        int n1 = signal.Axis1.Count, n2 = signal.Axis2.Count, m1 = target1.Count, m2 = target2.Count;

        // Along axis 2 (each row).
        var rows = new double[n1, m2];
        var x2 = Log(signal.Axis2);
        var y2 = Log(target2);
        for (int i = 0; i < n1; i++)
        {
            var line = new double[n2];
            for (int j = 0; j < n2; j++) line[j] = s[i, j];
            var f = Interpolate(x2, line, y2);
            for (int j = 0; j < m2; j++) rows[i, j] = f[j];
        }
        // Along axis 1 (each column).
        var result = new double[m1, m2];
        var x1 = Log(signal.Axis1);
        var y1 = Log(target1);
        for (int j = 0; j < m2; j++)
        {
            var line = new double[n1];
            for (int i = 0; i < n1; i++) line[i] = rows[i, j];
            var f = Interpolate(x1, line, y1);
            for (int i = 0; i < m1; i++) result[i, j] = f[i];
        }

        var provenance = new Dictionary<string, string>(signal.Provenance)
        {
            ["ResampledFrom"] = $"{signal.Axis1}; {signal.Axis2}",
            ["Resampling"] = "natural cubic spline in log10 of the acquisition variable, axis 2 then axis 1",
        };
        return new Signal2D(result, target1, target2, signal.Kernels, signal.RelaxationAxis1, signal.RelaxationAxis2,
            signal.NoiseSigma, signal.Snr, signal.Truth, signal.Name, signal.Seed, provenance);
    }

    private static void CheckAxis(AcquisitionAxis source, AcquisitionAxis target, int index)
    {
        if (source.Name != target.Name)
            throw new NmrInputException("ResampleAxisMismatch", $"Axis {index} of the signal is {source.Name} but the target grid's is {target.Name}.");
        if (source.Count == 1 || target.Count == 1)
        {
            if (source.Count != target.Count || Math.Abs(source[0] - target[0]) > EndTolerance * Math.Abs(source[0]))
                throw new NmrInputException("ResampleAxisMismatch", $"Axis {index}: a one-point axis can only be resampled onto itself.");
            return;
        }
        if (target.Minimum < source.Minimum * (1 - EndTolerance) || target.Maximum > source.Maximum * (1 + EndTolerance))
            throw new NmrInputException("ResampleRangeNotCovered", string.Create(CultureInfo.InvariantCulture,
                $"The target {target.Name} grid spans {target.Minimum:G4}..{target.Maximum:G4} {target.Unit} but the signal was measured over {source.Minimum:G4}..{source.Maximum:G4} {source.Unit}; resampling only interpolates inside the measured range (no extrapolation). Measure over the wider range or choose a grid inside it."),
                InputProblem.Data);
    }

    private static double[] Log(AcquisitionAxis axis)
    {
        var v = new double[axis.Count];
        for (int i = 0; i < v.Length; i++) v[i] = Math.Log10(axis[i]);
        return v;
    }

    private static double[] Interpolate(double[] x, double[] y, double[] at)
    {
        if (x.Length == 1) return new[] { y[0] };
        IInterpolation f = x.Length >= 3 ? CubicSpline.InterpolateNaturalSorted(x, y) : LinearSpline.InterpolateSorted(x, y);
        var r = new double[at.Length];
        for (int i = 0; i < at.Length; i++) r[i] = f.Interpolate(Math.Clamp(at[i], x[0], x[^1]));
        return r;
    }
}
