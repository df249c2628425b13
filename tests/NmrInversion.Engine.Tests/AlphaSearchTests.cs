using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class AlphaSearchTests
{
    private static (Signal2D Signal, NonNegativeTikhonov Solver) Problem(string preset, double snr, int n = 32)
    {
        var r1 = RelaxationAxis.LogSpaced("T1", 1e-3, 1e1, n);
        var r2 = RelaxationAxis.LogSpaced("T2", 1e-4, 1e0, n);
        var a1 = AcquisitionAxis.LogSpaced("t1", 1e-3, 1e1, n);
        var a2 = AcquisitionAxis.LogSpaced("t2", 1e-4, 1e0, n);
        var s = ForwardModel.Simulate(Presets.Create(preset, r1, r2), KernelPair.PaperT1T2, a1, a2, snr, seed: 1);
        var problem = new CompressedProblem(s, new KernelSvdCache());
        return (s, new NonNegativeTikhonov(problem, problem.SignificantCoefficients(s.NoiseSigma!.Value)));
    }

    [Theory]
    [InlineData("D", 200)]
    [InlineData("G", 2000)]
    [InlineData("C", 20)]
    public void GcvChoiceIsTheMinimumOfABruteForceScan(string preset, double snr)
    {
        var (_, solver) = Problem(preset, snr);
        double lo = 1e-4, hi = 1e2;
        var (curve, chosen) = new AlphaSearch(solver).Gcv(lo, hi, count: 13);

        // Brute force: 121 alphas over the same range, each solved to the solver's tolerance, GCV from its definition.
        double bestAlpha = double.NaN, bestGcv = double.PositiveInfinity;
        TikhonovSolution? previous = null;
        for (int t = 120; t >= 0; t--)
        {
            double alpha = Math.Pow(10, Math.Log10(lo) + (Math.Log10(hi) - Math.Log10(lo)) * t / 120);
            var s = solver.Solve(alpha, previous);
            previous = s;
            double d = s.KeptCount - s.InfluenceTrace;
            double gcv = s.KeptCount * s.KeptResidualNormSquared / (d * d);
            if (gcv < bestGcv) { bestGcv = gcv; bestAlpha = alpha; }
        }
        Assert.Equal(chosen.Alpha, curve.Chosen.Alpha);
        // The search's minimum is at least as low as the scan's (it refines between scan points) ...
        Assert.True(chosen.Gcv <= bestGcv * (1 + 1e-6), $"search {chosen.Gcv:G8} at {chosen.Alpha:G4}, brute force {bestGcv:G8} at {bestAlpha:G4}");
        // ... and lies where the brute force says: within a tenth of a decade of the scan's best alpha.
        Assert.True(Math.Abs(Math.Log10(chosen.Alpha / bestAlpha)) <= 0.1, $"search at {chosen.Alpha:G4}, brute force at {bestAlpha:G4}");
        // Every point of the curve is the GCV score of its alpha.
        Assert.All(curve.Points, p => Assert.True(p.Score > 0 && p.Alpha >= lo / 10 && p.Alpha <= hi * 10));
    }

    [Theory]
    [InlineData("D", 200)]
    [InlineData("H", 2000)]
    public void PlateauToleranceTakesTheLargestSolvedAlphaWithinItOfTheMinimum(string preset, double snr)
    {
        var (_, solver) = Problem(preset, snr, n: 16);
        var plainSearch = new AlphaSearch(solver);
        var (plainCurve, plain) = plainSearch.Gcv(1e-4, 1e2, count: 13);
        Assert.Equal(plainCurve.Points.Min(p => p.Score), plainCurve.Chosen.Score);
        Assert.Equal(plain.Alpha, plainSearch.GcvMinimum!.Alpha);

        var search = new AlphaSearch(solver) { PlateauTolerance = 0.05 };
        var (curve, chosen) = search.Gcv(1e-4, 1e2, count: 13);
        // The scan is the same, so the minimum before the plateau rule is the plain search's choice.
        Assert.Equal(plain.Alpha, search.GcvMinimum!.Alpha);
        double limit = search.GcvMinimum.Gcv * 1.05;
        Assert.Equal(chosen.Alpha, curve.Chosen.Alpha);
        Assert.True(curve.Chosen.Score <= limit);
        Assert.True(chosen.Alpha >= plain.Alpha);
        Assert.DoesNotContain(curve.Points, p => p.Alpha > chosen.Alpha && p.Score <= limit);
        // The curve holds the plateau's bisection solves as well: it is at least as long as the plain one.
        Assert.True(curve.Points.Count >= plainCurve.Points.Count);
    }

    [Fact]
    public void GcvScanExtendsPastAnEdgeMinimum()
    {
        var (_, solver) = Problem("E", 200);
        // A range far above the minimum: the scan must walk down until the minimum is inside.
        var (curve, chosen) = new AlphaSearch(solver).Gcv(1e2, 1e4, count: 5);
        Assert.True(chosen.Alpha < 1e2, $"chosen {chosen.Alpha:G4}");
        Assert.True(curve.Points.Min(p => p.Alpha) < 1e2);
    }

    [Theory]
    [InlineData("B", 200)]
    [InlineData("F", 2000)]
    public void BrdStopsAtItsFixedPoint(string preset, double snr)
    {
        var (s, solver) = Problem(preset, snr);
        double sigma = s.NoiseSigma!.Value / solver.Scale;
        var (curve, chosen) = new AlphaSearch(solver).Brd(sigma, start: 1.0);
        // alpha = sqrt(N) sigma / ||x||  <=>  ||c - K~ f|| = sqrt(N) sigma
        double next = Math.Sqrt(chosen.KeptCount) * sigma / Math.Sqrt(chosen.Dual.Sum(v => v * v));
        Assert.True(Math.Abs(Math.Log10(next / chosen.Alpha)) < 2e-3, $"alpha {chosen.Alpha:G6}, BRD update {next:G6}");
        Assert.Equal("BRD", curve.Criterion);
        Assert.True(curve.Points.Count < 20);
    }

    [Fact]
    public void BrdWithoutNoiseLevelIsAnError()
    {
        var (_, solver) = Problem("A", 200);
        var e = Assert.Throws<NmrInputException>(() => new AlphaSearch(solver).Brd(double.NaN, 1.0));
        Assert.Equal("NoiseLevelUnknown", e.ErrorId);
    }

    [Fact]
    public void SCurveChoiceSitsAtTheHeel()
    {
        var (_, solver) = Problem("D", 200);
        var (curve, chosen) = new AlphaSearch(solver).SCurve(1e-5, 1e3, count: 17);
        // Slope of log residual against log alpha, measured independently around the chosen alpha.
        double h = 0.05;
        var below = solver.Solve(chosen.Alpha * Math.Pow(10, -h), chosen);
        var above = solver.Solve(chosen.Alpha * Math.Pow(10, h), chosen);
        double slope = (0.5 * Math.Log10(above.ResidualNormSquared) - 0.5 * Math.Log10(below.ResidualNormSquared)) / (2 * h);
        Assert.InRange(slope, 0.03, 0.3);
        Assert.Equal(AlphaSearch.SCurveSlope, curve.Chosen.Score, 12);
    }

    [Fact]
    public void LinearGcvMinimumMatchesTheUnconstrainedFilterFormula()
    {
        var (s, solver) = Problem("F", 200);
        var problem = solver.Problem;
        double alpha0 = AlphaSearch.LinearGcvMinimum(problem, 1e-6, 1e4);
        // GCV of the unconstrained Tikhonov solution computed from the distribution itself.
        double Gcv(double alpha)
        {
            double lambda = Math.Sqrt(alpha);
            var f = problem.FilteredEstimate(lambda);
            double rss = Math.Pow(problem.ResidualNorm(f), 2);
            double trace = 0;
            foreach (var sig in problem.Sigma) trace += sig * sig / (sig * sig + alpha);
            double m = s.Values.Length;
            return m * rss / Math.Pow(m - trace, 2);
        }
        double g0 = Gcv(alpha0);
        Assert.True(g0 <= Gcv(alpha0 * 1.2) && g0 <= Gcv(alpha0 / 1.2), "not a local minimum");
    }
}
