using System.Numerics;
using System.Runtime.InteropServices;
using NmrInversion.Engine.Kernels;

namespace NmrInversion.Engine.Regularization;

/// <summary>
/// Non-negative Tikhonov regularization on the SVD-compressed problem,
///   min_{F &gt;= 0} ||K1 F K2^T - S||^2 + alpha ||F||_F^2,
/// solved exactly (to a gradient tolerance) by the Butler-Reeds-Dawson dual method (Butler, Reeds and Dawson,
/// SIAM J. Numer. Anal. 18 (1981) 381; Venkataraman, Song and Hürlimann, IEEE Trans. Signal Process. 50 (2002) 1017,
/// section IV).
/// <para>
/// Compression: with the kept coefficients k = (i, j) of <see cref="CompressedProblem.SignificantCoefficients"/>,
/// c_k = C_ij and the rows K~_k = Sigma_ij (v1_i (x) v2_j)^T, the data term equals ||K~ f - c||^2 up to a constant
/// (exactly, when every coefficient is kept). The optimality conditions give f = max(0, K~^T x) with the dual variable
/// x = (c - K~ f) / alpha, the minimiser of the convex, piecewise-quadratic function
///   Phi(x) = 1/2 ||max(0, K~^T x)||^2 + alpha/2 ||x||^2 - c^T x,
/// whose gradient is K~ f + alpha x - c and whose (generalized) Hessian is G(x) + alpha I with G = K~ D K~^T,
/// D = diag(K~^T x &gt; 0). The solver takes Newton steps on Phi with Armijo backtracking (a semismooth Newton method:
/// it ends exactly once the active set is right), so the Newton systems are N x N with N the number of kept coefficients.
/// </para>
/// <para>
/// G is formed without the (N x n1 n2) matrix K~: G_kl = Sigma_k Sigma_l sum_q M[(i_k, i_l), q] W[(j_k, j_l), q] with
/// M[(a, b), q] = sum_p V1[p, a] V1[p, b] D[p, q] and W[(c, d), q] = V2[q, c] V2[q, d], which costs
/// r1^2 n1 n2 / 2 + N^2 n2 / 2 instead of N^2 n1 n2.
/// </para>
/// <para>
/// A <see cref="Prior"/> P changes the penalty to alpha sum_p (F_p - P_p)^2 / d_p with d_p = max(P_p, floor) / max P:
/// F is pulled towards P, and hard where P is small, the shape of the chi metric (which weighs each cell by one over
/// its true amplitude), so the data may move mass within the prior's support but can hardly put mass where the prior
/// has none. (With d = 1 the solution fits the data but spreads smooth mass into empty cells.) The dual is unchanged
/// in form: f = max(0, P + d .* K~^T x), Phi(x) = 1/2 sum_p max(0, f_p)^2 / d_p + alpha/2 ||x||^2 - c^T x, gradient
/// K~ f + alpha x - c, Hessian K~ diag(d .* [f &gt; 0]) K~^T + alpha I, and the influence matrix is I - alpha H^-1 as
/// without a prior, so GCV applies unchanged. The components of F the kept coefficients cannot see come from P.
/// </para>
/// <para>
/// Units: the data are divided by max |S| inside; the problem is homogeneous of degree 2 in (F, S), so alpha is the same
/// number in signal units and in scaled units: alpha is the weight of ||F||^2 against ||K1 F K2^T - S||^2 with F the
/// unnormalised amplitudes on the grid (before the result is normalised to unit sum).
/// </para>
/// </summary>
public sealed class NonNegativeTikhonov
{
    private readonly int _n1, _n2, _r1, _r2, _n;
    private readonly int[] _ki, _kj;
    private readonly double[] _sig, _c;
    private readonly double[] _v1; // n1 x r1 (kept columns), row-major
    private readonly double[] _v2; // n2 x r2
    private readonly double[] _w2; // (r2 * r2) x n2, pair products of V2 columns (c <= d filled)
    private readonly double _cNorm, _sigMax;
    private readonly bool[,] _keptMask;
    private double[]? _prior; // n1 x n2 row-major, scaled units
    private double[]? _spread; // d_p = max(P_p, floor) / max P, the prior's per-cell freedom

    /// <summary>Prepares the compressed problem for the kept coefficients <paramref name="kept"/>.</summary>
    public NonNegativeTikhonov(CompressedProblem problem, IReadOnlyList<(int I, int J)> kept)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(kept);
        if (kept.Count == 0) throw new ArgumentException("At least one coefficient must be kept.", nameof(kept));
        Problem = problem;
        Scale = problem.MaxAbs > 0 ? problem.MaxAbs : 1.0;
        _n1 = problem.K1.V.GetLength(0);
        _n2 = problem.K2.V.GetLength(0);
        _n = kept.Count;
        _ki = new int[_n];
        _kj = new int[_n];
        _sig = new double[_n];
        _c = new double[_n];
        _keptMask = new bool[problem.Rank1, problem.Rank2];
        for (int k = 0; k < _n; k++)
        {
            var (i, j) = kept[k];
            if (_keptMask[i, j]) throw new ArgumentException($"Coefficient ({i}, {j}) is listed twice.", nameof(kept));
            _keptMask[i, j] = true;
            _ki[k] = i;
            _kj[k] = j;
            _sig[k] = problem.Sigma[i, j];
            _c[k] = problem.C[i, j] / Scale;
            _r1 = Math.Max(_r1, i + 1);
            _r2 = Math.Max(_r2, j + 1);
        }
        _cNorm = Math.Sqrt(Dot(_c, _c));
        _sigMax = _sig.Max();
        _v1 = new double[_n1 * _r1];
        for (int p = 0; p < _n1; p++)
            for (int a = 0; a < _r1; a++) _v1[p * _r1 + a] = problem.K1.V[p, a];
        _v2 = new double[_n2 * _r2];
        for (int q = 0; q < _n2; q++)
            for (int b = 0; b < _r2; b++) _v2[q * _r2 + b] = problem.K2.V[q, b];
        _w2 = new double[_r2 * _r2 * _n2];
        for (int c = 0; c < _r2; c++)
            for (int d = c; d < _r2; d++)
            {
                int row = (c * _r2 + d) * _n2;
                for (int q = 0; q < _n2; q++) _w2[row + q] = _v2[q * _r2 + c] * _v2[q * _r2 + d];
            }
    }

    public CompressedProblem Problem { get; }

    /// <summary>max |S|: the data are divided by it inside.</summary>
    public double Scale { get; }

    /// <summary>
    /// The map F is pulled towards (null: plain Tikhonov, towards zero), in signal units: amplitudes on the grid, as F
    /// itself (the solver divides it by <see cref="Scale"/> like the data). Non-negative and finite, n1 x n2, not all
    /// zero. The penalty weighs each cell by one over max(P, <see cref="PriorFloor"/> sum P).
    /// </summary>
    public double[,]? Prior
    {
        get
        {
            if (_prior is null) return null;
            var p = new double[_n1, _n2];
            for (int i = 0; i < _n1; i++)
                for (int j = 0; j < _n2; j++) p[i, j] = _prior[i * _n2 + j] * Scale;
            return p;
        }
        init
        {
            if (value is null) { _prior = null; _spread = null; return; }
            if (value.GetLength(0) != _n1 || value.GetLength(1) != _n2)
                throw new ArgumentException($"The prior is {value.GetLength(0)}x{value.GetLength(1)}; the grid is {_n1}x{_n2}.", nameof(value));
            var p = new double[_n1 * _n2];
            double sum = 0, max = 0;
            for (int i = 0; i < _n1; i++)
                for (int j = 0; j < _n2; j++)
                {
                    double v = value[i, j];
                    if (!double.IsFinite(v) || v < 0) throw new ArgumentException($"The prior must be finite and non-negative; element ({i}, {j}) is {v}.", nameof(value));
                    p[i * _n2 + j] = v / Scale;
                    sum += v / Scale;
                    max = Math.Max(max, v / Scale);
                }
            if (!(max > 0)) throw new ArgumentException("The prior is zero everywhere.", nameof(value));
            _prior = p;
            _spread = null;
        }
    }

    /// <summary>d_p = max(P_p, floor sum P) / max P, made on first use (so the initializer's order of Prior and PriorFloor does not matter).</summary>
    private double[]? Spread()
    {
        if (_prior is not { } p || _spread is not null) return _spread;
        double sum = 0, max = 0;
        foreach (double v in p) { sum += v; max = Math.Max(max, v); }
        double floor = PriorFloor * sum;
        var d = new double[p.Length];
        for (int k = 0; k < p.Length; k++) d[k] = Math.Max(p[k], floor) / max;
        return _spread = d;
    }

    /// <summary>Floor of the prior's weights as a fraction of its sum (default 1e-4, the chi metric's floor on unit-sum maps).</summary>
    public double PriorFloor { get; init; } = 1e-4;

    /// <summary>N, the number of kept coefficients (the size of the Newton systems).</summary>
    public int KeptCount => _n;

    /// <summary>Largest kept index + 1 along each axis.</summary>
    public (int Rank1, int Rank2) KeptRanks => (_r1, _r2);

    /// <summary>The smallest and largest kept product singular value.</summary>
    public (double Minimum, double Maximum) SigmaRange => (_sig.Min(), _sig.Max());

    /// <summary>
    /// The smallest alpha the solver accepts, 1e-13 Sigma_max^2: below it G + alpha I is singular to double precision
    /// (condition number above ~1e13) and the Newton systems cannot be solved.
    /// </summary>
    public double MinimumAlpha => 1e-13 * _sigMax * _sigMax;

    /// <summary>Gradient tolerance: iterations stop when ||K~ f + alpha x - c|| &lt;= Tolerance ||c||.</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>Newton iterations allowed per alpha.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>
    /// Solves for one alpha. <paramref name="warmStart"/> is a previous solution (another alpha): its dual vector is the
    /// starting point, which keeps its distribution and active set (scaling x by alpha_prev / alpha would keep the
    /// residual instead, but moves f and the active set and takes more iterations).
    /// </summary>
    public TikhonovSolution Solve(double alpha, TikhonovSolution? warmStart = null, CancellationToken cancellation = default) =>
        Solve(alpha, warmStart, Tolerance, cancellation);

    /// <summary>Solves for one alpha to the given relative gradient tolerance.</summary>
    public TikhonovSolution Solve(double alpha, TikhonovSolution? warmStart, double tolerance, CancellationToken cancellation = default) =>
        Solve(alpha, warmStart?.Dual, tolerance, cancellation);

    /// <summary>Solves for one alpha from a given starting dual vector (null: x = 0).</summary>
    public TikhonovSolution Solve(double alpha, double[]? startDual, double tolerance, CancellationToken cancellation = default)
    {
        if (double.IsNaN(alpha) || double.IsInfinity(alpha) || alpha <= 0)
            throw new NmrInputException("AlphaInvalid", $"alpha must be a finite number > 0; got {alpha}.");
        if (alpha < MinimumAlpha)
            throw new NmrInputException("AlphaTooSmall",
                $"alpha {alpha:G3} is below {MinimumAlpha:G3} (1e-13 times the largest squared singular value), where the problem is singular to double precision; use a larger alpha.");
        int n = _n;
        var x = new double[n];
        if (startDual is not null && startDual.Length == n) Array.Copy(startDual, x, n);
        var g = new double[_n1 * _n2];
        var kf = new double[n];
        var grad = new double[n];
        var dx = new double[n];
        var xt = new double[n];
        var h = new double[n * n];
        var m = new double[_r1 * _r1 * _n2];
        int iterations = 0;
        bool converged = false;
        bool factored = false;
        var factoredMask = new bool[g.Length];
        double phi = Dual(x, alpha, g);
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            // g holds P + d .* K~^T x from the last evaluation of Phi; f = max(0, g).
            ApplyKernel(g, kf);
            double gn = 0;
            for (int k = 0; k < n; k++)
            {
                grad[k] = kf[k] + alpha * x[k] - _c[k];
                gn += grad[k] * grad[k];
            }
            if (Math.Sqrt(gn) <= tolerance * _cNorm) { converged = true; break; }
            if (iterations >= MaxIterations) break;
            iterations++;
            FormHessian(g, alpha, h, m);
            Cholesky(h, n);
            factored = true;
            for (int p = 0; p < g.Length; p++) factoredMask[p] = g[p] > 0;
            for (int k = 0; k < n; k++) dx[k] = -grad[k];
            CholeskySolve(h, n, dx);
            double slope = Dot(grad, dx);
            double t = 1;
            double phiT = double.NaN;
            bool accepted = false;
            for (int s = 0; s < 60; s++)
            {
                for (int k = 0; k < n; k++) xt[k] = x[k] + t * dx[k];
                phiT = Dual(xt, alpha, g);
                if (phiT <= phi + 1e-4 * t * slope) { accepted = true; break; }
                t *= 0.5;
            }
            if (!accepted)
            {
                // Phi cannot decrease measurably any more: rounding level. Take the full step (exact on the right active set).
                for (int k = 0; k < n; k++) xt[k] = x[k] + dx[k];
                phiT = Dual(xt, alpha, g);
            }
            (x, xt) = (xt, x);
            phi = phiT;
            if (!accepted && iterations > 3)
            {
                // Stalled at rounding level: stop, and call it converged when the gradient is below sqrt(tolerance).
                ApplyKernel(g, kf);
                double gn2 = 0;
                for (int k = 0; k < n; k++) { double r = kf[k] + alpha * x[k] - _c[k]; gn2 += r * r; }
                converged = Math.Sqrt(gn2) <= Math.Sqrt(tolerance) * _cNorm;
                break;
            }
        }

        // f, the influence trace at the final active set, and the full residual.
        var f = new double[_n1, _n2];
        int active = 0;
        for (int p = 0; p < _n1; p++)
            for (int q = 0; q < _n2; q++)
            {
                double v = g[p * _n2 + q];
                if (v > 0) { f[p, q] = v; active++; }
            }
        // The last Newton matrix is the one at the solution when the active set has not changed since (the usual case).
        bool same = factored;
        for (int p = 0; same && p < g.Length; p++) same = factoredMask[p] == g[p] > 0;
        if (!same)
        {
            FormHessian(g, alpha, h, m);
            Cholesky(h, n);
        }
        double traceInverse = InverseTrace(h, n);
        double keptResidual = 0;
        for (int k = 0; k < n; k++) { double r = alpha * x[k]; keptResidual += r * r; }
        double residual = FullResidualSquared(f);
        return new TikhonovSolution(alpha, x, f, residual, keptResidual, traceInverse, active, iterations, converged,
            (long)Problem.Data.GetLength(0) * Problem.Data.GetLength(1));
    }

    /// <summary>K~^T x on the grid (n1 x n2, row-major) into <paramref name="g"/>: V1 X V2^T with X_k = Sigma_k x_k.</summary>
    public void ApplyAdjoint(ReadOnlySpan<double> x, Span<double> g)
    {
        var xm = new double[_r1 * _r2];
        for (int k = 0; k < _n; k++) xm[_ki[k] * _r2 + _kj[k]] = _sig[k] * x[k];
        // T = V1 X (n1 x r2)
        var tm = new double[_n1 * _r2];
        for (int p = 0; p < _n1; p++)
        {
            var trow = tm.AsSpan(p * _r2, _r2);
            for (int a = 0; a < _r1; a++)
            {
                double v = _v1[p * _r1 + a];
                if (v == 0) continue;
                Axpy(v, xm.AsSpan(a * _r2, _r2), trow);
            }
        }
        // g = T V2^T (n1 x n2)
        for (int p = 0; p < _n1; p++)
        {
            var trow = tm.AsSpan(p * _r2, _r2);
            for (int q = 0; q < _n2; q++) g[p * _n2 + q] = Dot(trow, _v2.AsSpan(q * _r2, _r2));
        }
    }

    /// <summary>Phi(x); leaves P + d .* K~^T x (K~^T x without a prior) in <paramref name="g"/>.</summary>
    private double Dual(double[] x, double alpha, double[] g)
    {
        ApplyAdjoint(x, g);
        double ff = 0;
        if (_prior is { } prior && Spread() is { } d)
        {
            for (int p = 0; p < g.Length; p++)
            {
                double v = prior[p] + d[p] * g[p];
                g[p] = v;
                if (v > 0) ff += v * v / d[p];
            }
        }
        else
            foreach (var v in g) if (v > 0) ff += v * v;
        return 0.5 * ff + 0.5 * alpha * Dot(x, x) - Dot(_c, x);
    }

    /// <summary>K~ max(0, g) into <paramref name="result"/>: Sigma_k (V1^T f V2)_k.</summary>
    private void ApplyKernel(double[] g, double[] result)
    {
        // T = V1^T f (r1 x n2), then P = T V2 (r1 x r2).
        var tm = new double[_r1 * _n2];
        for (int p = 0; p < _n1; p++)
        {
            var grow = g.AsSpan(p * _n2, _n2);
            for (int a = 0; a < _r1; a++)
            {
                double v = _v1[p * _r1 + a];
                if (v == 0) continue;
                var trow = tm.AsSpan(a * _n2, _n2);
                for (int q = 0; q < _n2; q++) { double gv = grow[q]; if (gv > 0) trow[q] += v * gv; }
            }
        }
        for (int k = 0; k < _n; k++)
        {
            double s = 0;
            int a = _ki[k], b = _kj[k];
            for (int q = 0; q < _n2; q++) s += tm[a * _n2 + q] * _v2[q * _r2 + b];
            result[k] = _sig[k] * s;
        }
    }

    /// <summary>H = K~ D K~^T + alpha I (lower triangle, row-major N x N) with D = diag(d .* [g &gt; 0]) (d = 1 without a prior).</summary>
    private void FormHessian(double[] g, double alpha, double[] h, double[] m)
    {
        int n = _n, n2 = _n2, r1 = _r1;
        Array.Clear(m);
        var mask = new double[g.Length];
        var spread = Spread();
        var rowActive = new bool[_n1];
        for (int p = 0; p < _n1; p++)
            for (int q = 0; q < n2; q++)
                if (g[p * n2 + q] > 0) { mask[p * n2 + q] = spread?[p * n2 + q] ?? 1; rowActive[p] = true; }
        for (int a = 0; a < r1; a++)
            for (int b = a; b < r1; b++)
            {
                var mrow = m.AsSpan((a * r1 + b) * n2, n2);
                for (int p = 0; p < _n1; p++)
                {
                    if (!rowActive[p]) continue;
                    double wp = _v1[p * r1 + a] * _v1[p * r1 + b];
                    Axpy(wp, mask.AsSpan(p * n2, n2), mrow);
                }
            }
        for (int k = 0; k < n; k++)
        {
            int ik = _ki[k], jk = _kj[k];
            double sk = _sig[k];
            for (int l = 0; l <= k; l++)
            {
                int il = _ki[l], jl = _kj[l];
                int a = Math.Min(ik, il), b = Math.Max(ik, il);
                int c = Math.Min(jk, jl), d = Math.Max(jk, jl);
                double s = Dot(m.AsSpan((a * r1 + b) * n2, n2), _w2.AsSpan((c * _r2 + d) * n2, n2));
                h[k * n + l] = sk * _sig[l] * s;
            }
            h[k * n + k] += alpha;
        }
    }

    /// <summary>||S - K F||^2 / Scale^2 over all data points, from the full compressed form.</summary>
    private double FullResidualSquared(double[,] f)
    {
        var p = Problem.Project(f);
        double s = Problem.OutsideNormSquared / (Scale * Scale);
        for (int i = 0; i < Problem.Rank1; i++)
            for (int j = 0; j < Problem.Rank2; j++)
            {
                double d = Problem.Sigma[i, j] * p[i, j] - Problem.C[i, j] / Scale;
                s += d * d;
            }
        return s;
    }

    /// <summary>In-place Cholesky factorisation of the lower triangle (row-major), H = L L^T.</summary>
    internal static void Cholesky(double[] h, int n)
    {
        for (int i = 0; i < n; i++)
        {
            var li = h.AsSpan(i * n, n);
            for (int j = 0; j <= i; j++)
            {
                var lj = h.AsSpan(j * n, j);
                double s = li[j] - Dot(li[..j], lj);
                if (j == i)
                {
                    if (!(s > 0)) throw new InvalidOperationException("The Newton matrix G + alpha I is not positive definite (alpha too small for the floating-point precision).");
                    li[i] = Math.Sqrt(s);
                }
                else li[j] = s / h[j * n + j];
            }
        }
    }

    /// <summary>Solves L L^T y = b in place.</summary>
    internal static void CholeskySolve(double[] l, int n, double[] b)
    {
        for (int i = 0; i < n; i++)
            b[i] = (b[i] - Dot(l.AsSpan(i * n, i), b.AsSpan(0, i))) / l[i * n + i];
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
            b[i] = s / l[i * n + i];
        }
    }

    /// <summary>tr(H^-1) = ||L^-1||_F^2 from the Cholesky factor.</summary>
    internal static double InverseTrace(double[] l, int n)
    {
        var y = new double[n];
        double total = 0;
        for (int j = 0; j < n; j++)
        {
            y[j] = 1.0 / l[j * n + j];
            total += y[j] * y[j];
            for (int i = j + 1; i < n; i++)
            {
                double s = Dot(l.AsSpan(i * n + j, i - j), y.AsSpan(j, i - j));
                y[i] = -s / l[i * n + i];
                total += y[i] * y[i];
            }
        }
        return total;
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<double>.Count)
        {
            var va = MemoryMarshal.Cast<double, Vector<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..a.Length]);
            // Four accumulators hide the latency of the multiply-adds.
            Vector<double> s0 = Vector<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
            int k = 0;
            for (; k + 4 <= va.Length; k += 4)
            {
                s0 += va[k] * vb[k];
                s1 += va[k + 1] * vb[k + 1];
                s2 += va[k + 2] * vb[k + 2];
                s3 += va[k + 3] * vb[k + 3];
            }
            for (; k < va.Length; k++) s0 += va[k] * vb[k];
            s = Vector.Sum((s0 + s1) + (s2 + s3));
            i = va.Length * Vector<double>.Count;
        }
        for (; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y[..x.Length]);
            var va = new Vector<double>(alpha);
            for (int k = 0; k < vx.Length; k++) vy[k] += va * vx[k];
            i = vx.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++) y[i] += alpha * x[i];
    }
}
