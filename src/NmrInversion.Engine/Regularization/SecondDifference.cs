namespace NmrInversion.Engine.Regularization;

/// <summary>
/// The second-derivative operator D2 of MTGV regularization (Reci, Sederman and Gladden, J. Magn. Reson. 284 (2017)
/// 39-47), applied as a 3x3 finite-difference stencil on the map, never as a matrix. For a map W (n1 x n2) it gives
/// three components per pixel,
/// <code>
///   d11 = W[i+1,j] - 2 W[i,j] + W[i-1,j]                       (second difference along axis 1)
///   dm  = d12 + d21 = D1+ D2+ W + D1- D2- W                     (mixed: forward-forward plus backward-backward)
///       = W[i+1,j+1] - W[i+1,j] - W[i,j+1] + 2 W[i,j] - W[i-1,j] - W[i,j-1] + W[i-1,j-1]
///   d22 = W[i,j+1] - 2 W[i,j] + W[i,j-1]                       (second difference along axis 2)
/// </code>
/// with W = 0 outside the grid (distributions vanish beyond their axes). Each stencil is symmetric under reflection
/// through the centre, so D2 is its own adjoint component by component: D2^T (Y11, Ym, Y22) = T1 Y11 + M Ym + T2 Y22
/// with the same three stencils. With zero padding D2 is injective, and ||D2||^2 &lt;= 96 (Fourier symbol at (pi, pi):
/// 16 + 64 + 16), so the primal-dual steps tau = sigma = 0.1 satisfy tau sigma ||[I -I; 0 D2]||^2 &lt; 1.
/// An axis with a single point (1D signals) has no differences: then only d11 is non-zero (the 1D second difference).
/// The per-pixel norm ||.||_{1,*} of MTGV sums sqrt(d11^2 + dm^2 + d22^2) over pixels.
/// </summary>
public static class SecondDifference
{
    /// <summary>Upper bound of ||D2||^2 (2D); the 1D operator has ||D2||^2 &lt;= 16.</summary>
    public const double NormSquaredBound = 96;

    /// <summary>D2 W: writes the three components into <paramref name="d11"/>, <paramref name="dm"/>, <paramref name="d22"/> (each n1 x n2).</summary>
    public static void Apply(double[,] w, double[,] d11, double[,] dm, double[,] d22)
    {
        int n1 = w.GetLength(0), n2 = w.GetLength(1);
        bool along1 = n1 > 1, along2 = n2 > 1;
        for (int i = 0; i < n1; i++)
        {
            for (int j = 0; j < n2; j++)
            {
                double c = w[i, j];
                double up = i > 0 ? w[i - 1, j] : 0, down = i < n1 - 1 ? w[i + 1, j] : 0;
                double left = j > 0 ? w[i, j - 1] : 0, right = j < n2 - 1 ? w[i, j + 1] : 0;
                d11[i, j] = along1 ? down - 2 * c + up : 0;
                d22[i, j] = along2 ? right - 2 * c + left : 0;
                if (along1 && along2)
                {
                    double dr = i < n1 - 1 && j < n2 - 1 ? w[i + 1, j + 1] : 0;
                    double ul = i > 0 && j > 0 ? w[i - 1, j - 1] : 0;
                    dm[i, j] = dr - down - right + 2 * c - up - left + ul;
                }
                else
                {
                    dm[i, j] = 0;
                }
            }
        }
    }

    /// <summary>D2^T (Y11, Ym, Y22), written into <paramref name="result"/> (n1 x n2).</summary>
    public static void ApplyAdjoint(double[,] y11, double[,] ym, double[,] y22, double[,] result)
    {
        int n1 = result.GetLength(0), n2 = result.GetLength(1);
        bool along1 = n1 > 1, along2 = n2 > 1;
        for (int i = 0; i < n1; i++)
        {
            for (int j = 0; j < n2; j++)
            {
                double s = 0;
                if (along1)
                    s += (i < n1 - 1 ? y11[i + 1, j] : 0) - 2 * y11[i, j] + (i > 0 ? y11[i - 1, j] : 0);
                if (along2)
                    s += (j < n2 - 1 ? y22[i, j + 1] : 0) - 2 * y22[i, j] + (j > 0 ? y22[i, j - 1] : 0);
                if (along1 && along2)
                {
                    double c = ym[i, j];
                    double up = i > 0 ? ym[i - 1, j] : 0, down = i < n1 - 1 ? ym[i + 1, j] : 0;
                    double left = j > 0 ? ym[i, j - 1] : 0, right = j < n2 - 1 ? ym[i, j + 1] : 0;
                    double dr = i < n1 - 1 && j < n2 - 1 ? ym[i + 1, j + 1] : 0;
                    double ul = i > 0 && j > 0 ? ym[i - 1, j - 1] : 0;
                    s += dr - down - right + 2 * c - up - left + ul;
                }
                result[i, j] = s;
            }
        }
    }

    /// <summary>||D2 W||_{1,*}: the sum over pixels of the Euclidean norm of the three components.</summary>
    public static double NormL1Star(double[,] w)
    {
        int n1 = w.GetLength(0), n2 = w.GetLength(1);
        var a = new double[n1, n2];
        var b = new double[n1, n2];
        var c = new double[n1, n2];
        Apply(w, a, b, c);
        double s = 0;
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
                s += Math.Sqrt(a[i, j] * a[i, j] + b[i, j] * b[i, j] + c[i, j] * c[i, j]);
        return s;
    }
}
