using NmrInversion.Engine.Kernels;

namespace NmrInversion.Engine.Regularization;

/// <summary>
/// Chooses the Tikhonov weight alpha for a <see cref="NonNegativeTikhonov"/> problem and records the curve it walked.
/// Every solve is warm-started from the solution at the neighbouring alpha already visited.
/// <list type="bullet">
/// <item><b>GCV</b> (Golub, Heath and Wahba, Technometrics 21 (1979) 215; for the non-negative problem with the active
/// set's influence matrix as in Venkataraman et al., IEEE Trans. Signal Process. 50 (2002) 1017, section V):
/// GCV(alpha) = N ||c - K~ F_alpha||^2 / (N - tr A)^2, tr A = tr[G (G + alpha I)^-1] (<see cref="TikhonovSolution.Gcv"/>). A log-spaced scan (extended while the
/// minimum sits on an edge) is followed by a golden-section refinement in log alpha between the neighbours of the best
/// scanned point.</item>
/// <item><b>BRD</b> (Butler, Reeds and Dawson, SIAM J. Numer. Anal. 18 (1981) 381; Venkataraman et al. eq. 33): the
/// fixed-point iteration alpha &lt;- sqrt(N) sigma / ||x_alpha|| with N kept coefficients and sigma the noise level (in
/// the solver's scaled units). At the fixed point ||c - K~ f|| = alpha ||x|| = sqrt(N) sigma: the residual of the
/// compressed data equals its expected noise (a discrepancy principle).</item>
/// <item><b>S-curve</b> (Song et al., J. Magn. Reson. 154 (2002) 261; Mitchell, Chandrasekera and Gladden, Prog. NMR
/// Spectrosc. 62 (2012) 34): the fit error ||S - K F_alpha|| against alpha on log axes is flat (at the noise) for small
/// alpha and rises for large alpha; alpha is taken at the heel, where d log ||residual|| / d log alpha first reaches
/// <see cref="SCurveSlope"/> = 0.1 coming up from small alpha (interpolated between scan points).</item>
/// </list>
/// </summary>
public sealed class AlphaSearch
{
    /// <summary>Slope of log residual against log alpha that marks the heel of the S-curve.</summary>
    public const double SCurveSlope = 0.1;

    private readonly NonNegativeTikhonov _solver;
    private readonly CancellationToken _cancellation;
    private readonly List<TikhonovSolution> _solved = new();

    public AlphaSearch(NonNegativeTikhonov solver, CancellationToken cancellation = default)
    {
        _solver = solver;
        _cancellation = cancellation;
    }

    /// <summary>Newton iterations spent on all solves of this search.</summary>
    public int TotalIterations { get; private set; }

    /// <summary>False when the last BRD search ended without reaching its fixed point (at an end of its range or out of steps).</summary>
    public bool SearchConverged { get; private set; } = true;

    /// <summary>Number of alphas solved.</summary>
    public int Solves => _solved.Count;

    /// <summary>
    /// Gradient tolerance of the solves that only score an alpha (the chosen alpha is then solved to the solver's own,
    /// tighter tolerance, warm-started). 1e-7 moves GCV values by far less than their differences between alphas.
    /// </summary>
    public double ScanTolerance { get; init; } = 1e-7;

    /// <summary>BRD stops when the fixed-point equation holds to this many decades (|h| below it).</summary>
    public double BrdTolerance { get; init; } = 1e-3;

    /// <summary>Width in decades at which the golden-section refinement of the GCV minimum stops.</summary>
    public double RefineWidth { get; init; } = 0.02;

    /// <summary>
    /// Relative width of the GCV plateau: when other solves score within this fraction of the minimum, the largest such
    /// alpha is taken (0: the plain minimum). See <see cref="Gcv"/>.
    /// </summary>
    public double PlateauTolerance { get; init; }

    /// <summary>The plain GCV minimum of the last <see cref="Gcv"/> search (before the plateau rule), for the result's account.</summary>
    public TikhonovSolution? GcvMinimum { get; private set; }

    /// <summary>Called after each solve (for progress reporting).</summary>
    public Action<TikhonovSolution>? Visited { get; init; }

    /// <summary>
    /// The minimiser of the GCV function of plain (unconstrained) Tikhonov on the compressed problem, closed form in the
    /// SVD coefficients: RSS = ||outside||^2 + sum (alpha c / (s^2 + alpha))^2, tr A = sum s^2 / (s^2 + alpha). It centres
    /// the default search range of the non-negative problem. Scanned on 400 log-spaced points in [lo, hi].
    /// </summary>
    public static double LinearGcvMinimum(CompressedProblem problem, double lo, double hi)
    {
        double scale2 = problem.MaxAbs > 0 ? problem.MaxAbs * problem.MaxAbs : 1;
        double m = (double)problem.Data.GetLength(0) * problem.Data.GetLength(1);
        double outside = problem.OutsideNormSquared / scale2;
        double best = double.PositiveInfinity, bestAlpha = Math.Sqrt(lo * hi);
        double ulo = Math.Log10(lo), uhi = Math.Log10(hi);
        const int count = 400;
        for (int t = 0; t < count; t++)
        {
            double alpha = Math.Pow(10, ulo + (uhi - ulo) * t / (count - 1));
            double rss = outside, trace = 0;
            for (int i = 0; i < problem.Rank1; i++)
                for (int j = 0; j < problem.Rank2; j++)
                {
                    double s2 = problem.Sigma[i, j] * problem.Sigma[i, j];
                    double r = alpha / (s2 + alpha) * problem.C[i, j];
                    rss += r * r / scale2;
                    trace += s2 / (s2 + alpha);
                }
            double d = m - trace;
            double gcv = m * rss / (d * d);
            if (gcv < best) { best = gcv; bestAlpha = alpha; }
        }
        return bestAlpha;
    }

    /// <summary>
    /// Solves at a fixed alpha. A cold Newton start is slow and can stall for small alpha (the Newton systems are then
    /// nearly singular), so when the cold solve does not converge the solution is followed down from
    /// <paramref name="from"/> (default 1e-2 Sigma_max^2) in steps of one decade, each warm-started from the last.
    /// The curve holds the fixed alpha only.
    /// </summary>
    public (SearchCurve Curve, TikhonovSolution Chosen) Fixed(double alpha, double? from = null)
    {
        var s = _solver.Solve(alpha, (double[]?)null, _solver.Tolerance, _cancellation);
        TotalIterations += s.Iterations;
        if (!s.Converged)
        {
            var (_, sigmaMax) = _solver.SigmaRange;
            double top = from ?? 1e-2 * sigmaMax * sigmaMax;
            TikhonovSolution? path = null;
            for (double a = top; a > alpha; a /= 10)
            {
                path = _solver.Solve(a, path, Math.Max(ScanTolerance, _solver.Tolerance), _cancellation);
                TotalIterations += path.Iterations;
            }
            var followed = _solver.Solve(alpha, path, _solver.Tolerance, _cancellation);
            TotalIterations += followed.Iterations;
            if (followed.Converged || !s.Converged && followed.KeptResidualNormSquared <= s.KeptResidualNormSquared) s = followed;
        }
        _solved.Add(s);
        return (new SearchCurve("Fixed", new[] { Point(s, s.Gcv) }, 0), s);
    }

    /// <summary>GCV over <paramref name="count"/> log-spaced alphas in [lo, hi] (extended while the minimum is on an edge), then refined.</summary>
    public (SearchCurve Curve, TikhonovSolution Chosen) Gcv(double lo, double hi, int count, bool extend = true, bool refine = true)
    {
        double ulo = Math.Log10(lo), uhi = Math.Log10(hi);
        double step = (uhi - ulo) / (count - 1);
        // Scan from large alpha (small, smooth solutions: cheap) to small alpha, each warm-started from the last.
        var scan = new List<TikhonovSolution>();
        for (int t = count - 1; t >= 0; t--) scan.Add(SolveAt(Math.Pow(10, ulo + step * t)));
        scan.Reverse(); // ascending alpha
        int best = ArgMin(scan);
        for (int extra = 0; extend && extra < 8 && (best == 0 || best == scan.Count - 1); extra++)
        {
            if (best == 0 && scan[0].Alpha <= _solver.MinimumAlpha) break;
            if (best == 0) { scan.Insert(0, SolveAt(scan[0].Alpha / Math.Pow(10, step))); }
            else { scan.Add(SolveAt(scan[^1].Alpha * Math.Pow(10, step))); }
            best = ArgMin(scan);
        }
        if (refine && best > 0 && best < scan.Count - 1)
        {
            // Golden section on log10 alpha in the bracket of the best scanned point.
            double a = Math.Log10(scan[best - 1].Alpha), b = Math.Log10(scan[best + 1].Alpha);
            const double g = 0.6180339887498949;
            double x1 = b - g * (b - a), x2 = a + g * (b - a);
            double f1 = SolveAt(Math.Pow(10, x1)).Gcv, f2 = SolveAt(Math.Pow(10, x2)).Gcv;
            for (int it = 0; it < 16 && b - a > RefineWidth; it++)
            {
                if (f1 <= f2) { b = x2; x2 = x1; f2 = f1; x1 = b - g * (b - a); f1 = SolveAt(Math.Pow(10, x1)).Gcv; }
                else { a = x1; x1 = x2; f1 = f2; x2 = a + g * (b - a); f2 = SolveAt(Math.Pow(10, x2)).Gcv; }
            }
        }
        int chosen = ArgMin(_solved);
        GcvMinimum = _solved[chosen];
        if (PlateauTolerance > 0) chosen = PlateauEdge(chosen);
        return (new SearchCurve("GCV", _solved.Select(s => Point(s, s.Gcv)).ToArray(), chosen), Polish(_solved[chosen]));
    }

    /// <summary>
    /// The BRD fixed point alpha = sqrt(N) sigma / ||x_alpha||, starting at <paramref name="start"/>;
    /// <paramref name="noiseSigma"/> in scaled units (noise / max |S|). With u = log10 alpha the fixed point is the root
    /// of h(u) = log10(sqrt(N) sigma / ||x||) - u = log10(sqrt(N) sigma) - log10 ||c - K~ f||, which decreases with u
    /// (the residual grows with alpha); it is found by secant steps on h (at most a decade each), starting with the plain
    /// fixed-point step u &lt;- u + h and bisecting once a step leaves the bracket found so far. Same point as the BRD sweep, fewer solves.
    /// Each point's score is |h| (decades from the fixed point).
    /// </summary>
    public (SearchCurve Curve, TikhonovSolution Chosen) Brd(double noiseSigma, double start, int maxSteps = 40) =>
        Brd(noiseSigma, start, _solver.MinimumAlpha, double.PositiveInfinity, maxSteps);

    /// <summary>
    /// The BRD fixed point searched within [<paramref name="lo"/>, <paramref name="hi"/>]. When the non-negative fit cannot
    /// bring the residual down to sqrt(N) sigma (noise larger than stated, or a model that does not fit), h stays negative
    /// and the plain iteration would drive alpha to zero; here the search stops at <paramref name="lo"/> and
    /// <see cref="SearchConverged"/> is false.
    /// </summary>
    public (SearchCurve Curve, TikhonovSolution Chosen) Brd(double noiseSigma, double start, double lo, double hi, int maxSteps = 40)
    {
        SearchConverged = true;
        lo = Math.Max(lo, _solver.MinimumAlpha);
        if (!(hi > lo)) throw new ArgumentException("The BRD range is empty.", nameof(hi));
        start = Math.Clamp(start, lo, hi);
        double ulo = Math.Log10(lo), uhi = Math.Log10(hi);
        if (!(noiseSigma > 0) || double.IsInfinity(noiseSigma))
            throw new NmrInputException("NoiseLevelUnknown",
                "The BRD choice of alpha needs the noise level; the signal states none and the data leave no coefficients to estimate it. Use -AlphaMethod Gcv or give -Alpha.", InputProblem.Data);
        double logTarget = Math.Log10(Math.Sqrt(_solver.KeptCount) * noiseSigma);
        var points = new List<SearchPoint>();
        double H(TikhonovSolution s) => logTarget - 0.5 * Math.Log10(Math.Max(s.KeptResidualNormSquared, 1e-300));
        double u = Math.Log10(start);
        var s = SolveAt(start);
        double h = H(s);
        points.Add(Point(s, Math.Abs(h)));
        double? uPrev = null, hPrev = null;
        double bLo = double.NegativeInfinity, bHi = double.PositiveInfinity; // bracket in u: h(bLo) > 0 > h(bHi)
        for (int k = 0; k < maxSteps && Math.Abs(h) > BrdTolerance; k++)
        {
            if (h > 0) bLo = Math.Max(bLo, u); else bHi = Math.Min(bHi, u);
            double next = u + h;
            if (uPrev is { } up && hPrev is { } hp && hp != h)
            {
                double secant = u - h * (u - up) / (h - hp);
                if (!double.IsNaN(secant) && !double.IsInfinity(secant)) next = u + Math.Clamp(secant - u, -1, 1);
            }
            if (next <= bLo || next >= bHi)
                next = !double.IsInfinity(bLo) && !double.IsInfinity(bHi) ? 0.5 * (bLo + bHi) : u + Math.Clamp(h, -2, 2);
            next = Math.Clamp(next, ulo, uhi);
            if (next == u && (u == ulo || u == uhi)) break;
            uPrev = u; hPrev = h;
            u = next;
            s = SolveAt(Math.Pow(10, u));
            h = H(s);
            points.Add(Point(s, Math.Abs(h)));
        }
        SearchConverged = Math.Abs(h) <= BrdTolerance;
        return (new SearchCurve("BRD", points, points.Count - 1), Polish(s));
    }

    /// <summary>The heel of the S-curve over <paramref name="count"/> log-spaced alphas in [lo, hi].</summary>
    public (SearchCurve Curve, TikhonovSolution Chosen) SCurve(double lo, double hi, int count)
    {
        double ulo = Math.Log10(lo), uhi = Math.Log10(hi);
        double step = (uhi - ulo) / (count - 1);
        var scan = new List<TikhonovSolution>();
        for (int t = count - 1; t >= 0; t--) scan.Add(SolveAt(Math.Pow(10, ulo + step * t)));
        scan.Reverse();
        var u = scan.Select(s => Math.Log10(s.Alpha)).ToArray();
        var chi = scan.Select(s => 0.5 * Math.Log10(Math.Max(s.ResidualNormSquared, 1e-300))).ToArray();
        var slope = new double[scan.Count];
        for (int i = 0; i < scan.Count; i++)
        {
            int a = Math.Max(0, i - 1), b = Math.Min(scan.Count - 1, i + 1);
            slope[i] = (chi[b] - chi[a]) / (u[b] - u[a]);
        }
        var points = scan.Select((s, i) => Point(s, slope[i])).ToList();
        int first = Array.FindIndex(slope, v => v >= SCurveSlope);
        TikhonovSolution chosen;
        if (first <= 0) chosen = first == 0 ? scan[0] : scan[^1];
        else
        {
            double w = (SCurveSlope - slope[first - 1]) / (slope[first] - slope[first - 1]);
            double uh = u[first - 1] + w * (u[first] - u[first - 1]);
            chosen = SolveAt(Math.Pow(10, uh));
            points.Add(Point(chosen, SCurveSlope));
        }
        int index = points.FindLastIndex(p => p.Alpha == chosen.Alpha);
        return (new SearchCurve("S-curve", points, index), Polish(chosen));
    }

    /// <summary>
    /// The largest alpha whose GCV score is within <see cref="PlateauTolerance"/> of the minimum at
    /// <paramref name="minimum"/> (converged solves only), with its crossing refined by bisection in log alpha towards the
    /// next larger solved alpha (four steps). Index into the solves.
    /// </summary>
    private int PlateauEdge(int minimum)
    {
        double limit = _solved[minimum].Gcv * (1 + PlateauTolerance);
        int edge = minimum;
        for (int i = 0; i < _solved.Count; i++)
            if (_solved[i].Converged && _solved[i].Gcv <= limit && _solved[i].Alpha > _solved[edge].Alpha) edge = i;
        TikhonovSolution? above = null;
        foreach (var s in _solved)
            if (s.Alpha > _solved[edge].Alpha && (above is null || s.Alpha < above.Alpha)) above = s;
        if (above is null) return edge;
        double a = Math.Log10(_solved[edge].Alpha), b = Math.Log10(above.Alpha);
        for (int step = 0; step < 4 && b - a > RefineWidth; step++)
        {
            var mid = SolveAt(Math.Pow(10, 0.5 * (a + b)));
            if (mid.Converged && mid.Gcv <= limit) { a = Math.Log10(mid.Alpha); edge = _solved.Count - 1; }
            else b = Math.Log10(mid.Alpha);
        }
        return edge;
    }

    private TikhonovSolution SolveAt(double alpha)
    {
        alpha = Math.Max(alpha, _solver.MinimumAlpha);
        _cancellation.ThrowIfCancellationRequested();
        var solution = _solver.Solve(alpha, StartingPoint(alpha), Math.Max(ScanTolerance, _solver.Tolerance), _cancellation);
        _solved.Add(solution);
        TotalIterations += solution.Iterations;
        Visited?.Invoke(solution);
        return solution;
    }

    /// <summary>
    /// Starting dual vector for a new alpha: the nearest solution already computed (in log alpha). A linear prediction
    /// through the two nearest solutions was tried and took more Newton steps at SNR 2000 (it moves the active set).
    /// </summary>
    private double[]? StartingPoint(double alpha) => Nearest(alpha)?.Dual;

    private TikhonovSolution? Nearest(double alpha)
    {
        TikhonovSolution? best = null;
        foreach (var s in _solved)
            if (best is null || Math.Abs(Math.Log(s.Alpha / alpha)) < Math.Abs(Math.Log(best.Alpha / alpha))) best = s;
        return best;
    }

    /// <summary>The chosen alpha solved to the solver's tolerance (a couple of Newton steps from the scan's solution).</summary>
    private TikhonovSolution Polish(TikhonovSolution s)
    {
        if (ScanTolerance <= _solver.Tolerance) return s;
        var polished = _solver.Solve(s.Alpha, s, _solver.Tolerance, _cancellation);
        TotalIterations += polished.Iterations;
        return polished;
    }

    private SearchPoint Point(TikhonovSolution s, double score) =>
        new(s.Alpha, null, score, Math.Sqrt(s.ResidualNormSquared) * _solver.Scale, s.Iterations);

    /// <summary>
    /// The point of lowest GCV among the solves that converged (a stalled Newton solve has a meaningless, often tiny,
    /// GCV score: on the Berea T1-T2 file one such point won with a residual 3.7e5 times too large); only when no solve
    /// converged does it fall back to all points.
    /// </summary>
    private static int ArgMin(IReadOnlyList<TikhonovSolution> list)
    {
        int best = -1;
        for (int i = 0; i < list.Count; i++)
            if (list[i].Converged && (best < 0 || list[i].Gcv < list[best].Gcv)) best = i;
        if (best >= 0) return best;
        best = 0;
        for (int i = 1; i < list.Count; i++) if (list[i].Gcv < list[best].Gcv) best = i;
        return best;
    }
}
