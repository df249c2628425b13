namespace NmrInversion.Engine.Regularization;

/// <summary>Settings of an MTGV inversion. Null <see cref="Alpha"/> / <see cref="Beta"/> mean: search them.</summary>
public sealed record MtgvOptions
{
    /// <summary>Fixed data weight alpha; null = GCV.</summary>
    public double? Alpha { get; init; }

    /// <summary>Fixed smoothness weight beta; null = BRD-style search.</summary>
    public double? Beta { get; init; }

    /// <summary>Iteration limit of one fixed-hyperparameter solve.</summary>
    public int MaxIterations { get; init; } = 5000;

    /// <summary>Stopping tolerance on the relative change of the cost over <see cref="Mtgv.CheckInterval"/> iterations.</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Most moves of the GCV bracket (a decade each) per beta.</summary>
    public int MaxGcvUpdates { get; init; } = 6;

    /// <summary>First beta of the search. 0.1: just above the exact second-order-TV limit (1/16) where both penalties act; on
    /// presets A and H at SNR 200 the BRD score is ~1 for every beta with GCV alpha, so the search rarely moves from here.</summary>
    public double InitialBeta { get; init; } = 0.1;

    /// <summary>Most beta values visited.</summary>
    public int MaxBetas { get; init; } = 5;

    /// <summary>The beta search stops when beta changes by less than this fraction.</summary>
    public double BetaTolerance { get; init; } = 0.1;

    /// <summary>Range of alpha (the authors' [1e-12, 1e12]) and of beta.</summary>
    public double MinAlpha { get; init; } = 1e-12;
    public double MaxAlpha { get; init; } = 1e12;
    public double MinBeta { get; init; } = 1e-4;
    public double MaxBeta { get; init; } = 1e4;

    public void Validate()
    {
        if (Alpha is { } a) Mtgv.CheckHyperparameters(a, 1);
        if (Beta is { } b) Mtgv.CheckHyperparameters(1, b);
        if (MaxIterations < Mtgv.CheckInterval)
            throw new NmrInputException("MaxIterationsInvalid", $"MaxIterations must be at least {Mtgv.CheckInterval}; got {MaxIterations}.");
        if (!(Tolerance > 0) || Tolerance >= 1)
            throw new NmrInputException("ToleranceInvalid", $"Tolerance must lie in (0, 1); got {Tolerance}.");
    }
}

/// <summary>What the search returns: the map (normalised units, not unit sum), the chosen values, and the curves walked.</summary>
public sealed record MtgvSearchResult(
    double[,] Distribution,
    double Alpha,
    double Beta,
    SearchCurve BetaCurve,
    IReadOnlyList<SearchCurve> AlphaCurves,
    int Iterations,
    bool Converged,
    double ResidualNorm);

/// <summary>Progress of a search: which beta, how many so far.</summary>
public sealed record MtgvProgress(int BetaIndex, int MaxBetas, double Beta, double Alpha, string Phase);

/// <summary>
/// The automatic hyperparameter search of MTGV (Beckmann et al., arXiv 2311.11442, section 2.3; cam_ilt
/// <c>mtgv_gcv_brd_optim</c>), made fast and made to choose.
/// <para>
/// For each beta: alpha by GCV. The score of <see cref="MtgvGcv"/> (the authors' GCV of the primal-dual F-step) is
/// evaluated at converged solutions and minimised over log alpha: solves at alpha_c / 10, alpha_c, 10 alpha_c, the
/// window moving a decade toward the lower score until its middle is smallest, then a parabola in log alpha (see
/// <c>GcvPhase</c>). The authors instead apply the GCV fixed-point update of alpha after every single primal-dual step
/// and stop when the score changes by less than 1e-2; at our 64x64 grids that update runs alpha to its bound (the
/// score of unconverged iterates keeps falling), so the score is minimised directly. Then the solve at that alpha is
/// iterated to the cost tolerance (<see cref="Mtgv.Run"/>). Every solve starts warm from the previous solution (the
/// authors restart every beta and every phase from F = 1/N, which with dense 4096 x 4096 algebra is most of their 12
/// minutes).
/// </para>
/// <para>
/// beta by a BRD-style (Butler-Reeds-Dawson) fixed point with the noise level put back: the BRD score
/// chi_beta = ||K~F - s~|| / (sigma_noise sqrt(n)) is 1 when the fit explains the data to the noise;
/// beta_next = beta / chi_beta (the authors' update beta sqrt(n) / ||K~F - s~|| omits sigma_noise and so only sweeps
/// beta upwards by about the SNR per step). The search stops when beta changes by less than
/// <see cref="MtgvOptions.BetaTolerance"/>, leaves [<see cref="MtgvOptions.MinBeta"/>, <see cref="MtgvOptions.MaxBeta"/>],
/// or after <see cref="MtgvOptions.MaxBetas"/> values. Choice: the visited beta whose BRD score is closest to 1
/// (smallest |log chi_beta|), i.e. the discrepancy principle over the visited values; the result is the solution at that
/// beta. Every visited beta is kept in <see cref="MtgvSearchResult.BetaCurve"/> (score = chi_beta) and the GCV
/// trajectory of alpha at each beta in <see cref="MtgvSearchResult.AlphaCurves"/>.
/// </para>
/// </summary>
public static class MtgvSearch
{
    /// <summary>Balanced step sizes for the problem: tau sigma = 0.01 as the authors, tau / sigma = 1 / ratio^2.</summary>
    public static Mtgv CreateSolver(MtgvProblem problem)
    {
        double ratio = StepRatio(problem);
        return new Mtgv(problem, Mtgv.DefaultTau / ratio, Mtgv.DefaultSigma * ratio);
    }

    /// <summary>
    /// The factor that balances primal and dual steps (Pock and Chambolle, ICCV 2011, on step preconditioning): the
    /// primal variables are of size ~1/N (unit mass over N cells), the duals of size ~1, so tau = 0.1 / ratio and
    /// sigma = 0.1 ratio with ratio = 2.5 N keep tau sigma = 0.01 (the convergence condition is unchanged) while
    /// letting both move at their own scale. With the authors' tau = sigma = 0.1 a 64x64 solve needs tens of
    /// thousands of iterations.
    /// </summary>
    public static double StepRatio(MtgvProblem problem) => 2.5 * problem.Size1 * problem.Size2;

    /// <summary>
    /// Where the GCV bracket starts: the alpha at which the data gradient alpha K~^T r of a residual at the noise level
    /// is of order 10 against the unit subgradient of the L1 term, alpha = 10 / (sigma_noise rms(sigma)). (The authors'
    /// alpha0 = n / sum sigma^2 = 1 / rms(sigma)^2 lies many decades below the GCV minimum on 64x64 kernels.)
    /// </summary>
    public static double StartingAlpha(MtgvProblem problem) => 10 * Math.Sqrt(problem.InitialAlpha) / problem.NoiseSigma;

    public static MtgvSearchResult Run(MtgvProblem problem, MtgvOptions options, IProgress<MtgvProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var solver = CreateSolver(problem);
        var state = solver.Start();
        double alpha = options.Alpha ?? StartingAlpha(problem);
        double beta = options.Beta ?? options.InitialBeta;
        int maxBetas = options.Beta is null ? options.MaxBetas : 1;

        var betaPoints = new List<SearchPoint>();
        var alphaCurves = new List<SearchCurve>();
        var solutions = new List<(double[,] F, double Alpha, double Beta, bool Converged, double Residual)>();
        int totalIterations = 0;

        for (int b = 0; b < maxBetas; b++)
        {
            cancel.ThrowIfCancellationRequested();
            int iterations = 0;
            if (options.Alpha is null)
            {
                progress?.Report(new MtgvProgress(b, maxBetas, beta, alpha, "GCV"));
                var (curve, chosen, its) = GcvPhase(solver, state, alpha, beta, options, cancel);
                alphaCurves.Add(curve);
                alpha = chosen;
                iterations += its;
            }
            progress?.Report(new MtgvProgress(b, maxBetas, beta, alpha, "Solve"));
            var run = solver.Run(state, alpha, beta, options.MaxIterations, options.Tolerance, cancel);
            iterations += run.Iterations;
            totalIterations += iterations;
            var f = Positive(state.F);
            double residual = problem.ResidualNorm(f);
            double score = residual / (problem.NoiseSigma * Math.Sqrt(problem.Count));
            betaPoints.Add(new SearchPoint(alpha, beta, score, residual, iterations));
            solutions.Add((f, alpha, beta, run.Converged, residual));
            if (options.Beta is not null) break;

            double next = beta / score;
            if (!double.IsFinite(next) || Math.Abs(next - beta) < options.BetaTolerance * beta) break;
            next = Math.Clamp(next, beta / 100, beta * 100);
            if (next < options.MinBeta || next > options.MaxBeta) break;
            beta = next;
        }

        int chosenIndex = 0;
        for (int i = 1; i < betaPoints.Count; i++)
            if (Math.Abs(Math.Log(betaPoints[i].Score)) < Math.Abs(Math.Log(betaPoints[chosenIndex].Score))) chosenIndex = i;
        var best = solutions[chosenIndex];
        var betaCurve = new SearchCurve(options.Beta is null ? "BRD" : "Fixed", betaPoints, chosenIndex);
        return new MtgvSearchResult(best.F, best.Alpha, best.Beta, betaCurve, alphaCurves, totalIterations, best.Converged, best.Residual);
    }

    /// <summary>Iteration limit of each solve inside the GCV bracket (warm-started; the final solve at the chosen alpha
    /// gets the full <see cref="MtgvOptions.MaxIterations"/>).</summary>
    public const int GcvSolveIterations = 2000;

    /// <summary>How much a GCV point's residual may exceed that of a smaller alpha (rounding and the stopping tolerance)
    /// before the point counts as not solved.</summary>
    public const double MonotoneSlack = 1.01;

    /// <summary>How many more times <see cref="GcvSolveIterations"/> a GCV solve gets when its residual exceeds that of a
    /// smaller alpha.</summary>
    public const int GcvExtraSolves = 4;

    /// <summary>
    /// alpha by GCV at fixed beta: the GCV score of the converged solution, minimised over log alpha. Solves at
    /// alpha_c / 10, alpha_c, 10 alpha_c (each warm-started from the previous solve), the window moves a decade toward
    /// the lower score until the middle one is the smallest (at most <see cref="MtgvOptions.MaxGcvUpdates"/> solves),
    /// then a parabola through the three scores in log alpha gives the minimiser. A solve whose residual exceeds that of
    /// a smaller visited alpha (by more than <see cref="MonotoneSlack"/>) has not reached its minimiser, since a
    /// minimiser's residual cannot grow with the data weight; it gets up to <see cref="GcvExtraSolves"/> more runs of
    /// <see cref="GcvSolveIterations"/>, and if it still falls short it stays on the curve with its score but counts as
    /// infinite in the walk and is never chosen (the nearest solved alpha stands in). Returns the GCV curve (alpha
    /// against score, visiting order) with the chosen point, and the iterations spent.
    /// </summary>
    public static (SearchCurve Curve, double Alpha, int Iterations) GcvPhase(Mtgv solver, MtgvIterate state, double alpha, double beta, MtgvOptions options, CancellationToken cancel)
    {
        var points = new List<SearchPoint>();
        var states = new Dictionary<double, MtgvIterate>();
        var unreached = new HashSet<double>();
        int iterations = 0;
        double Score(double a)
        {
            foreach (var p in points)
                if (p.Alpha == a) return unreached.Contains(a) ? double.PositiveInfinity : p.Score;
            int limit = Math.Min(options.MaxIterations, GcvSolveIterations);
            var run = solver.Run(state, a, beta, limit, options.Tolerance, cancel);
            int spent = run.Iterations;
            double residual = solver.Problem.ResidualNorm(Positive(state.F));
            // A minimiser's residual cannot grow with the data weight alpha. When it does, the solve at this alpha has
            // not reached its minimiser and its GCV score would describe the iterate, not the method: the solve goes on
            // (up to GcvExtraSolves more times its limit), and if the residual still exceeds, the point stays on the
            // curve but cannot be chosen. Measured on the Berea T1-T2 file: the residual rose from 0.43 at alpha 8 to
            // 16.5 at 8e8 after 2,000 iterations each, and the walk followed the falling score to a misfit of 96.
            bool Exceeds(double r) => points.Any(p => p.Alpha < a && r > MonotoneSlack * p.ResidualNorm);
            for (int extra = 0; extra < GcvExtraSolves && Exceeds(residual); extra++)
            {
                spent += solver.Run(state, a, beta, limit, options.Tolerance / 10, cancel).Iterations;
                residual = solver.Problem.ResidualNorm(Positive(state.F));
            }
            if (Exceeds(residual)) unreached.Add(a);
            iterations += spent;
            var (score, _) = MtgvGcv.Update(solver, state, a);
            points.Add(new SearchPoint(a, beta, score, residual, spent));
            states[a] = state.Clone();
            return unreached.Contains(a) ? double.PositiveInfinity : score;
        }

        double step = Math.Log(10);
        double c = Math.Clamp(alpha, options.MinAlpha, options.MaxAlpha);
        double lo = Score(c / 10), mid = Score(c), hi = Score(c * 10);
        for (int k = 0; k < options.MaxGcvUpdates && !(mid <= lo && mid <= hi); k++)
        {
            if (lo < hi)
            {
                if (c / 100 < options.MinAlpha) break;
                c /= 10; hi = mid; mid = lo; lo = Score(c / 10);
            }
            else
            {
                if (c * 100 > options.MaxAlpha) break;
                c *= 10; lo = mid; mid = hi; hi = Score(c * 10);
            }
        }
        double chosen = c;
        if (mid <= lo && mid <= hi)
        {
            // Parabola through (-1, lo), (0, mid), (1, hi) in units of log10 alpha.
            double den = lo - 2 * mid + hi;
            double offset = double.IsFinite(den) && den > 0 ? Math.Clamp(0.5 * (lo - hi) / den, -0.5, 0.5) : 0;
            chosen = c * Math.Exp(offset * step);
            if (Math.Abs(offset) > 0.05) Score(chosen);
        }
        else
        {
            chosen = lo < hi ? c / 10 : c * 10;
        }
        // Leave the state at the chosen alpha's solution (the closest visited one), for the final solve to polish.
        // An alpha whose solve was not reached is never returned: the nearest reached one stands in for it.
        double nearest = points.Where(p => !unreached.Contains(p.Alpha)).DefaultIfEmpty(points[0])
            .OrderBy(p => Math.Abs(Math.Log(p.Alpha / chosen))).First().Alpha;
        if (unreached.Contains(chosen)) chosen = nearest;
        Copy(states[nearest], state);
        int index = points.FindIndex(p => p.Alpha == nearest);
        return (new SearchCurve("GCV", points, index), chosen, iterations);
    }

    private static void Copy(MtgvIterate from, MtgvIterate to)
    {
        Array.Copy(from.F, to.F, from.F.Length);
        Array.Copy(from.W, to.W, from.W.Length);
        Array.Copy(from.FBar, to.FBar, from.FBar.Length);
        Array.Copy(from.WBar, to.WBar, from.WBar.Length);
        Array.Copy(from.Y1, to.Y1, from.Y1.Length);
        Array.Copy(from.Y3, to.Y3, from.Y3.Length);
        Array.Copy(from.Y11, to.Y11, from.Y11.Length);
        Array.Copy(from.Ym, to.Ym, from.Ym.Length);
        Array.Copy(from.Y22, to.Y22, from.Y22.Length);
    }

    /// <summary>max(0, F): the primal-dual iterate meets F &gt;= 0 only in the limit.</summary>
    public static double[,] Positive(double[,] f)
    {
        var g = (double[,])f.Clone();
        for (int i = 0; i < g.GetLength(0); i++)
            for (int j = 0; j < g.GetLength(1); j++)
                if (g[i, j] < 0) g[i, j] = 0;
        return g;
    }
}
