namespace NmrInversion.Engine.Regularization;

/// <summary>
/// The non-negative Tikhonov solution for one alpha, in the solver's scaled units (data divided by max |S|; alpha is
/// scale-free, see <see cref="NonNegativeTikhonov"/>).
/// </summary>
public sealed class TikhonovSolution
{
    internal TikhonovSolution(double alpha, double[] dual, double[,] distribution, double residualNormSquared,
        double keptResidualNormSquared, double inverseTrace, int activeCount, int iterations, bool converged, long dataPoints)
    {
        Alpha = alpha;
        Dual = dual;
        Distribution = distribution;
        ResidualNormSquared = residualNormSquared;
        KeptResidualNormSquared = keptResidualNormSquared;
        InverseTrace = inverseTrace;
        ActiveCount = activeCount;
        Iterations = iterations;
        Converged = converged;
        DataPoints = dataPoints;
    }

    public double Alpha { get; }

    /// <summary>The BRD dual variable x = (c - K~ f) / alpha over the kept coefficients.</summary>
    public double[] Dual { get; }

    /// <summary>f = max(0, K~^T x) on the relaxation grid (n1 x n2), scaled units.</summary>
    public double[,] Distribution { get; }

    /// <summary>||S - K1 F K2^T||^2 / max|S|^2 over all data points (kept coefficients, dropped ones and the part outside the kernels' range).</summary>
    public double ResidualNormSquared { get; }

    /// <summary>||c - K~ f||^2 over the kept coefficients only.</summary>
    public double KeptResidualNormSquared { get; }

    /// <summary>tr A(alpha) = tr[G (G + alpha I)^-1], G = K~ D K~^T with D the active set: the effective number of fitted parameters.</summary>
    public double InfluenceTrace => Dual.Length - Alpha * InverseTrace;

    /// <summary>tr[(G + alpha I)^-1].</summary>
    public double InverseTrace { get; }

    /// <summary>Number of grid cells with f &gt; 0.</summary>
    public int ActiveCount { get; }

    /// <summary>Newton iterations spent.</summary>
    public int Iterations { get; }

    public bool Converged { get; }

    /// <summary>m = number of data points (m1 m2).</summary>
    public long DataPoints { get; }

    /// <summary>N, the number of kept coefficients (the compressed data).</summary>
    public int KeptCount => Dual.Length;

    /// <summary>
    /// Generalized cross-validation (Golub, Heath and Wahba, Technometrics 21 (1979) 215) of the compressed data c
    /// with the influence matrix of the active set (Venkataraman, Song and Hürlimann 2002, section V):
    /// GCV(alpha) = N ||c - K~ f||^2 / (N - tr A)^2, and since c - K~ f = alpha x and N - tr A = alpha tr[(G + alpha I)^-1],
    /// GCV(alpha) = N ||x||^2 / tr[(G + alpha I)^-1]^2. The m - N coefficients outside the compressed data are
    /// noise no alpha can fit; leaving them out of the count keeps the criterion's degrees-of-freedom penalty at full strength.
    /// </summary>
    public double Gcv
    {
        get
        {
            // N - tr A = alpha tr[(G + alpha I)^-1], computed without the cancellation of N - tr A.
            double d = Alpha * InverseTrace;
            return KeptCount * KeptResidualNormSquared / (d * d);
        }
    }
}
