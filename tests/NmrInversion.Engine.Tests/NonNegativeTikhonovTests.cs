using MathNet.Numerics.LinearAlgebra;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

/// <summary>
/// The compressed BRD solver against an independent dense solution of the uncompressed problem: Lawson-Hanson NNLS on
/// the stacked system [K1 (x) K2; sqrt(alpha) I] f = [vec S; 0], written here from the textbook (Lawson and Hanson,
/// Solving Least Squares Problems, 1974, ch. 23).
/// </summary>
public class NonNegativeTikhonovTests
{
    internal static Signal2D SmallSignal(string preset, double? snr, int n = 12, int m = 16)
    {
        var r1 = RelaxationAxis.LogSpaced("T1", 1e-3, 1e1, n);
        var r2 = RelaxationAxis.LogSpaced("T2", 1e-4, 1e0, n);
        var a1 = AcquisitionAxis.LogSpaced("t1", 1e-3, 1e1, m);
        var a2 = AcquisitionAxis.LogSpaced("t2", 1e-4, 1e0, m);
        return ForwardModel.Simulate(Presets.Create(preset, r1, r2), KernelPair.PaperT1T2, a1, a2, snr, seed: 1);
    }

    /// <summary>The dense Kronecker kernel K1 (x) K2 acting on vec(F) (row-major F, index i * n2 + j).</summary>
    internal static Matrix<double> DenseKernel(Signal2D s)
    {
        var k1 = Kernel.Matrix(s.Kernels.Kernel1, s.Axis1, s.RelaxationAxis1);
        var k2 = Kernel.Matrix(s.Kernels.Kernel2, s.Axis2, s.RelaxationAxis2);
        int m1 = k1.GetLength(0), n1 = k1.GetLength(1), m2 = k2.GetLength(0), n2 = k2.GetLength(1);
        var k = Matrix<double>.Build.Dense(m1 * m2, n1 * n2);
        for (int a = 0; a < m1; a++)
            for (int b = 0; b < m2; b++)
                for (int i = 0; i < n1; i++)
                    for (int j = 0; j < n2; j++)
                        k[a * m2 + b, i * n2 + j] = k1[a, i] * k2[b, j];
        return k;
    }

    /// <summary>Lawson-Hanson active-set NNLS: min ||A x - b|| subject to x &gt;= 0.</summary>
    internal static Vector<double> Nnls(Matrix<double> a, Vector<double> b)
    {
        int n = a.ColumnCount;
        var x = Vector<double>.Build.Dense(n);
        var passive = new bool[n];
        double tol = 1e-13 * a.L1Norm() * Math.Max(a.RowCount, n);
        Vector<double> Gradient() => a.TransposeThisAndMultiply(b - a * x);
        Vector<double> SolvePassive()
        {
            var cols = Enumerable.Range(0, n).Where(j => passive[j]).ToArray();
            var sub = Matrix<double>.Build.Dense(a.RowCount, cols.Length, (r, c) => a[r, cols[c]]);
            var zp = sub.QR().Solve(b);
            var z = Vector<double>.Build.Dense(n);
            for (int c = 0; c < cols.Length; c++) z[cols[c]] = zp[c];
            return z;
        }
        for (int outer = 0; outer < 3 * n; outer++)
        {
            var w = Gradient();
            int t = -1;
            for (int j = 0; j < n; j++)
                if (!passive[j] && w[j] > tol && (t < 0 || w[j] > w[t])) t = j;
            if (t < 0) break;
            passive[t] = true;
            while (true)
            {
                var z = SolvePassive();
                bool feasible = true;
                for (int j = 0; j < n; j++) if (passive[j] && z[j] <= 0) feasible = false;
                if (feasible) { x = z; break; }
                double step = double.PositiveInfinity;
                for (int j = 0; j < n; j++)
                    if (passive[j] && z[j] <= 0) step = Math.Min(step, x[j] / (x[j] - z[j]));
                x += step * (z - x);
                for (int j = 0; j < n; j++)
                    if (passive[j] && x[j] <= tol) { passive[j] = false; x[j] = 0; }
            }
        }
        return x;
    }

    private static Vector<double> DenseTikhonov(Signal2D s, double alpha)
    {
        var k = DenseKernel(s);
        int m = k.RowCount, n = k.ColumnCount;
        var a = Matrix<double>.Build.Dense(m + n, n);
        a.SetSubMatrix(0, 0, k);
        for (int j = 0; j < n; j++) a[m + j, j] = Math.Sqrt(alpha);
        var b = Vector<double>.Build.Dense(m + n);
        var v = s.Values;
        for (int i = 0; i < v.GetLength(0); i++)
            for (int j = 0; j < v.GetLength(1); j++) b[i * v.GetLength(1) + j] = v[i, j];
        return Nnls(a, b);
    }

    private static NonNegativeTikhonov AllCoefficients(Signal2D s)
    {
        var problem = new CompressedProblem(s, new KernelSvdCache());
        return new NonNegativeTikhonov(problem, problem.SignificantCoefficients(noiseSigma: 0));
    }

    [Theory]
    [InlineData("A", 200, 1e-3)]
    [InlineData("A", 200, 1e-1)]
    [InlineData("D", 20, 1.0)]
    [InlineData("H", 2000, 1e-2)]
    public void CompressedSolutionEqualsDenseNnlsOfTheUncompressedProblem(string preset, double snr, double alpha)
    {
        var s = SmallSignal(preset, snr);
        var solver = AllCoefficients(s);
        var solution = solver.Solve(alpha);
        Assert.True(solution.Converged);
        var dense = DenseTikhonov(s, alpha);

        int n2 = s.RelaxationAxis2.Count;
        double diff = 0, norm = 0;
        int zeros = 0;
        for (int i = 0; i < s.RelaxationAxis1.Count; i++)
            for (int j = 0; j < n2; j++)
            {
                double mine = solution.Distribution[i, j] * solver.Scale, theirs = dense[i * n2 + j];
                diff += (mine - theirs) * (mine - theirs);
                norm += theirs * theirs;
                if (theirs == 0) zeros++;
            }
        Assert.True(zeros > 0, "The constraint should be active somewhere, otherwise this is not a test of the non-negative solver.");
        Assert.True(Math.Sqrt(diff / norm) < 1e-6, $"relative difference {Math.Sqrt(diff / norm):E3}");
    }

    [Fact]
    public void InfluenceTraceAndGcvMatchDenseFormulas()
    {
        // tr A = tr[K~_A (K~_A^T K~_A + alpha I)^-1 K~_A^T] with K~ the compressed kernel built densely, A the active set.
        var s = SmallSignal("C", 200);
        var problem = new CompressedProblem(s, new KernelSvdCache());
        var kept = problem.SignificantCoefficients(s.NoiseSigma!.Value);
        var solver = new NonNegativeTikhonov(problem, kept);
        double alpha = 3e-2;
        var sol = solver.Solve(alpha);
        int n1 = s.RelaxationAxis1.Count, n2 = s.RelaxationAxis2.Count;
        var active = new List<(int, int)>();
        for (int p = 0; p < n1; p++)
            for (int q = 0; q < n2; q++)
                if (sol.Distribution[p, q] > 0) active.Add((p, q));
        var kt = Matrix<double>.Build.Dense(kept.Count, active.Count, (k, c) =>
        {
            var (i, j) = kept[k];
            var (p, q) = active[c];
            return problem.Sigma[i, j] * problem.K1.V[p, i] * problem.K2.V[q, j];
        });
        var inner = kt.TransposeThisAndMultiply(kt) + alpha * Matrix<double>.Build.DenseIdentity(active.Count);
        var influence = kt * inner.Inverse() * kt.Transpose();
        Assert.Equal(influence.Trace(), sol.InfluenceTrace, 8);

        // Kept residual from the dense compressed kernel: c - K~ f.
        var c = Vector<double>.Build.Dense(kept.Count, k => problem.C[kept[k].I, kept[k].J] / solver.Scale);
        var f = Vector<double>.Build.Dense(active.Count, a => sol.Distribution[active[a].Item1, active[a].Item2]);
        var r = c - kt * f;
        Assert.Equal(r.DotProduct(r), sol.KeptResidualNormSquared, 10);
        double expected = kept.Count * r.DotProduct(r) / Math.Pow(kept.Count - influence.Trace(), 2);
        Assert.Equal(1.0, sol.Gcv / expected, 6);
    }

    [Fact]
    public void FullResidualMatchesTheForwardModel()
    {
        var s = SmallSignal("E", 200);
        var solver = new NonNegativeTikhonov(new CompressedProblem(s, new KernelSvdCache()), new CompressedProblem(s).SignificantCoefficients(s.NoiseSigma!.Value));
        var sol = solver.Solve(0.1);
        var f = (double[,])sol.Distribution.Clone();
        for (int i = 0; i < f.GetLength(0); i++)
            for (int j = 0; j < f.GetLength(1); j++) f[i, j] *= solver.Scale;
        var k1 = Kernel.Matrix(s.Kernels.Kernel1, s.Axis1, s.RelaxationAxis1);
        var k2 = Kernel.Matrix(s.Kernels.Kernel2, s.Axis2, s.RelaxationAxis2);
        double direct = MatrixProducts.DifferenceNorm(MatrixProducts.Sandwich(k1, f, k2), s.Values);
        Assert.Equal(direct, Math.Sqrt(sol.ResidualNormSquared) * solver.Scale, 10);
    }

    [Fact]
    public void WarmStartGivesTheSameSolutionInFewerIterations()
    {
        var s = SmallSignal("B", 200, n: 24, m: 32);
        var problem = new CompressedProblem(s, new KernelSvdCache());
        var solver = new NonNegativeTikhonov(problem, problem.SignificantCoefficients(s.NoiseSigma!.Value));
        var near = solver.Solve(0.02);
        var cold = solver.Solve(0.015);
        var warm = solver.Solve(0.015, near);
        Assert.True(cold.Converged && warm.Converged);
        Assert.True(warm.Iterations <= cold.Iterations, $"warm {warm.Iterations}, cold {cold.Iterations}");
        Assert.True(MatrixProducts.DifferenceNorm(cold.Distribution, warm.Distribution) <= 1e-8 * MatrixProducts.FrobeniusNorm(cold.Distribution));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.PositiveInfinity)]
    public void BadAlphaIsRejected(double alpha)
    {
        var s = SmallSignal("A", 200);
        var e = Assert.Throws<NmrInputException>(() => AllCoefficients(s).Solve(alpha));
        Assert.Equal("AlphaInvalid", e.ErrorId);
        Assert.Equal(InputProblem.Argument, e.Problem);
    }
}
