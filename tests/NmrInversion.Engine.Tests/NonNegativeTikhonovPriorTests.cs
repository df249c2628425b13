using MathNet.Numerics.LinearAlgebra;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;
using Xunit;
using static NmrInversion.Engine.Tests.NonNegativeTikhonovTests;

namespace NmrInversion.Engine.Tests;

/// <summary>
/// Tikhonov pulled towards a prior map with chi-shaped weights, min_{F &gt;= 0} ||K F - S||^2 + alpha sum (F - P)^2 / d,
/// d = max(P, 1e-4 sum P) / max P, against an independent dense solution: Lawson-Hanson NNLS on the stacked system
/// [K; sqrt(alpha / d)] f = [vec S; sqrt(alpha / d) P].
/// </summary>
public class NonNegativeTikhonovPriorTests
{
    /// <summary>A prior near the truth but not equal to it: 70 % of it in place, 30 % shifted by one cell along axis 1 (unit sum, zeros kept where both are zero).</summary>
    private static double[,] ShiftedPrior(Signal2D s)
    {
        var t = s.Truth!.Values;
        int n1 = t.GetLength(0), n2 = t.GetLength(1);
        var p = new double[n1, n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
                p[i, j] = 0.7 * t[i, j] + 0.3 * (i > 0 ? t[i - 1, j] : 0);
        return p;
    }

    private static (double[] Spread, double[] Prior) Weights(double[,] prior, double floor = 1e-4)
    {
        int n1 = prior.GetLength(0), n2 = prior.GetLength(1);
        double sum = 0, max = 0;
        foreach (double v in prior) { sum += v; max = Math.Max(max, v); }
        var d = new double[n1 * n2];
        var p = new double[n1 * n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
            {
                p[i * n2 + j] = prior[i, j];
                d[i * n2 + j] = Math.Max(prior[i, j], floor * sum) / max;
            }
        return (d, p);
    }

    private static Vector<double> DenseWithPrior(Signal2D s, double alpha, double[,] prior, double floor = 1e-4)
    {
        var k = DenseKernel(s);
        int m = k.RowCount, n = k.ColumnCount;
        var (d, p) = Weights(prior, floor);
        var a = Matrix<double>.Build.Dense(m + n, n);
        a.SetSubMatrix(0, 0, k);
        var b = Vector<double>.Build.Dense(m + n);
        var v = s.Values;
        for (int i = 0; i < v.GetLength(0); i++)
            for (int j = 0; j < v.GetLength(1); j++) b[i * v.GetLength(1) + j] = v[i, j];
        for (int j = 0; j < n; j++)
        {
            double w = Math.Sqrt(alpha / d[j]);
            a[m + j, j] = w;
            b[m + j] = w * p[j];
        }
        return Nnls(a, b);
    }

    /// <summary>||scale f - reference|| / ||reference||.</summary>
    private static double RelativeDifference(TikhonovSolution solution, double scale, double[,] reference)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < reference.GetLength(0); i++)
            for (int j = 0; j < reference.GetLength(1); j++)
            {
                diff += Math.Pow(solution.Distribution[i, j] * scale - reference[i, j], 2);
                norm += reference[i, j] * reference[i, j];
            }
        return Math.Sqrt(diff / norm);
    }

    private static NonNegativeTikhonov Solver(Signal2D s, double[,]? prior) =>
        new(new CompressedProblem(s, new KernelSvdCache()), new CompressedProblem(s).SignificantCoefficients(noiseSigma: 0)) { Prior = prior };

    [Theory]
    [InlineData("A", 200, 1e-3)]
    [InlineData("D", 20, 1e-1)]
    [InlineData("H", 2000, 1e-2)]
    public void SolutionEqualsDenseNnlsOfTheWeightedProblem(string preset, double snr, double alpha)
    {
        var s = SmallSignal(preset, snr);
        var prior = ShiftedPrior(s);
        var solver = Solver(s, prior);
        var solution = solver.Solve(alpha);
        Assert.True(solution.Converged);
        var dense = DenseWithPrior(s, alpha, prior);
        var plain = Solver(s, null).Solve(alpha);

        int n1 = s.RelaxationAxis1.Count, n2 = s.RelaxationAxis2.Count;
        double diff = 0, norm = 0, fromPlain = 0;
        int zeros = 0;
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
            {
                double mine = solution.Distribution[i, j] * solver.Scale, theirs = dense[i * n2 + j];
                diff += (mine - theirs) * (mine - theirs);
                norm += theirs * theirs;
                fromPlain += Math.Pow(plain.Distribution[i, j] * solver.Scale - theirs, 2);
                if (theirs == 0) zeros++;
            }
        Assert.True(zeros > 0, "The constraint should be active somewhere.");
        Assert.True(Math.Sqrt(diff / norm) < 1e-6, $"relative difference {Math.Sqrt(diff / norm):E3}");
        // The prior matters: the plain solution at the same alpha is far from the weighted one.
        Assert.True(Math.Sqrt(fromPlain / norm) > 1e-2, $"plain vs prior {Math.Sqrt(fromPlain / norm):E3}");
    }

    [Fact]
    public void ExactPriorOfNoiselessDataIsTheSolutionAtAnyAlpha()
    {
        var s = SmallSignal("C", snr: null);
        var truth = s.Truth!.Values;
        foreach (double alpha in new[] { 1e-4, 1e-1, 1e2 })
        {
            var solver = Solver(new Signal2D(s.Values, s.Axis1, s.Axis2, s.Kernels, s.RelaxationAxis1, s.RelaxationAxis2, truth: s.Truth), truth);
            var sol = solver.Solve(alpha);
            Assert.True(sol.Converged);
            double rel = RelativeDifference(sol, solver.Scale, truth);
            Assert.True(rel < 1e-7, $"alpha {alpha}: relative difference {rel:E3}");
        }
    }

    [Fact]
    public void InfluenceTraceMatchesTheDenseWeightedFormula()
    {
        // tr A = tr[K~ D K~^T (K~ D K~^T + alpha I)^-1], D = diag(d) on the active set.
        var s = SmallSignal("E", 200);
        var prior = ShiftedPrior(s);
        var problem = new CompressedProblem(s, new KernelSvdCache());
        var kept = problem.SignificantCoefficients(s.NoiseSigma!.Value);
        var solver = new NonNegativeTikhonov(problem, kept) { Prior = prior };
        double alpha = 1e-2;
        var sol = solver.Solve(alpha);
        var (d, _) = Weights(prior);
        int n1 = s.RelaxationAxis1.Count, n2 = s.RelaxationAxis2.Count;
        var active = new List<(int P, int Q)>();
        for (int p = 0; p < n1; p++)
            for (int q = 0; q < n2; q++)
                if (sol.Distribution[p, q] > 0) active.Add((p, q));
        var kt = Matrix<double>.Build.Dense(kept.Count, active.Count, (k, c) =>
            problem.Sigma[kept[k].I, kept[k].J] * problem.K1.V[active[c].P, kept[k].I] * problem.K2.V[active[c].Q, kept[k].J]);
        var dd = Matrix<double>.Build.DenseOfDiagonalArray(active.Select(a => d[a.P * n2 + a.Q]).ToArray());
        var g = kt * dd * kt.Transpose();
        var influence = g * (g + alpha * Matrix<double>.Build.DenseIdentity(kept.Count)).Inverse();
        Assert.Equal(influence.Trace(), sol.InfluenceTrace, 8);
    }

    [Fact]
    public void TheFloorOptionReachesTheSolver()
    {
        // Through TikhonovInversion at a fixed alpha, a 1e-2 floor gives the dense solution with that floor, not the default's.
        var s = SmallSignal("H", 2000);
        var prior = ShiftedPrior(s);
        double alpha = 1e-2;
        var r = TikhonovInversion.Invert(s, new TikhonovOptions { Alpha = alpha, Prior = prior, PriorFloor = 1e-2, TruncationFactor = 0 });
        int n2 = s.RelaxationAxis2.Count;
        var dense = DenseWithPrior(s, alpha, prior, floor: 1e-2);
        double sum = dense.Sum();
        double diff = 0;
        for (int i = 0; i < s.RelaxationAxis1.Count; i++)
            for (int j = 0; j < n2; j++) diff = Math.Max(diff, Math.Abs(r.Distribution.Values[i, j] - dense[i * n2 + j] / sum));
        Assert.True(diff < 1e-6, $"max difference {diff:E2} of unit-sum maps");
    }

    [Fact]
    public void LargeAlphaReturnsThePrior()
    {
        var s = SmallSignal("B", 200);
        var prior = ShiftedPrior(s);
        var solver = Solver(s, prior);
        double rel = RelativeDifference(solver.Solve(1e8), solver.Scale, prior);
        Assert.True(rel < 1e-4, $"relative difference {rel:E3}");
    }

    [Fact]
    public void BadPriorsAreRejected()
    {
        var s = SmallSignal("A", 200);
        Assert.Throws<ArgumentException>(() => Solver(s, new double[3, 3]));
        Assert.Throws<ArgumentException>(() => Solver(s, new double[s.RelaxationAxis1.Count, s.RelaxationAxis2.Count])); // all zero
        var nan = ShiftedPrior(s);
        nan[1, 1] = double.NaN;
        Assert.Throws<ArgumentException>(() => Solver(s, nan));

        var e1 = Assert.Throws<NmrInputException>(() => TikhonovInversion.Invert(s, new TikhonovOptions { Prior = nan }));
        Assert.Equal("PriorInvalid", e1.ErrorId);
        var e2 = Assert.Throws<NmrInputException>(() => TikhonovInversion.Invert(s, new TikhonovOptions { Prior = new double[3, 4] }));
        Assert.Equal("PriorSizeMismatch", e2.ErrorId);
        var e3 = Assert.Throws<NmrInputException>(() => TikhonovInversion.Invert(s, new TikhonovOptions { Prior = ShiftedPrior(s), PriorFloor = 0 }));
        Assert.Equal("PriorFloorInvalid", e3.ErrorId);
    }

    [Fact]
    public void GcvWithAGoodPriorBeatsPlainTikhonovOnTheSameSignal()
    {
        // The prior 70 % right, 30 % one cell off: what the data determine moves it towards the truth, what they cannot see stays.
        var s = SmallSignal("D", 200, n: 24, m: 32);
        var plain = TikhonovInversion.Invert(s);
        var withPrior = TikhonovInversion.Invert(s, new TikhonovOptions { Prior = ShiftedPrior(s) });
        double chiPlain = Metrics.ChiMetric.Compare(s.Truth!, plain.Distribution).Chi2D;
        double chiPrior = Metrics.ChiMetric.Compare(s.Truth!, withPrior.Distribution).Chi2D;
        double chiOfPrior = Metrics.ChiMetric.Compare(s.Truth!, new Distributions.Distribution2D(ShiftedPrior(s), s.RelaxationAxis1, s.RelaxationAxis2)).Chi2D;
        Assert.True(chiPrior < chiPlain, $"with prior {chiPrior:G3}, plain {chiPlain:G3}");
        Assert.True(chiPrior < chiOfPrior, $"with prior {chiPrior:G3}, the prior itself {chiOfPrior:G3}");
    }
}
