using NmrInversion.Engine.Kernels;

namespace NmrInversion.Engine.Regularization;

/// <summary>
/// The data of MTGV in the form its authors use (Beckmann et al., arXiv 2311.11442, section 2; cam_ilt
/// <c>svd_kernel_compression</c>): the signal divided by its largest absolute value (the noise level scaled alike), and
/// the Kronecker kernel K1 (x) K2 reduced to the singular triplets whose product singular value
/// sigma_ij = s1_i s2_j exceeds the normalised noise. With Omega that kept set,
/// <code>
///   K~ F = ( sigma_ij (V1^T F V2)_ij )_(i,j) in Omega,      s~ = ( C_ij / max|S| )_(i,j) in Omega,   n = |Omega|
///   ||K F - S / max|S| ||^2 = ||K~ F - s~||^2 + constant   (up to the discarded coefficients).
/// </code>
/// Everything is held in the leading k1 x k2 block of singular coordinates that contains Omega (entries outside Omega
/// carry sigma = 0), so products with V1, V2 are small dense products on the map and no Kronecker matrix is formed.
/// </summary>
public sealed class MtgvProblem
{
    /// <param name="compressed">The SVD-compressed signal.</param>
    /// <param name="noiseSigma">Noise standard deviation in signal units (known, or estimated).</param>
    /// <param name="keepThreshold">
    /// Keep product singular values above this value (in normalised units). Null: the normalised noise, as the authors
    /// do. Zero keeps every non-zero product (no truncation).
    /// </param>
    public MtgvProblem(CompressedProblem compressed, double noiseSigma, double? keepThreshold = null)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        if (!(noiseSigma > 0) || double.IsInfinity(noiseSigma))
            throw new NmrInputException("NoiseLevelInvalid",
                $"MTGV needs a noise level > 0 to compress the kernels and score beta; got {noiseSigma}. Give the signal a NoiseSigma or use a grid that leaves room for the noise estimate.", InputProblem.Data);
        if (!(compressed.MaxAbs > 0))
            throw new NmrInputException("SignalAllZero", "The signal is zero everywhere; there is nothing to invert.", InputProblem.Data);
        Compressed = compressed;
        Scale = compressed.MaxAbs;
        NoiseSigma = noiseSigma / Scale;
        double threshold = keepThreshold ?? NoiseSigma;
        if (threshold < 0 || double.IsNaN(threshold))
            throw new NmrInputException("KeepThresholdInvalid", $"The singular value threshold must be >= 0; got {threshold}.");

        int r1 = compressed.Rank1, r2 = compressed.Rank2;
        int k1 = 0, k2 = 0, n = 0;
        for (int i = 0; i < r1; i++)
            for (int j = 0; j < r2; j++)
                if (compressed.Sigma[i, j] > threshold && compressed.Sigma[i, j] > 0)
                {
                    n++;
                    k1 = Math.Max(k1, i + 1);
                    k2 = Math.Max(k2, j + 1);
                }
        if (n == 0)
            throw new NmrInputException("SignalBelowNoise",
                $"No singular value of the kernels exceeds the normalised noise ({threshold:G3}); the signal carries no information MTGV can use.", InputProblem.Data);
        Count = n;
        Rank1 = k1;
        Rank2 = k2;
        SingularSquared = new double[k1, k2];
        SingularValues = new double[k1, k2];
        Data = new double[k1, k2];
        for (int i = 0; i < k1; i++)
            for (int j = 0; j < k2; j++)
            {
                double s = compressed.Sigma[i, j];
                if (s > threshold && s > 0)
                {
                    SingularValues[i, j] = s;
                    SingularSquared[i, j] = s * s;
                    Data[i, j] = compressed.C[i, j] / Scale;
                }
            }
        int n1 = compressed.K1.V.GetLength(0), n2 = compressed.K2.V.GetLength(0);
        V1 = Columns(compressed.K1.V, k1);
        V2 = Columns(compressed.K2.V, k2);
        Size1 = n1;
        Size2 = n2;
        // Discarded data energy (normalised): what no distribution in the kept subspace can explain.
        double kept = 0;
        foreach (var v in Data) kept += v * v;
        OutsideNormSquared = Math.Max(0, compressed.DataNormSquared / (Scale * Scale) - kept);

        var weighted = new double[k1, k2];
        for (int i = 0; i < k1; i++)
            for (int j = 0; j < k2; j++)
                weighted[i, j] = SingularValues[i, j] * Data[i, j];
        AdjointData = Expand(weighted);
        double sumSquares = 0;
        foreach (var v in SingularSquared) sumSquares += v;
        InitialAlpha = n / sumSquares;
    }

    public CompressedProblem Compressed { get; }

    /// <summary>max |S|: the signal was divided by this.</summary>
    public double Scale { get; }

    /// <summary>Noise standard deviation divided by <see cref="Scale"/>.</summary>
    public double NoiseSigma { get; }

    /// <summary>n = |Omega|, the number of kept singular values (the length of s~).</summary>
    public int Count { get; }

    /// <summary>k1, k2: the kept block of singular coordinates.</summary>
    public int Rank1 { get; }
    public int Rank2 { get; }

    /// <summary>Size of the distribution grid (n1 x n2).</summary>
    public int Size1 { get; }
    public int Size2 { get; }

    /// <summary>sigma_ij on Omega, 0 elsewhere (k1 x k2).</summary>
    public double[,] SingularValues { get; }

    /// <summary>sigma_ij^2 on Omega, 0 elsewhere (k1 x k2).</summary>
    public double[,] SingularSquared { get; }

    /// <summary>s~ on Omega, 0 elsewhere (k1 x k2).</summary>
    public double[,] Data { get; }

    /// <summary>K~^T s~ on the map (n1 x n2).</summary>
    public double[,] AdjointData { get; }

    /// <summary>The authors' starting data weight alpha0 = n / sum sigma^2.</summary>
    public double InitialAlpha { get; }

    /// <summary>Normalised data energy outside Omega.</summary>
    public double OutsideNormSquared { get; }

    /// <summary>First k1 right singular vectors of K1 (n1 x k1).</summary>
    public double[,] V1 { get; }

    /// <summary>First k2 right singular vectors of K2 (n2 x k2).</summary>
    public double[,] V2 { get; }

    /// <summary>V1^T F V2 (k1 x k2).</summary>
    public double[,] Project(double[,] f) => MatrixProducts.Multiply(MatrixProducts.TransposeMultiply(V1, f), V2);

    /// <summary>V1 X V2^T (n1 x n2).</summary>
    public double[,] Expand(double[,] x) => MatrixProducts.MultiplyTranspose(MatrixProducts.Multiply(V1, x), V2);

    /// <summary>K~ F - s~ on Omega (k1 x k2, zero outside Omega), given P = V1^T F V2.</summary>
    public double[,] Residual(double[,] projected)
    {
        var r = new double[Rank1, Rank2];
        for (int i = 0; i < Rank1; i++)
            for (int j = 0; j < Rank2; j++)
                r[i, j] = SingularValues[i, j] * projected[i, j] - Data[i, j];
        return r;
    }

    /// <summary>||K~ F - s~|| (normalised units).</summary>
    public double ResidualNorm(double[,] f) => MatrixProducts.FrobeniusNorm(Residual(Project(f)));

    private static double[,] Columns(double[,] v, int k)
    {
        int n = v.GetLength(0);
        var c = new double[n, k];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++)
                c[i, j] = v[i, j];
        return c;
    }
}
