using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Kernels;

/// <summary>
/// The SVD-compressed form of a 2D (or 1D) inversion problem, shared by every method (Venkataraman, Song and
/// Hürlimann, IEEE Trans. Signal Process. 50 (2002) 1017):
/// with K1 = U1 S1 V1^T and K2 = U2 S2 V2^T, the data term is
///   ||K1 F K2^T - S||^2 = ||Sigma .* (V1^T F V2) - C||^2 + (||S||^2 - ||C||^2),   C = U1^T S U2,  Sigma_ij = s1_i s2_j,
/// so every method works with r1 x r2 matrices and never forms the (m1 m2) x (n1 n2) Kronecker kernel.
/// Also estimates the noise level from the coefficients the kernels cannot produce.
/// </summary>
public sealed class CompressedProblem
{
    /// <summary>Product singular values below this fraction of the largest are treated as noise-only when estimating the noise.</summary>
    public const double NoiseOnlyThreshold = 1e-9;

    public CompressedProblem(Signal2D signal, KernelSvdCache? cache = null)
        : this(signal.Values,
               (cache ?? KernelSvdCache.Shared).Get(signal.Kernels, 1, signal.Axis1, signal.RelaxationAxis1),
               (cache ?? KernelSvdCache.Shared).Get(signal.Kernels, 2, signal.Axis2, signal.RelaxationAxis2))
    {
    }

    public CompressedProblem(double[,] data, KernelSvd k1, KernelSvd k2)
    {
        if (data.GetLength(0) != k1.U.GetLength(0) || data.GetLength(1) != k2.U.GetLength(0))
            throw new NmrInputException("SignalSizeMismatch",
                $"The signal is {data.GetLength(0)}x{data.GetLength(1)} but the kernels expect {k1.U.GetLength(0)}x{k2.U.GetLength(0)}.", InputProblem.Data);
        K1 = k1;
        K2 = k2;
        Data = data;
        C = MatrixProducts.Multiply(MatrixProducts.TransposeMultiply(k1.U, data), k2.U);
        Sigma = ProductSingularValues(k1, k2);
        double total = 0;
        foreach (var v in data) total += v * v;
        DataNormSquared = total;
        MaxAbs = MatrixProducts.MaxAbs(data);

        OutsideNormSquared = Math.Max(0, total - CNormSquared());
        NoiseEstimate = EstimateNoise(C, Sigma, OutsideNormSquared, (long)data.GetLength(0) * data.GetLength(1), out long noiseCount);
        NoiseDegreesOfFreedom = noiseCount;
    }

    /// <summary>
    /// The noise estimate of <see cref="NoiseEstimate"/> from the compressed data alone: the energy outside the kernels'
    /// range (<paramref name="outsideNormSquared"/>) plus that of the coefficients whose product singular value is below
    /// <see cref="NoiseOnlyThreshold"/> of the largest, divided by the number of noise-only coefficients among the
    /// signal's <paramref name="pointCount"/> points. NaN when there are none.
    /// </summary>
    public static double EstimateNoise(double[,] c, double[,] sigma, double outsideNormSquared, long pointCount, out long noiseCount)
    {
        int r1 = c.GetLength(0), r2 = c.GetLength(1);
        double maxSigma = 0;
        foreach (var v in sigma) maxSigma = Math.Max(maxSigma, v);
        double noiseOnly = outsideNormSquared;
        int keptCount = 0;
        for (int i = 0; i < r1; i++)
            for (int j = 0; j < r2; j++)
                if (sigma[i, j] >= NoiseOnlyThreshold * maxSigma) keptCount++;
                else noiseOnly += c[i, j] * c[i, j];
        noiseCount = pointCount - keptCount;
        return noiseCount > 0 ? Math.Sqrt(Math.Max(0, noiseOnly) / noiseCount) : double.NaN;
    }

    public KernelSvd K1 { get; }
    public KernelSvd K2 { get; }

    /// <summary>The signal S.</summary>
    public double[,] Data { get; }

    /// <summary>Projected data C = U1^T S U2 (r1 x r2).</summary>
    public double[,] C { get; }

    /// <summary>Products of singular values, Sigma_ij = s1_i s2_j (r1 x r2).</summary>
    public double[,] Sigma { get; }

    /// <summary>||S||^2.</summary>
    public double DataNormSquared { get; }

    /// <summary>||S||^2 - ||C||^2: the part of the data no distribution can explain, a constant of every data term.</summary>
    public double OutsideNormSquared { get; }

    public double MaxAbs { get; }

    /// <summary>
    /// Noise standard deviation estimated from the data: the energy of S outside the coefficients the kernels can
    /// produce (product singular values at least <see cref="NoiseOnlyThreshold"/> of the largest), divided by their
    /// count. NaN when the grid leaves no such coefficients.
    /// </summary>
    public double NoiseEstimate { get; }

    /// <summary>How many coefficients the noise estimate rests on.</summary>
    public long NoiseDegreesOfFreedom { get; }

    public int Rank1 => K1.Rank;
    public int Rank2 => K2.Rank;

    /// <summary>V1^T F V2: a distribution's coordinates in the kernels' right singular bases (r1 x r2).</summary>
    public double[,] Project(double[,] f) => Project(K1, K2, f);

    /// <summary>V1^T F V2 for kernels <paramref name="k1"/>, <paramref name="k2"/>.</summary>
    public static double[,] Project(KernelSvd k1, KernelSvd k2, double[,] f) => MatrixProducts.Multiply(MatrixProducts.TransposeMultiply(k1.V, f), k2.V);

    /// <summary>V1 X V2^T: back from singular coordinates to the distribution grid (n1 x n2).</summary>
    public double[,] Expand(double[,] x) => Expand(K1, K2, x);

    /// <summary>V1 X V2^T for kernels <paramref name="k1"/>, <paramref name="k2"/>.</summary>
    public static double[,] Expand(KernelSvd k1, KernelSvd k2, double[,] x) => MatrixProducts.MultiplyTranspose(MatrixProducts.Multiply(k1.V, x), k2.V);

    /// <summary>||K1 F K2^T - S||, computed in compressed form.</summary>
    public double ResidualNorm(double[,] f)
    {
        var p = Project(f);
        double s = OutsideNormSquared;
        for (int i = 0; i < Rank1; i++)
            for (int j = 0; j < Rank2; j++)
            {
                double d = Sigma[i, j] * p[i, j] - C[i, j];
                s += d * d;
            }
        return Math.Sqrt(Math.Max(0, s));
    }

    /// <summary>The filtered linear estimate V1 [Sigma / (Sigma^2 + lambda^2) .* C] V2^T (Tikhonov without the sign constraint).</summary>
    public double[,] FilteredEstimate(double lambda) => FilteredEstimate(C, Sigma, K1, K2, lambda);

    /// <summary>V1 [Sigma / (Sigma^2 + lambda^2) .* C] V2^T for compressed data <paramref name="c"/> (r1 x r2) of kernels <paramref name="k1"/>, <paramref name="k2"/>.</summary>
    public static double[,] FilteredEstimate(double[,] c, double[,] sigma, KernelSvd k1, KernelSvd k2, double lambda)
    {
        int r1 = c.GetLength(0), r2 = c.GetLength(1);
        var x = new double[r1, r2];
        double l2 = lambda * lambda;
        for (int i = 0; i < r1; i++)
            for (int j = 0; j < r2; j++)
            {
                double s = sigma[i, j];
                x[i, j] = s / (s * s + l2) * c[i, j];
            }
        return Expand(k1, k2, x);
    }

    /// <summary>Sigma_ij = s1_i s2_j for two kernels' singular values (r1 x r2).</summary>
    public static double[,] ProductSingularValues(KernelSvd k1, KernelSvd k2)
    {
        var sigma = new double[k1.Rank, k2.Rank];
        for (int i = 0; i < k1.Rank; i++)
            for (int j = 0; j < k2.Rank; j++)
                sigma[i, j] = k1.S[i] * k2.S[j];
        return sigma;
    }

    /// <summary>
    /// Default of <see cref="SignificantCoefficients"/>' factor: keep the coefficients that can carry signal at the noise
    /// level. (With 0.1 instead, 64x64 T1-T2 signals keep about 40 % more coefficients and reconstruct with the same chi.)
    /// </summary>
    public const double DefaultTruncationFactor = 1.0;

    /// <summary>
    /// The truncation rule of the fast 2D inversion (Venkataraman, Song and Hürlimann 2002, section III): the (i, j) whose
    /// coefficient C_ij can hold signal above <paramref name="factor"/> times the noise. A non-negative F contributes
    /// Sigma_ij (V1^T F V2)_ij to C_ij, and |(V1^T F V2)_ij| &lt;= ||F||_2 &lt;= sum F ~ max |S| for kernels bounded by 1
    /// (recovery, decay and diffusion kernels all are), while the noise in every C_ij has the standard deviation
    /// <paramref name="noiseSigma"/> of the data (U1, U2 are orthonormal). Hence the rule
    /// Sigma_ij * max |S| &gt;= factor * noiseSigma; coefficients below it are noise whatever F is, and dropping them changes
    /// the solution of a regularized problem by a negligible amount. A noise level that is zero or not a number keeps every
    /// coefficient above <see cref="NoiseOnlyThreshold"/>. Row-major order; (0, 0) is always kept. Shared by Tikhonov,
    /// MTGV and the network inputs.
    /// </summary>
    public IReadOnlyList<(int I, int J)> SignificantCoefficients(double noiseSigma, double factor = DefaultTruncationFactor)
    {
        if (double.IsNaN(factor) || double.IsInfinity(factor) || factor < 0)
            throw new NmrInputException("TruncationFactorInvalid", $"The truncation factor must be a finite number >= 0; got {factor}.");
        double maxSigma = Sigma[0, 0];
        double floor = NoiseOnlyThreshold * maxSigma;
        if (noiseSigma > 0 && !double.IsInfinity(noiseSigma) && MaxAbs > 0)
            floor = Math.Max(floor, factor * noiseSigma / MaxAbs);
        var kept = new List<(int, int)>();
        for (int i = 0; i < Rank1; i++)
            for (int j = 0; j < Rank2; j++)
                if (Sigma[i, j] >= floor || (i == 0 && j == 0)) kept.Add((i, j));
        return kept;
    }

    private double CNormSquared()
    {
        double s = 0;
        foreach (var v in C) s += v * v;
        return s;
    }
}
