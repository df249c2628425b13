using MathNet.Numerics.LinearAlgebra;
using NmrInversion.Engine.Grids;

namespace NmrInversion.Engine.Kernels;

/// <summary>
/// Thin singular value decomposition of one kernel matrix, K = U diag(S) V^T with U (m x r), V (n x r), r = min(m, n),
/// singular values in decreasing order. Tall kernels (long echo trains) are first reduced by a thin QR, K = Q R,
/// so the cost is O(m n^2), not O(m^3).
/// </summary>
public sealed class KernelSvd
{
    public KernelSvd(KernelKind kind, AcquisitionAxis acquisition, RelaxationAxis relaxation, double inversionEfficiency = 1.0)
        : this(Kernel.Matrix(kind, acquisition, relaxation, inversionEfficiency))
    {
        Kind = kind;
        InversionEfficiency = inversionEfficiency;
        Acquisition = acquisition;
        Relaxation = relaxation;
    }

    public KernelSvd(double[,] matrix)
    {
        Matrix = matrix;
        int m = matrix.GetLength(0), n = matrix.GetLength(1);
        int r = Math.Min(m, n);
        var k = Matrix<double>.Build.DenseOfArray(matrix);
        Matrix<double> u, vt;
        Vector<double> s;
        if (m > n)
        {
            var qr = k.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
            var svd = qr.R.Svd(true);
            u = qr.Q * svd.U;
            s = svd.S;
            vt = svd.VT;
        }
        else
        {
            var svd = k.Svd(true);
            u = svd.U;
            s = svd.S;
            vt = svd.VT;
        }
        U = new double[m, r];
        V = new double[n, r];
        S = new double[r];
        for (int j = 0; j < r; j++)
        {
            S[j] = s[j];
            for (int i = 0; i < m; i++) U[i, j] = u[i, j];
            for (int i = 0; i < n; i++) V[i, j] = vt[j, i];
        }
    }

    public KernelKind Kind { get; }

    /// <summary>The inversion efficiency the kernel was built with (1 unless an inversion-recovery kernel states another).</summary>
    public double InversionEfficiency { get; } = 1.0;
    public AcquisitionAxis? Acquisition { get; }
    public RelaxationAxis? Relaxation { get; }

    /// <summary>The kernel matrix K (m x n).</summary>
    public double[,] Matrix { get; }

    /// <summary>Left singular vectors, m x r.</summary>
    public double[,] U { get; }

    /// <summary>Singular values, decreasing, length r.</summary>
    public double[] S { get; }

    /// <summary>Right singular vectors, n x r.</summary>
    public double[,] V { get; }

    public int Rank => S.Length;
}
