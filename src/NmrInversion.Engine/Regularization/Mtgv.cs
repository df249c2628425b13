namespace NmrInversion.Engine.Regularization;

/// <summary>How one fixed-hyperparameter MTGV solve ended.</summary>
/// <param name="Iterations">Primal-dual iterations done.</param>
/// <param name="Converged">True when the relative change of the cost fell below the tolerance.</param>
/// <param name="Cost">The cost J at the end.</param>
/// <param name="RelativeChange">The last relative change of J measured (over <see cref="Mtgv.CheckInterval"/> iterations).</param>
/// <param name="CostHistory">J after every <see cref="Mtgv.CheckInterval"/> iterations (first entry: the start).</param>
public sealed record MtgvRun(int Iterations, bool Converged, double Cost, double RelativeChange, IReadOnlyList<double> CostHistory);

/// <summary>
/// MTGV regularization, the functional and its first-order primal-dual solver, on the SVD-compressed problem.
/// <para>
/// Functional (Reci, Sederman and Gladden, "Obtaining sparse distributions in 2D inverse problems", J. Magn. Reson.
/// 284 (2017) 39-47, eq. 9-10; Beckmann et al., arXiv 2311.11442, eq. 5), with data normalised to max|S| = 1 and
/// compressed (see <see cref="MtgvProblem"/>):
/// <code>
///   min over F &gt;= 0, W of  J(F, W) = (alpha/2) ||K~ F - s~||^2 + ||F - W||_1 + beta ||D2 W||_{1,*}
/// </code>
/// alpha weights the data (larger alpha = less regularisation); ||F - W||_1 favours sparsity; beta ||D2 W||_{1,*}
/// (second differences of the smooth part W, per-pixel Euclidean norm, <see cref="SecondDifference"/>) favours
/// smoothness. Two limits are exact: for beta &lt;= 1/16 the minimising W is F itself and J is the second-order
/// total-variation problem (alpha/2)||K~F - s~||^2 + beta ||D2 F||_{1,*} (triangle inequality, since
/// ||D2 x||_{1,*} &lt;= 16 ||x||_1); for beta large enough W = 0 (D2 is injective with zero padding) and J is the
/// non-negative L1 problem (alpha/2)||K~F - s~||^2 + ||F||_1.
/// </para>
/// <para>
/// Solver: the first-order primal-dual algorithm of Chambolle and Pock (J. Math. Imaging Vis. 40 (2011) 120-145,
/// algorithm 1, theta = 1) as written for MTGV by Reci et al. (2017, eq. 11-15) and run in cam_ilt
/// (<c>primal_dual_mtgv</c>), from F = W = 1/N with all duals zero:
/// <code>
///   Y1  &lt;- clip(Y1 + sigma (F~ - W~), -1, 1)                                   (projection on the L1 dual ball)
///   Y3  &lt;- min(0, Y3 + sigma F~)                                                (dual of the constraint F &gt;= 0)
///   F   &lt;- B (F - tau (Y1 + Y3) + tau alpha K~^T s~),   B = (I + tau alpha K~^T K~)^-1
///   Y2' =  Y2 + sigma D2 W~;   Y2 &lt;- Y2' / max(1, |Y2'|_pixel / beta)          (projection on the beta ball)
///   W   &lt;- W + tau (Y1 - D2^T Y2)
///   F~  =  2 F - F_old,   W~ = 2 W - W_old
/// </code>
/// One departure from the authors: they impose F &gt;= 0 by F &lt;- max(0, B(...)), which is not the proximal map of
/// the data term plus the constraint; with the data weights GCV selects it stalls far from the minimiser (measured on
/// preset H, SNR 200: residual 175 times the noise at alpha = 10). Here the constraint is the third dual block Y3, an
/// exact Chambolle-Pock splitting; F meets F &gt;= 0 in the limit and the reported map is max(0, F).
/// B is applied through the SVD, never inverted: with K~^T K~ = V diag(sigma^2) V^T on the kept set,
/// B X = X - V1 [ (V1^T X V2) .* (tau alpha sigma^2 / (1 + tau alpha sigma^2)) ] V2^T, which equals
/// V1 [ (V1^T X V2) / (1 + tau alpha sigma^2) ] V2^T on the kept coordinates and leaves their complement untouched.
/// Steps: tau sigma = 0.01 as the authors (tau = sigma = 0.1 by default here); with the linear map
/// (F, W) -&gt; (F - W, D2 W, F), tau sigma ||.||^2 &lt;= 0.01 (3 + 96) &lt; 1, the convergence condition.
/// <see cref="MtgvSearch.CreateSolver"/> rescales them to tau = 0.1 / rho, sigma = 0.1 rho (rho = 2.5 N), which
/// keeps the product and balances the primal scale (~1/N) against the dual scale (~1).
/// </para>
/// <para>
/// Stopping rule: every <see cref="CheckInterval"/> iterations the cost J is evaluated; the solve stops when
/// |J_k - J_(k - 100)| / J_k &lt; tolerance, the change over the last <see cref="StoppingWindow"/> checks (the authors stop on ||F_k - F_(k-1)|| / ||F_(k-1)|| &lt; 1e-3
/// instead, which halts early while F still drifts), or at the iteration limit (then <see cref="MtgvRun.Converged"/>
/// is false).
/// </para>
/// </summary>
public sealed class Mtgv
{
    /// <summary>Primal step tau of the authors.</summary>
    public const double DefaultTau = 0.1;

    /// <summary>Dual step sigma of the authors.</summary>
    public const double DefaultSigma = 0.1;

    /// <summary>Iterations between two evaluations of the cost for the stopping rule.</summary>
    public const int CheckInterval = 10;

    /// <summary>The stopping rule compares the cost with its value this many checks earlier (100 iterations), so a brief
    /// plateau of the cost does not stop the solve.</summary>
    public const int StoppingWindow = 10;

    private readonly MtgvProblem _p;
    private readonly int _n1, _n2, _k1, _k2;
    // Work buffers, reused by every iteration.
    private readonly double[,] _x, _t1, _proj, _t2, _d11, _dm, _d22, _adj, _fOld, _wOld;

    public Mtgv(MtgvProblem problem, double tau = DefaultTau, double sigma = DefaultSigma)
    {
        _p = problem ?? throw new ArgumentNullException(nameof(problem));
        if (!(tau > 0) || !(sigma > 0))
            throw new NmrInputException("StepSizeInvalid", $"The primal-dual step sizes must be > 0; got tau {tau}, sigma {sigma}.");
        Tau = tau;
        Sigma = sigma;
        _n1 = problem.Size1;
        _n2 = problem.Size2;
        _k1 = problem.Rank1;
        _k2 = problem.Rank2;
        _x = new double[_n1, _n2];
        _t1 = new double[_k1, _n2];
        _proj = new double[_k1, _k2];
        _t2 = new double[_k1, _n2];
        _d11 = new double[_n1, _n2];
        _dm = new double[_n1, _n2];
        _d22 = new double[_n1, _n2];
        _adj = new double[_n1, _n2];
        _fOld = new double[_n1, _n2];
        _wOld = new double[_n1, _n2];
    }

    public MtgvProblem Problem => _p;
    public double Tau { get; }
    public double Sigma { get; }

    /// <summary>The authors' starting point for this problem.</summary>
    public MtgvIterate Start() => new(_n1, _n2);

    /// <summary>One primal-dual iteration at fixed (alpha, beta), in place.</summary>
    public void Step(MtgvIterate s, double alpha, double beta)
    {
        double tau = Tau, sigma = Sigma, ta = tau * alpha;
        var F = s.F; var W = s.W; var Fb = s.FBar; var Wb = s.WBar; var Y1 = s.Y1; var Y3 = s.Y3;
        var kts = _p.AdjointData;

        // Y1 <- clip(Y1 + sigma (F~ - W~), -1, 1);  X = F - tau Y1 + tau alpha K~^T s~
        for (int i = 0; i < _n1; i++)
            for (int j = 0; j < _n2; j++)
            {
                double y = Y1[i, j] + sigma * (Fb[i, j] - Wb[i, j]);
                y = y > 1 ? 1 : y < -1 ? -1 : y;
                Y1[i, j] = y;
                double y3 = Y3[i, j] + sigma * Fb[i, j];
                y3 = y3 < 0 ? y3 : 0;
                Y3[i, j] = y3;
                _x[i, j] = F[i, j] - tau * (y + y3) + ta * kts[i, j];
                _fOld[i, j] = F[i, j];
            }

        // F <- max(0, B X),  B X = X - V1 [P .* g] V2^T,  P = V1^T X V2,  g = tau alpha sigma^2 / (1 + tau alpha sigma^2)
        ProjectInto(_x, _proj);
        var s2 = _p.SingularSquared;
        for (int i = 0; i < _k1; i++)
            for (int j = 0; j < _k2; j++)
            {
                double q = ta * s2[i, j];
                _proj[i, j] *= q / (1 + q);
            }
        ExpandSubtractInto(_proj, _x);
        for (int i = 0; i < _n1; i++)
            for (int j = 0; j < _n2; j++)
                F[i, j] = _x[i, j];

        // Y2 <- project(Y2 + sigma D2 W~) on {|Y2|_pixel <= beta}
        SecondDifference.Apply(Wb, _d11, _dm, _d22);
        var Y11 = s.Y11; var Ym = s.Ym; var Y22 = s.Y22;
        for (int i = 0; i < _n1; i++)
            for (int j = 0; j < _n2; j++)
            {
                double a = Y11[i, j] + sigma * _d11[i, j];
                double b = Ym[i, j] + sigma * _dm[i, j];
                double c = Y22[i, j] + sigma * _d22[i, j];
                double norm = Math.Sqrt(a * a + b * b + c * c);
                double shrink = norm > beta ? beta / norm : 1;
                Y11[i, j] = a * shrink;
                Ym[i, j] = b * shrink;
                Y22[i, j] = c * shrink;
            }

        // W <- W + tau (Y1 - D2^T Y2);  extrapolate
        SecondDifference.ApplyAdjoint(Y11, Ym, Y22, _adj);
        for (int i = 0; i < _n1; i++)
            for (int j = 0; j < _n2; j++)
            {
                double wOld = W[i, j];
                double w = wOld + tau * (Y1[i, j] - _adj[i, j]);
                W[i, j] = w;
                Wb[i, j] = 2 * w - wOld;
                Fb[i, j] = 2 * F[i, j] - _fOld[i, j];
            }
    }

    /// <summary>J(F, W) = (alpha/2) ||K~F - s~||^2 + ||F - W||_1 + beta ||D2 W||_{1,*}.</summary>
    public double Cost(double[,] f, double[,] w, double alpha, double beta)
    {
        var parts = CostParts(f, w);
        return 0.5 * alpha * parts.ResidualSquared + parts.Sparsity + beta * parts.Smoothness;
    }

    /// <summary>The three terms of J without their weights: ||K~F - s~||^2, ||F - W||_1, ||D2 W||_{1,*}.</summary>
    public (double ResidualSquared, double Sparsity, double Smoothness) CostParts(double[,] f, double[,] w)
    {
        ProjectInto(f, _proj);
        double r2 = 0;
        var sv = _p.SingularValues; var d = _p.Data;
        for (int i = 0; i < _k1; i++)
            for (int j = 0; j < _k2; j++)
            {
                double r = sv[i, j] * _proj[i, j] - d[i, j];
                r2 += r * r;
            }
        double l1 = 0;
        for (int i = 0; i < _n1; i++)
            for (int j = 0; j < _n2; j++)
                l1 += Math.Abs(f[i, j] - w[i, j]);
        SecondDifference.Apply(w, _d11, _dm, _d22);
        double tv = 0;
        for (int i = 0; i < _n1; i++)
            for (int j = 0; j < _n2; j++)
                tv += Math.Sqrt(_d11[i, j] * _d11[i, j] + _dm[i, j] * _dm[i, j] + _d22[i, j] * _d22[i, j]);
        return (r2, l1, tv);
    }

    /// <summary>
    /// Iterates at fixed (alpha, beta) from <paramref name="state"/> (warm start) until the relative change of J over
    /// <see cref="CheckInterval"/> iterations is below <paramref name="tolerance"/>, or <paramref name="maxIterations"/>.
    /// </summary>
    public MtgvRun Run(MtgvIterate state, double alpha, double beta, int maxIterations, double tolerance, CancellationToken cancel = default)
    {
        CheckHyperparameters(alpha, beta);
        if (maxIterations < 1) throw new NmrInputException("MaxIterationsInvalid", $"The iteration limit must be at least 1; got {maxIterations}.");
        if (!(tolerance > 0)) throw new NmrInputException("ToleranceInvalid", $"The tolerance must be > 0; got {tolerance}.");
        var history = new List<double> { Cost(state.F, state.W, alpha, beta) };
        double change = double.NaN;
        int k = 0;
        while (k < maxIterations)
        {
            cancel.ThrowIfCancellationRequested();
            int block = Math.Min(CheckInterval, maxIterations - k);
            for (int b = 0; b < block; b++) Step(state, alpha, beta);
            k += block;
            double j = Cost(state.F, state.W, alpha, beta);
            history.Add(j);
            if (history.Count <= StoppingWindow) continue;
            change = Math.Abs(history[^(StoppingWindow + 1)] - j) / Math.Max(Math.Abs(j), double.Epsilon);
            if (change < tolerance) return new MtgvRun(k, true, j, change, history);
        }
        return new MtgvRun(k, false, history[^1], change, history);
    }

    internal static void CheckHyperparameters(double alpha, double beta)
    {
        if (!(alpha > 0) || double.IsInfinity(alpha))
            throw new NmrInputException("AlphaInvalid", $"alpha (the data weight) must be a finite number > 0; got {alpha}.");
        if (!(beta > 0) || double.IsInfinity(beta))
            throw new NmrInputException("BetaInvalid", $"beta (the smoothness weight) must be a finite number > 0; got {beta}.");
    }

    /// <summary>P = V1^T X V2 into <paramref name="result"/> (k1 x k2).</summary>
    internal void ProjectInto(double[,] x, double[,] result)
    {
        var v1 = Flat(_p.V1); var v2 = Flat(_p.V2); var xs = Flat(x); var t1 = Flat(_t1); var r = Flat(result);
        int n1 = _n1, n2 = _n2, k1 = _k1, k2 = _k2;
        t1.Clear();
        for (int p = 0; p < n1; p++)
        {
            var xRow = xs.Slice(p * n2, n2);
            var vRow = v1.Slice(p * k1, k1);
            for (int i = 0; i < k1; i++)
            {
                double a = vRow[i];
                var tRow = t1.Slice(i * n2, n2);
                for (int j = 0; j < tRow.Length; j++) tRow[j] += a * xRow[j];
            }
        }
        r.Clear();
        for (int i = 0; i < k1; i++)
        {
            var tRow = t1.Slice(i * n2, n2);
            var rRow = r.Slice(i * k2, k2);
            for (int q = 0; q < n2; q++)
            {
                double a = tRow[q];
                var vRow = v2.Slice(q * k2, k2);
                for (int j = 0; j < rRow.Length; j++) rRow[j] += a * vRow[j];
            }
        }
    }

    /// <summary>X -= V1 P V2^T.</summary>
    private void ExpandSubtractInto(double[,] p, double[,] x)
    {
        var v1 = Flat(_p.V1); var v2 = Flat(_p.V2); var ps = Flat(p); var t2 = Flat(_t2); var xs = Flat(x);
        int n1 = _n1, n2 = _n2, k1 = _k1, k2 = _k2;
        // T2 = P V2^T (k1 x n2)
        for (int i = 0; i < k1; i++)
        {
            var pRow = ps.Slice(i * k2, k2);
            var tRow = t2.Slice(i * n2, n2);
            for (int j = 0; j < n2; j++)
            {
                var vRow = v2.Slice(j * k2, k2);
                double s = 0;
                for (int q = 0; q < pRow.Length; q++) s += pRow[q] * vRow[q];
                tRow[j] = s;
            }
        }
        for (int r = 0; r < n1; r++)
        {
            var xRow = xs.Slice(r * n2, n2);
            var vRow = v1.Slice(r * k1, k1);
            for (int i = 0; i < k1; i++)
            {
                double a = vRow[i];
                var tRow = t2.Slice(i * n2, n2);
                for (int j = 0; j < xRow.Length; j++) xRow[j] -= a * tRow[j];
            }
        }
    }

    private static Span<double> Flat(double[,] a) =>
        System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref a[0, 0], a.Length);
}
