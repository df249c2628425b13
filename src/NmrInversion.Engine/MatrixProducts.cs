namespace NmrInversion.Engine;

/// <summary>
/// Dense products of small row-major matrices (double[,]): the few operations the Kronecker-structured methods need
/// (K1 F K2^T and its relatives). Loops are ordered for contiguous access; sizes here are 64..2500, so this is fast
/// enough and allocation-light, and it keeps the engine free of a BLAS dependency.
/// </summary>
public static class MatrixProducts
{
    /// <summary>A B.</summary>
    public static double[,] Multiply(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), k = a.GetLength(1), m = b.GetLength(1);
        if (b.GetLength(0) != k) throw new ArgumentException($"Inner sizes differ: {n}x{k} times {b.GetLength(0)}x{m}.");
        var c = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < k; p++)
            {
                double aip = a[i, p];
                if (aip == 0) continue;
                for (int j = 0; j < m; j++) c[i, j] += aip * b[p, j];
            }
        return c;
    }

    /// <summary>A^T B.</summary>
    public static double[,] TransposeMultiply(double[,] a, double[,] b)
    {
        int k = a.GetLength(0), n = a.GetLength(1), m = b.GetLength(1);
        if (b.GetLength(0) != k) throw new ArgumentException($"Inner sizes differ: ({k}x{n})^T times {b.GetLength(0)}x{m}.");
        var c = new double[n, m];
        for (int p = 0; p < k; p++)
            for (int i = 0; i < n; i++)
            {
                double api = a[p, i];
                if (api == 0) continue;
                for (int j = 0; j < m; j++) c[i, j] += api * b[p, j];
            }
        return c;
    }

    /// <summary>A B^T.</summary>
    public static double[,] MultiplyTranspose(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), k = a.GetLength(1), m = b.GetLength(0);
        if (b.GetLength(1) != k) throw new ArgumentException($"Inner sizes differ: {n}x{k} times ({m}x{b.GetLength(1)})^T.");
        var c = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[i, p] * b[j, p];
                c[i, j] = s;
            }
        return c;
    }

    /// <summary>A X B^T: the 2D forward model K1 F K2^T, or its adjoint with transposed factors.</summary>
    public static double[,] Sandwich(double[,] a, double[,] x, double[,] b) => MultiplyTranspose(Multiply(a, x), b);

    /// <summary>A^T X B: the adjoint of the forward model, K1^T R K2.</summary>
    public static double[,] TransposeSandwich(double[,] a, double[,] x, double[,] b) => Multiply(TransposeMultiply(a, x), b);

    /// <summary>Frobenius norm.</summary>
    public static double FrobeniusNorm(double[,] a)
    {
        double s = 0;
        foreach (var v in a) s += v * v;
        return Math.Sqrt(s);
    }

    /// <summary>Frobenius norm of A - B.</summary>
    public static double DifferenceNorm(double[,] a, double[,] b)
    {
        double s = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
            {
                double d = a[i, j] - b[i, j];
                s += d * d;
            }
        return Math.Sqrt(s);
    }

    public static double MaxAbs(double[,] a)
    {
        double m = 0;
        foreach (var v in a) m = Math.Max(m, Math.Abs(v));
        return m;
    }
}
