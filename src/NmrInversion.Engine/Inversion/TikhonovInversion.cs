using System.Diagnostics;
using System.Globalization;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Inversion;

/// <summary>Settings of a Tikhonov inversion. Defaults: GCV over 16 alphas spanning 5 decades around the linear GCV minimum.</summary>
public sealed record TikhonovOptions
{
    /// <summary>A fixed alpha (skips the search).</summary>
    public double? Alpha { get; init; }

    /// <summary>How alpha is chosen when <see cref="Alpha"/> is not given.</summary>
    public AlphaMethod AlphaMethod { get; init; } = AlphaMethod.Gcv;

    /// <summary>Search range (both or neither). Default: [a0 / 10^DecadesBelow, a0 * 10^DecadesAbove], a0 the linear GCV minimum.</summary>
    public double? AlphaMinimum { get; init; }

    public double? AlphaMaximum { get; init; }

    /// <summary>Number of log-spaced alphas of the scan (GCV, S-curve).</summary>
    public int AlphaCount { get; init; } = 16;

    /// <summary>Default range: decades below and above the linear GCV minimum.</summary>
    public double DecadesBelow { get; init; } = 3;

    public double DecadesAbove { get; init; } = 2;

    /// <summary>
    /// GCV plateau: take the largest alpha whose GCV is within this fraction of the minimum (0: the plain minimum).
    /// See <see cref="DefaultGcvPlateau"/>.
    /// </summary>
    public double GcvPlateau { get; init; } = DefaultGcvPlateau;

    /// <summary>
    /// The GCV curve of the non-negative problem is flat to a few percent over decades of alpha, and its lowest point in
    /// that valley moves with the noise draw: on presets A-H x SNR 20/200/2000 x noise seeds 1-10 the plain minimum gave
    /// 32 of 240 signals a 2D chi more than 3 times the median of their preset and SNR (up to 72 times; alphas 1000 times
    /// below their neighbours'). Taking the largest alpha within 5% of the minimum gave none, and lowered the median chi
    /// of the seed-1 benchmark from 0.48 to 0.32.
    /// </summary>
    public const double DefaultGcvPlateau = 0.05;

    /// <summary>The compression's truncation factor (<see cref="CompressedProblem.SignificantCoefficients"/>).</summary>
    public double TruncationFactor { get; init; } = CompressedProblem.DefaultTruncationFactor;

    /// <summary>Relative gradient tolerance of the Newton iteration.</summary>
    public double Tolerance { get; init; } = 1e-10;

    public int MaxIterations { get; init; } = 100;

    /// <summary>
    /// A map to pull the solution towards instead of zero (penalty alpha sum (F - Prior)^2 / max(Prior, floor), chi-shaped
    /// weights), in the signal's amplitude units on the signal's relaxation grid; null: plain Tikhonov. See
    /// <see cref="NonNegativeTikhonov.Prior"/>.
    /// </summary>
    public double[,]? Prior { get; init; }

    /// <summary>Floor of the prior's weights as a fraction of its sum (<see cref="NonNegativeTikhonov.PriorFloor"/>).</summary>
    public double PriorFloor { get; init; } = 1e-4;

    /// <summary>Checks the settings; throws <see cref="NmrInputException"/> with a stable ErrorId.</summary>
    public void Validate()
    {
        if (Alpha is { } a && (double.IsNaN(a) || double.IsInfinity(a) || a <= 0))
            throw new NmrInputException("AlphaInvalid", $"-Alpha must be a finite number > 0; got {a}.");
        if (AlphaMinimum.HasValue != AlphaMaximum.HasValue)
            throw new NmrInputException("AlphaRangeInvalid", "Give both ends of the alpha range (minimum and maximum) or neither.");
        if (AlphaMinimum is { } lo && AlphaMaximum is { } hi &&
            (double.IsNaN(lo) || double.IsNaN(hi) || double.IsInfinity(hi) || lo <= 0 || !(hi > lo)))
            throw new NmrInputException("AlphaRangeInvalid", $"The alpha range needs 0 < minimum < maximum < infinity; got [{lo}, {hi}].");
        if (!(GcvPlateau >= 0 && GcvPlateau < 1))
            throw new NmrInputException("GcvPlateauInvalid", $"The GCV plateau is a fraction of the GCV minimum in [0, 1); got {GcvPlateau}.");
        if (AlphaCount < 3 || AlphaCount > 1000)
            throw new NmrInputException("AlphaCountInvalid", $"The number of alphas searched must be 3..1000; got {AlphaCount}.");
        if (AlphaMethod == AlphaMethod.Fixed && Alpha is null)
            throw new NmrInputException("AlphaMissing", "AlphaMethod Fixed needs an alpha.");
        if (double.IsNaN(TruncationFactor) || double.IsInfinity(TruncationFactor) || TruncationFactor < 0)
            throw new NmrInputException("TruncationFactorInvalid", $"The truncation factor must be a finite number >= 0; got {TruncationFactor}.");
        if (!(Tolerance > 0) || Tolerance >= 1)
            throw new NmrInputException("ToleranceInvalid", $"The tolerance must be in (0, 1); got {Tolerance}.");
        if (MaxIterations < 1)
            throw new NmrInputException("MaxIterationsInvalid", $"The iteration limit must be >= 1; got {MaxIterations}.");
        if (!(PriorFloor > 0) || PriorFloor >= 1)
            throw new NmrInputException("PriorFloorInvalid", $"The prior's floor must be in (0, 1); got {PriorFloor}.");
        if (Prior is { } prior)
            foreach (double v in prior)
                if (!double.IsFinite(v) || v < 0)
                    throw new NmrInputException("PriorInvalid", $"The prior map must be finite and non-negative; it holds {v}.");
    }
}

/// <summary>
/// Non-negative Tikhonov inversion of a 1D or 2D signal with automatic alpha (the fast 2D Laplace inversion of
/// Venkataraman, Song and Hürlimann, IEEE Trans. Signal Process. 50 (2002) 1017): compress with the kernels' SVDs
/// (<see cref="CompressedProblem.SignificantCoefficients"/>), solve min_{F&gt;=0} ||K1 F K2^T - S||^2 + alpha ||F||^2
/// exactly by the Butler-Reeds-Dawson dual Newton method (<see cref="NonNegativeTikhonov"/>), choose alpha by GCV, BRD or
/// the S-curve (<see cref="AlphaSearch"/>).
/// </summary>
public static class TikhonovInversion
{
    public static TikhonovResult Invert(Signal2D signal, TikhonovOptions? options = null, KernelSvdCache? cache = null,
        CancellationToken cancellation = default, Action<TikhonovSolution>? visited = null)
    {
        ArgumentNullException.ThrowIfNull(signal);
        options ??= new TikhonovOptions();
        options.Validate();
        var clock = Stopwatch.StartNew();
        var work = signal.ForInversion(out int exponent);
        var problem = new CompressedProblem(work, cache);
        double? known = work.NoiseSigma is { } ns && ns > 0 ? ns : null;
        double noise = known ?? problem.NoiseEstimate;
        var kept = problem.SignificantCoefficients(noise, options.TruncationFactor);
        var solver = new NonNegativeTikhonov(problem, kept)
        {
            Tolerance = options.Tolerance, MaxIterations = options.MaxIterations, PriorFloor = options.PriorFloor,
            Prior = PriorInWorkUnits(options.Prior, signal, exponent),
        };
        var search = new AlphaSearch(solver, cancellation) { Visited = visited, PlateauTolerance = options.GcvPlateau };

        var method = options.Alpha is null ? options.AlphaMethod : AlphaMethod.Fixed;
        (SearchCurve Curve, TikhonovSolution Chosen) outcome;
        if (method == AlphaMethod.Fixed) outcome = search.Fixed(options.Alpha!.Value);
        else
        {
            var (lo, hi) = Range(problem, solver, options);
            outcome = method switch
            {
                AlphaMethod.Gcv => search.Gcv(lo, hi, options.AlphaCount),
                AlphaMethod.SCurve => search.SCurve(lo, hi, options.AlphaCount),
                AlphaMethod.Brd => search.Brd(noise / solver.Scale, BrdStart(lo, hi, options), lo * 1e-3, hi * 1e3),
                _ => throw new ArgumentOutOfRangeException(nameof(options)),
            };
        }
        var chosen = outcome.Chosen;
        var f = chosen.Distribution;
        var distribution = new Distribution2D(f, signal.RelaxationAxis1, signal.RelaxationAxis2, "Tikhonov");
        double residual = Math.ScaleB(Math.Sqrt(chosen.ResidualNormSquared) * solver.Scale, exponent);
        double? noiseLevel = double.IsNaN(noise) ? null : Math.ScaleB(noise, exponent);
        var (rule, reason) = Rule(method, search, chosen, options);
        var result = new TikhonovResult(distribution, signal, clock.Elapsed.TotalSeconds, residual, noiseLevel, chosen.Alpha, method,
            outcome.Curve, search.SearchConverged, chosen.Iterations, search.TotalIterations, chosen.Converged, solver.KeptCount, chosen.ActiveCount,
            chosen.InfluenceTrace, Math.ScaleB(Sum(f) * solver.Scale, exponent), rule, reason);
        if (!chosen.Converged)
            result.AddWarning(new NmrWarning("SolveNotConverged", string.Create(CultureInfo.InvariantCulture,
                $"The Newton iteration stopped after {chosen.Iterations} steps before its tolerance at alpha {chosen.Alpha:G4}; the map is not the exact minimiser.")));
        if (!search.SearchConverged)
            result.AddWarning(new NmrWarning("AlphaSearchNotConverged", string.Create(CultureInfo.InvariantCulture,
                $"The {outcome.Curve.Criterion} search did not reach its criterion (the residual stays above sqrt(N) sigma: the noise may be larger than stated); alpha {chosen.Alpha:G4} is the end of its range.")));
        if (method != AlphaMethod.Fixed && chosen.Alpha <= solver.MinimumAlpha * 1.0001)
            result.AddWarning(new NmrWarning("AlphaAtSearchEdge", string.Create(CultureInfo.InvariantCulture,
                $"alpha {chosen.Alpha:G4} is the smallest the solver accepts: the criterion wants less regularisation than the problem can take; the map is likely under-regularised.")));
        ResultDiagnostics.Check(result);
        return result;
    }

    /// <summary>The name of the rule that chose alpha, and why, for the result.</summary>
    private static (string Rule, string Reason) Rule(AlphaMethod method, AlphaSearch search, TikhonovSolution chosen, TikhonovOptions options)
    {
        switch (method)
        {
            case AlphaMethod.Fixed: return ("Fixed", "given with -Alpha");
            case AlphaMethod.Brd: return ("BRD", "the fixed point alpha = sqrt(N) sigma / ||x|| (the compressed residual equals the noise)");
            case AlphaMethod.SCurve: return ("S-curve", string.Create(CultureInfo.InvariantCulture, $"the heel of the S-curve (slope {AlphaSearch.SCurveSlope})"));
        }
        var minimum = search.GcvMinimum ?? chosen;
        double decades = Math.Log10(chosen.Alpha / minimum.Alpha);
        if (decades < 0.05) return ("GCV", "the minimum of the GCV curve");
        return ("GCV plateau", string.Create(CultureInfo.InvariantCulture,
            $"the GCV curve stays within {options.GcvPlateau:P0} of its minimum (alpha {minimum.Alpha:G3}) up to alpha {chosen.Alpha:G3} ({decades:F1} decades): a minimum that shallow is set by the noise draw, so the largest alpha the data cannot tell from it is taken"));
    }

    private static double Sum(double[,] f)
    {
        double s = 0;
        foreach (double v in f) s += v;
        return s;
    }

    /// <summary>The prior scaled like the signal by <see cref="Signal2D.ForInversion"/>; checked against the relaxation grid.</summary>
    private static double[,]? PriorInWorkUnits(double[,]? prior, Signal2D signal, int exponent)
    {
        if (prior is null) return null;
        int n1 = signal.RelaxationAxis1.Count, n2 = signal.RelaxationAxis2.Count;
        if (prior.GetLength(0) != n1 || prior.GetLength(1) != n2)
            throw new NmrInputException("PriorSizeMismatch", $"The prior map is {prior.GetLength(0)}x{prior.GetLength(1)}; the signal's relaxation grid is {n1}x{n2}.");
        if (exponent == 0) return prior;
        var p = new double[n1, n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++) p[i, j] = Math.ScaleB(prior[i, j], -exponent);
        return p;
    }

    /// <summary>BRD starts at the linear GCV minimum of the default range (its geometric weights undo the asymmetric decades).</summary>
    private static double BrdStart(double lo, double hi, TikhonovOptions options) =>
        options.AlphaMinimum is null
            ? Math.Pow(10, (options.DecadesAbove * Math.Log10(lo) + options.DecadesBelow * Math.Log10(hi)) / (options.DecadesAbove + options.DecadesBelow))
            : Math.Sqrt(lo * hi);

    /// <summary>The search range: the options' range, else decades around the linear GCV minimum.</summary>
    public static (double Minimum, double Maximum) Range(CompressedProblem problem, NonNegativeTikhonov solver, TikhonovOptions options)
    {
        if (options.AlphaMinimum is { } lo && options.AlphaMaximum is { } hi) return (lo, hi);
        var (smin, smax) = solver.SigmaRange;
        double a0 = AlphaSearch.LinearGcvMinimum(problem, Math.Max(smin * smin * 1e-2, smax * smax * 1e-30), smax * smax);
        // Data the kernels cannot fit (the Berea T1-T2 file on a T1 grid from 1 ms) can put the linear GCV minimum below
        // the smallest alpha the solver accepts; every point of the scan was then clamped to that one alpha and stalled
        // (misfit 3.3e4). Keep the range's width, starting no lower than the solver's minimum.
        double low = Math.Max(a0 * Math.Pow(10, -options.DecadesBelow), solver.MinimumAlpha);
        double high = Math.Max(a0 * Math.Pow(10, options.DecadesAbove), low * Math.Pow(10, options.DecadesBelow + options.DecadesAbove));
        return (low, high);
    }
}
