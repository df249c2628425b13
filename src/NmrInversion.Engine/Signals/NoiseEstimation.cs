using NmrInversion.Engine.Kernels;

namespace NmrInversion.Engine.Signals;

/// <summary>
/// Noise standard deviation of a measured signal when the file does not state it.
/// <list type="bullet">
/// <item><see cref="FromQuadratureChannel"/>: for complex data phased to a real signal, the imaginary (quadrature) channel
/// holds noise only, up to a slowly varying residue of imperfect phasing. Echo-to-echo differences remove that residue;
/// sigma = 1.4826 MAD(d) / sqrt(2), the robust (median absolute deviation) estimate of the standard deviation of the
/// differences d, divided by sqrt(2) because a difference of two independent noise values has variance 2 sigma^2.</item>
/// <item><see cref="FromKernelResidual"/>: for real-only data, the energy of the signal outside what the kernels can
/// produce (<see cref="CompressedProblem.NoiseEstimate"/>) on the signal's relaxation grid.</item>
/// </list>
/// </summary>
public static class NoiseEstimation
{
    /// <summary>Robust sigma from differences along the second axis (along the first when the second has one point).</summary>
    public static double FromQuadratureChannel(double[,] imaginary)
    {
        int n1 = imaginary.GetLength(0), n2 = imaginary.GetLength(1);
        var d = new List<double>(n1 * n2);
        if (n2 > 1)
        {
            for (int i = 0; i < n1; i++)
                for (int j = 1; j < n2; j++) d.Add(imaginary[i, j] - imaginary[i, j - 1]);
        }
        else
        {
            for (int i = 1; i < n1; i++) d.Add(imaginary[i, 0] - imaginary[i - 1, 0]);
        }
        return FromDifferences(d);
    }

    /// <summary>
    /// Robust sigma from successive differences d of a noisy series: 1.4826 MAD(d) / sqrt(2) (a difference of two
    /// independent noise values has variance 2 sigma^2, and the MAD ignores the slowly varying signal's few large
    /// differences). NaN for fewer than two differences.
    /// </summary>
    public static double FromDifferences(IReadOnlyList<double> differences)
    {
        if (differences.Count < 2) return double.NaN;
        return 1.482602218505602 * MedianAbsoluteDeviation(differences) / Math.Sqrt(2.0);
    }

    /// <summary>The <see cref="CompressedProblem.NoiseEstimate"/> of a signal, or NaN when fewer than <paramref name="minimumDegreesOfFreedom"/> coefficients are noise-only.</summary>
    public static double FromKernelResidual(Signal2D signal, int minimumDegreesOfFreedom = 4)
    {
        var problem = new CompressedProblem(signal);
        return problem.NoiseDegreesOfFreedom >= minimumDegreesOfFreedom ? problem.NoiseEstimate : double.NaN;
    }

    /// <summary>Median of |x - median(x)|.</summary>
    public static double MedianAbsoluteDeviation(IReadOnlyList<double> values)
    {
        double m = Median(values);
        return Median(values.Select(v => Math.Abs(v - m)).ToList());
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var s = values.ToArray();
        Array.Sort(s);
        int n = s.Length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
