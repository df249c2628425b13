using MathNet.Numerics.LinearAlgebra;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

/// <summary>
/// The MTGV solver against independent solvers written here on the small dense 1D problem (T2 decay, 24 points
/// inverted on 16 relaxation times, no singular value dropped so the compressed and dense problems agree).
/// </summary>
public class MtgvTests
{
    private const int M = 24, N = 16;

    private static (double[,] K, double[] S) SmallProblem()
    {
        var k = new double[M, N];
        var truth = new double[N];
        for (int j = 0; j < N; j++)
        {
            double logT = -3 + 3.0 * j / (N - 1);
            truth[j] = Math.Exp(-0.5 * Math.Pow((logT + 1.6) / 0.35, 2)) + 0.6 * (j == 3 ? 1 : 0);
        }
        for (int i = 0; i < M; i++)
        {
            double t = 1e-3 * Math.Pow(10, 3.0 * i / (M - 1));
            for (int j = 0; j < N; j++) k[i, j] = Math.Exp(-t / Math.Pow(10, -3 + 3.0 * j / (N - 1)));
        }
        var s = new double[M];
        var rng = new Random(7);
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++) s[i] += k[i, j] * truth[j];
        }
        double max = s.Max(Math.Abs);
        for (int i = 0; i < M; i++) s[i] = s[i] / max + 0.01 * NoiseModel.NextGaussian(rng);
        return (k, s);
    }

    private static MtgvProblem Compressed(double[,] k, double[] s)
    {
        var data = new double[M, 1];
        for (int i = 0; i < M; i++) data[i, 0] = s[i];
        var cp = new CompressedProblem(data, new KernelSvd(k), new KernelSvd(new double[,] { { 1 } }));
        return new MtgvProblem(cp, 0.01, keepThreshold: 0);
    }

    private static double[] Column(double[,] f) => Enumerable.Range(0, f.GetLength(0)).Select(i => Math.Max(0, f[i, 0])).ToArray();

    private static double RelativeDifference(double[] a, double[] b)
    {
        double d = 0, n = 0;
        for (int i = 0; i < a.Length; i++) { d += (a[i] - b[i]) * (a[i] - b[i]); n += b[i] * b[i]; }
        return Math.Sqrt(d / n);
    }

    /// <summary>Data scaled as the solver scales it (max |S| = 1).</summary>
    private static Vector<double> Normalised(double[] s) => Vector<double>.Build.DenseOfArray(s) / s.Max(Math.Abs);

    [Fact]
    public void SmoothnessOnlyLimitMatchesSecondOrderTvByAdmm()
    {
        // beta <= 1/4 (1D): MTGV is exactly min (alpha/2)||K F - s||^2 + beta ||D2 F||_1, F >= 0.
        var (k, s) = SmallProblem();
        double alpha = 200, beta = 0.05;
        var problem = Compressed(k, s);
        var solver = MtgvSearch.CreateSolver(problem);
        var state = solver.Start();
        var run = solver.Run(state, alpha, beta, 400_000, 1e-12);
        var mtgv = Column(state.F);

        // Independent: ADMM with splittings z = D2 F (soft threshold) and g = F (projection on F >= 0).
        var K = Matrix<double>.Build.DenseOfArray(k);
        var sv = Normalised(s);
        var D = Matrix<double>.Build.Dense(N, N);
        for (int i = 0; i < N; i++)
        {
            D[i, i] = -2;
            if (i > 0) D[i, i - 1] = 1;
            if (i < N - 1) D[i, i + 1] = 1;
        }
        double rho = 5;
        var lhs = (alpha * K.TransposeThisAndMultiply(K) + rho * D.TransposeThisAndMultiply(D) + rho * Matrix<double>.Build.DenseIdentity(N)).Cholesky();
        var kts = alpha * K.TransposeThisAndMultiply(sv);
        var f = Vector<double>.Build.Dense(N); var z = Vector<double>.Build.Dense(N); var u = Vector<double>.Build.Dense(N);
        var g = Vector<double>.Build.Dense(N); var v = Vector<double>.Build.Dense(N);
        for (int it = 0; it < 200_000; it++)
        {
            f = lhs.Solve(kts + rho * D.TransposeThisAndMultiply(z - u) + rho * (g - v));
            var df = D * f;
            z = (df + u).Map(x => Math.Sign(x) * Math.Max(0, Math.Abs(x) - beta / rho));
            g = (f + v).Map(x => Math.Max(0, x));
            u += df - z;
            v += f - g;
        }
        var reference = g.ToArray();
        Assert.True(run.Converged);
        Assert.True(RelativeDifference(mtgv, reference) < 2e-3, $"relative difference {RelativeDifference(mtgv, reference):G3}");
    }

    [Fact]
    public void SparsityOnlyLimitMatchesL1ByProjectedFista()
    {
        // beta large: W = 0 and MTGV is min (alpha/2)||K F - s||^2 + ||F||_1, F >= 0.
        var (k, s) = SmallProblem();
        double alpha = 200, beta = 1e6;
        var problem = Compressed(k, s);
        var solver = MtgvSearch.CreateSolver(problem);
        var state = solver.Start();
        var run = solver.Run(state, alpha, beta, 400_000, 1e-12);
        var mtgv = Column(state.F);

        var K = Matrix<double>.Build.DenseOfArray(k);
        var sv = Normalised(s);
        double lipschitz = alpha * Math.Pow(K.L2Norm(), 2);
        var x = Vector<double>.Build.Dense(N); var y = x.Clone(); double t = 1;
        for (int it = 0; it < 200_000; it++)
        {
            var grad = alpha * K.TransposeThisAndMultiply(K * y - sv) + 1.0;
            var next = (y - grad / lipschitz).Map(q => Math.Max(0, q));
            double tn = (1 + Math.Sqrt(1 + 4 * t * t)) / 2;
            y = next + (t - 1) / tn * (next - x);
            x = next; t = tn;
        }
        var reference = x.ToArray();
        Assert.True(run.Converged);
        Assert.True(RelativeDifference(mtgv, reference) < 2e-3, $"relative difference {RelativeDifference(mtgv, reference):G3}");
    }

    [Fact]
    public void CostDecreasesAndTheStoppingRuleIsMet()
    {
        var truth = Presets.Create("H");
        var kp = KernelPair.PaperT1T2;
        var (a1, a2) = kp.DefaultAcquisitionAxes();
        var signal = ForwardModel.Simulate(truth, kp, a1, a2, 200, 1);
        var problem = new MtgvProblem(new CompressedProblem(signal), signal.NoiseSigma!.Value);
        var solver = MtgvSearch.CreateSolver(problem);
        var state = solver.Start();
        double tolerance = 1e-6;
        var run = solver.Run(state, 500, 1, 50_000, tolerance);
        Assert.True(run.Converged, $"not converged after {run.Iterations} iterations (last change {run.RelativeChange:G3})");
        Assert.True(run.RelativeChange < tolerance);
        var h = run.CostHistory;
        Assert.True(h[^1] < 1e-3 * h[0], "the cost must fall by orders of magnitude from the flat start");
        // Primal-dual iterates are not monotone step by step; over check intervals the cost may rise only within 1 %.
        for (int i = 1; i < h.Count; i++)
            Assert.True(h[i] <= h[i - 1] * 1.01 + 1e-12, $"cost rose from {h[i - 1]:G6} to {h[i]:G6} at check {i}");
    }

    [Fact]
    public void GcvUpdateMatchesDenseAlgebra()
    {
        var (k, s) = SmallProblem();
        var problem = Compressed(k, s);
        var solver = MtgvSearch.CreateSolver(problem);
        var state = solver.Start();
        double alpha = 50, beta = 0.5;
        for (int i = 0; i < 300; i++) solver.Step(state, alpha, beta);
        var (score, next) = MtgvGcv.Update(solver, state, alpha);

        // Dense: K~ = S V^T, s~ = U^T s (all N singular values kept), A = K~^T K~ + lambda I, P = I - K~ A^-1 K~^T.
        var svd = Matrix<double>.Build.DenseOfArray(k).Svd(true);
        var V = svd.VT.Transpose();
        var Kt = Matrix<double>.Build.DenseOfDiagonalVector(svd.S) * svd.VT;
        var st = svd.U.SubMatrix(0, M, 0, N).TransposeThisAndMultiply(Normalised(s));
        double tau = solver.Tau, lambda = 1 / (tau * alpha);
        var F = Vector<double>.Build.Dense(N, i => state.F[i, 0]);
        var Y1 = Vector<double>.Build.Dense(N, i => state.Y1[i, 0]);
        var A = Kt.TransposeThisAndMultiply(Kt) + lambda * Matrix<double>.Build.DenseIdentity(N);
        var Ainv = A.Inverse();
        var P = Matrix<double>.Build.DenseIdentity(N) - Kt * Ainv * Kt.Transpose();
        var r = st - Kt * (F - tau * Y1);
        var pr = P * r;
        double r2 = pr.DotProduct(pr), trP = P.Trace();
        double expectedScore = N * r2 / (trP * trP);
        var u = (Ainv * Kt.TransposeThisAndMultiply(r)).PointwiseMaximum(-(F - tau * Y1));
        double expectedLambda = r2 * (Ainv - lambda * Ainv * Ainv).Trace() / (u.DotProduct(Ainv * u) * trP);
        Assert.Equal(expectedScore, score, expectedScore * 1e-8);
        Assert.Equal(1 / (tau * expectedLambda), next, 1e-6 / (tau * expectedLambda));
    }
}
