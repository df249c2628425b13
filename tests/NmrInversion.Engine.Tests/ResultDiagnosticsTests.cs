using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using Xunit;
using Xunit.Abstractions;

namespace NmrInversion.Engine.Tests;

/// <summary>
/// The checks every result gets: EdgeMass (more than 2% of the mass in the 2 outermost cells of an axis end, naming that
/// end), HighMisfit with its cause (edge, structured or white residual), MisfitBelowNoise and MisfitUnknown. Results
/// are built with a known map (<see cref="KnownResult"/>) so that the residual is exactly what the test puts there, and
/// real Tikhonov results are checked against the test's own reading of their maps and residuals.
/// </summary>
public class ResultDiagnosticsTests(ITestOutputHelper output)
{
    /// <summary>A result with a given map, residual norm, noise level and amplitude.</summary>
    private sealed class KnownResult(Distribution2D map, Signal2D signal, double residualNorm, double? noiseLevel, double amplitude = 1.0)
        : InversionResult("Known", map, signal, 0.0, residualNorm, noiseLevel, amplitude);

    private static readonly RelaxationAxis T2Grid = RelaxationAxis.LogSpaced("T2", 1e-4, 1, 16);
    private static readonly AcquisitionAxis EchoTrain = AcquisitionAxis.EchoTrain(1e-3, 64);

    /// <summary>A 1D map on <paramref name="grid"/>: the given cells hold the given masses, the rest is spread over cells 6..9.</summary>
    private static Distribution2D Map1D(RelaxationAxis grid, params (int Cell, double Mass)[] cells)
    {
        var v = new double[grid.Count, 1];
        double rest = 1 - cells.Sum(c => c.Mass);
        for (int i = 6; i <= 9; i++) v[i, 0] = rest / 4;
        foreach (var (cell, mass) in cells) v[cell, 0] += mass;
        return new Distribution2D(v, grid, RelaxationAxis.Single(), "map");
    }

    /// <summary>A signal that is exactly amplitude x K F plus <paramref name="residual"/> (same shape as the acquisition).</summary>
    private static Signal2D SignalOf(Distribution2D map, KernelPair kernels, AcquisitionAxis a1, AcquisitionAxis a2, double amplitude, double[,] residual, double? sigma)
    {
        var s = ForwardModel.Apply(map, kernels, a1, a2);
        for (int i = 0; i < s.GetLength(0); i++)
            for (int j = 0; j < s.GetLength(1); j++) s[i, j] = amplitude * s[i, j] + residual[i, j];
        return new Signal2D(s, a1, a2, kernels, map.Axis1, map.Axis2, sigma);
    }

    private static double Norm(double[,] e)
    {
        double s = 0;
        foreach (double v in e) s += v * v;
        return Math.Sqrt(s);
    }

    /// <summary>A result whose residual is exactly <paramref name="residual"/> and whose misfit is what that gives.</summary>
    private static KnownResult WithResidual(Distribution2D map, double[,] residual, double? noiseLevel)
    {
        var signal = SignalOf(map, KernelPair.For(Experiment.T2), EchoTrain, AcquisitionAxis.Single(), 1.0, residual, noiseLevel);
        return new KnownResult(map, signal, Norm(residual), noiseLevel);
    }

    private static double[,] Column(int n, Func<int, double> f)
    {
        var e = new double[n, 1];
        for (int i = 0; i < n; i++) e[i, 0] = f(i);
        return e;
    }

    private static KnownResult Clean(Distribution2D map) => WithResidual(map, new double[64, 1], 0.01);

    [Theory]
    [InlineData(0, 0.019, false)]
    [InlineData(0, 0.021, true)]
    [InlineData(1, 0.021, true)]
    [InlineData(2, 0.5, false)] // the third cell is not an edge cell
    [InlineData(15, 0.019, false)]
    [InlineData(15, 0.021, true)]
    [InlineData(14, 0.021, true)]
    [InlineData(13, 0.5, false)]
    public void EdgeMassWarnsExactlyWhenMoreThanTwoPercentSitInTheTwoOutermostCells(int cell, double mass, bool warns)
    {
        var result = Clean(Map1D(T2Grid, (cell, mass)));
        var edges = ResultDiagnostics.EdgeMass(result);
        Assert.Equal(warns ? 1 : 0, edges.Count);
        ResultDiagnostics.Check(result);
        Assert.Equal(warns, result.HasWarning("EdgeMass"));
        if (!warns) return;
        string message = edges[0].Message;
        output.WriteLine(message);
        Assert.Equal("EdgeMass", edges[0].Id);
        bool low = cell < 8;
        Assert.Contains(low ? "at the low end of T2" : "at the high end of T2", message);
        Assert.Contains(low ? "below 0.000341 s" : "above 0.293 s", message); // T2Grid[2] = 10^-3.467, T2Grid[13] = 10^-0.533
        Assert.Contains(low ? "faster than the first sample" : "run past the grid", message);
        Assert.Contains("-RelaxationAxis1", message);
    }

    [Fact]
    public void EdgeMassSplitOverBothEdgeCellsCountsTogether()
    {
        // 1.1% + 1.0% in cells 0 and 1: neither alone is over 2%, together they are.
        Assert.Single(ResultDiagnostics.EdgeMass(Clean(Map1D(T2Grid, (0, 0.011), (1, 0.010)))));
        Assert.Empty(ResultDiagnostics.EdgeMass(Clean(Map1D(T2Grid, (0, 0.010), (1, 0.009)))));
    }

    [Fact]
    public void EdgeMassReportsBothEndsOfAnAxis()
    {
        var edges = ResultDiagnostics.EdgeMass(Clean(Map1D(T2Grid, (0, 0.05), (15, 0.05))));
        Assert.Equal(2, edges.Count);
        Assert.Contains("low end of T2", edges[0].Message);
        Assert.Contains("high end of T2", edges[1].Message);
        // A result keeps one warning per id: the one EdgeMass warning on the result names both ends.
        var result = Clean(Map1D(T2Grid, (0, 0.05), (15, 0.05)));
        ResultDiagnostics.Check(result);
        var edge = Assert.Single(result.Warnings, w => w.Id == "EdgeMass");
        Assert.Contains("low end of T2", edge.Message);
        Assert.Contains("high end of T2", edge.Message);
    }

    [Theory]
    [InlineData(0, "at the low end of D", "run past the grid")]   // small D: the slowest decays, the long-time end
    [InlineData(15, "at the high end of D", "faster than the first sample")] // large D: gone by the first b
    public void EdgeMassOnADiffusionAxisNamesTheEndOfTheAxisTheMassIsAt(int cell, string where, string cause)
    {
        var grid = RelaxationAxis.LogSpaced("D", 1e-12, 1e-8, 16);
        var b = AcquisitionAxis.DefaultB(64);
        var map = Map1D(grid, (cell, 0.05));
        var signal = SignalOf(map, KernelPair.For(Experiment.D), b, AcquisitionAxis.Single(), 1.0, new double[64, 1], 0.01);
        var edge = Assert.Single(ResultDiagnostics.EdgeMass(new KnownResult(map, signal, 0.0, 0.01)));
        output.WriteLine(edge.Message);
        Assert.Contains(where, edge.Message);
        Assert.Contains(cause, edge.Message);
    }

    [Fact]
    public void EdgeMassAtTheShortEndOfAnInversionRecoveryPointsToTheInversionEfficiency()
    {
        var grid = RelaxationAxis.LogSpaced("T1", 1e-4, 10, 16);
        var t1 = AcquisitionAxis.LogSpaced("t1", 1e-3, 10, 16);
        var map = Map1D(grid, (0, 0.05));
        var signal = SignalOf(map, KernelPair.For(Experiment.T1), t1, AcquisitionAxis.Single(), 1.0, new double[16, 1], 0.01);
        var edge = Assert.Single(ResultDiagnostics.EdgeMass(new KnownResult(map, signal, 0.0, 0.01)));
        Assert.Contains("low end of T1", edge.Message);
        Assert.Contains("-EstimateInversionEfficiency", edge.Message);
    }

    [Fact]
    public void EdgeMassOfA2DMapReadsEachAxisFromItsMarginal()
    {
        var r1 = RelaxationAxis.LogSpaced("T1", 1e-3, 10, 16);
        var r2 = RelaxationAxis.LogSpaced("T2", 1e-4, 1, 16);
        var v = new double[16, 16];
        for (int i = 6; i <= 9; i++)
            for (int j = 6; j <= 9; j++) v[i, j] = 0.96 / 16;
        // 3% along the last T2 row, spread over every T1 cell: no T1 cell holds much, the T2 end does. And 1% at the
        // first T1 column: under the limit.
        for (int i = 0; i < 16; i++) v[i, 15] += 0.03 / 16;
        for (int j = 0; j < 16; j++) v[0, j] += 0.01 / 16;
        var map = new Distribution2D(v, r1, r2, "map");
        var a1 = AcquisitionAxis.PaperT1(8);
        var a2 = AcquisitionAxis.PaperT2(8);
        var signal = SignalOf(map, KernelPair.PaperT1T2, a1, a2, 1.0, new double[8, 8], 0.01);
        var edges = ResultDiagnostics.EdgeMass(new KnownResult(map, signal, 0.0, 0.01));
        var edge = Assert.Single(edges);
        Assert.Contains("high end of T2", edge.Message);
        Assert.Contains("-RelaxationAxis2", edge.Message);
        // Marginal fraction at the T2 end: 3% + the first column's share of it (2/16 of 1%).
        Assert.Contains((0.03 + 0.01 * 2 / 16).ToString("P1", System.Globalization.CultureInfo.InvariantCulture), edge.Message);
    }

    [Fact]
    public void ARealInversionOfATruthAtTheGridEdgeWarnsAtThatEndOnly()
    {
        // A T2 peak centred on the grid's first cell: about half of it is on the grid, all of that near the low end.
        var grid = RelaxationAxis.LogSpaced("T2", 1e-3, 1, 32);
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-3, 0.25, 0, 1) }, grid, RelaxationAxis.Single());
        var signal = ForwardModel.Simulate(truth, KernelPair.For(Experiment.T2), AcquisitionAxis.EchoTrain(2e-4, 256), AcquisitionAxis.Single(), 1000, 4);
        var result = TikhonovInversion.Invert(signal);
        var p = result.Distribution.Projection1();
        double low = (p[0] + p[1]) / p.Sum(), high = (p[^1] + p[^2]) / p.Sum();
        output.WriteLine($"edge fractions {low:G4} {high:G4}; {string.Join(" | ", result.Warnings)}");
        Assert.True(low > 0.02, $"the reconstruction's low-end fraction is {low:G4}");
        Assert.True(result.HasWarning("EdgeMass"));
        var edges = ResultDiagnostics.EdgeMass(result);
        Assert.Equal(high > 0.02 ? 2 : 1, edges.Count);
        Assert.Contains("low end of T2", edges[0].Message);

        // The same peak in the middle of the grid: no edge warning, and the test's own fractions agree.
        var centred = Distribution2D.FromComponents(new[] { new LognormalComponent(-1.5, 0.15, 0, 1) }, grid, RelaxationAxis.Single());
        var inside = TikhonovInversion.Invert(ForwardModel.Simulate(centred, KernelPair.For(Experiment.T2), AcquisitionAxis.EchoTrain(2e-4, 256), AcquisitionAxis.Single(), 1000, 4));
        var q = inside.Distribution.Projection1();
        Assert.True((q[0] + q[1]) / q.Sum() <= 0.02 && (q[^1] + q[^2]) / q.Sum() <= 0.02);
        Assert.False(inside.HasWarning("EdgeMass"));
    }

    [Fact]
    public void ResidualCorrelationIsTheLagOneSumOverTheEnergy()
    {
        var map = Map1D(T2Grid);
        // Constant residual c: sum e_k e_k+1 / sum e_k^2 = (n - 1) c^2 / (n c^2).
        Assert.Equal(63.0 / 64, ResultDiagnostics.ResidualCorrelation(WithResidual(map, Column(64, _ => 0.02), 0.01)), 12);
        // Alternating residual: -(n - 1) / n.
        Assert.Equal(-63.0 / 64, ResultDiagnostics.ResidualCorrelation(WithResidual(map, Column(64, k => k % 2 == 0 ? 0.02 : -0.02), 0.01)), 12);
        // A cosine of period 8 (64 points, 8 whole periods): the lag-one sum is cos(2 pi / 8) times the energy, less the
        // missing last pair e_63 e_64 = cos(2 pi 63 / 8) cos(2 pi 64 / 8) over the energy n / 2.
        double w = 2 * Math.PI / 8;
        double expected = (Enumerable.Range(0, 63).Sum(k => Math.Cos(w * k) * Math.Cos(w * (k + 1)))) / 32;
        Assert.Equal(Math.Cos(w) - Math.Cos(w * 63) / 32, expected, 12);
        Assert.Equal(expected, ResultDiagnostics.ResidualCorrelation(WithResidual(map, Column(64, k => 0.02 * Math.Cos(w * k)), 0.01)), 12);
        // No residual: 0.
        Assert.Equal(0, ResultDiagnostics.ResidualCorrelation(WithResidual(map, new double[64, 1], 0.01)));
    }

    [Fact]
    public void ResidualCorrelationOfA2DResultIsTheLargerOfItsTwoDirections()
    {
        var r1 = RelaxationAxis.LogSpaced("T1", 1e-3, 10, 16);
        var r2 = RelaxationAxis.LogSpaced("T2", 1e-4, 1, 16);
        var map = Distribution2D.FromComponents(new[] { new LognormalComponent(-1, 0.2, -2, 0.2) }, r1, r2);
        var a1 = AcquisitionAxis.PaperT1(10);
        var a2 = AcquisitionAxis.PaperT2(12);
        // Alternating along t1 (-(m1 - 1) / m1 = -0.9), constant along t2 ((m2 - 1) / m2 = 11 / 12).
        var e = new double[10, 12];
        for (int i = 0; i < 10; i++)
            for (int j = 0; j < 12; j++) e[i, j] = i % 2 == 0 ? 0.01 : -0.01;
        var signal = SignalOf(map, KernelPair.PaperT1T2, a1, a2, 3.0, e, 0.01);
        var result = new KnownResult(map, signal, Norm(e), 0.01, amplitude: 3.0);
        Assert.Equal(11.0 / 12, ResultDiagnostics.ResidualCorrelation(result), 12);
        // Transposed: constant along t1, alternating along t2.
        for (int i = 0; i < 10; i++)
            for (int j = 0; j < 12; j++) e[i, j] = j % 2 == 0 ? 0.01 : -0.01;
        signal = SignalOf(map, KernelPair.PaperT1T2, a1, a2, 3.0, e, 0.01);
        Assert.Equal(9.0 / 10, ResultDiagnostics.ResidualCorrelation(new KnownResult(map, signal, Norm(e), 0.01, amplitude: 3.0)), 12);
    }

    [Fact]
    public void AStructuredResidualIsCalledStructured()
    {
        // A slow sine over the echo train, 3 times the noise level in rms: misfit 3, lag-one correlation near 1.
        var e = Column(64, k => 0.03 * Math.Sqrt(2) * Math.Sin(2 * Math.PI * (k + 0.5) / 64));
        var result = WithResidual(Map1D(T2Grid), e, 0.01);
        Assert.Equal(3.0, result.Misfit, 6);
        ResultDiagnostics.Check(result);
        var w = Assert.Single(result.Warnings);
        output.WriteLine(w.Message);
        Assert.Equal("HighMisfit", w.Id);
        Assert.StartsWith("The residual is 3 times the noise level per point.", w.Message);
        Assert.Contains("The residual is structured", w.Message);
        Assert.DoesNotContain("incomplete inversion", w.Message); // that hint is for inversion recovery
    }

    [Fact]
    public void ADecayWithAnOffsetTheKernelCannotFitGivesAStructuredHighMisfit()
    {
        // A T2 decay sitting on a negative baseline (-5% of its start): no non-negative sum of decays fits a curve that
        // ends below zero, so the Tikhonov residual keeps that shape.
        var grid = RelaxationAxis.LogSpaced("T2", 1e-4, 1, 32);
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-1.7, 0.15, 0, 1) }, grid, RelaxationAxis.Single());
        var clean = ForwardModel.Simulate(truth, KernelPair.For(Experiment.T2), AcquisitionAxis.EchoTrain(1e-3, 128), AcquisitionAxis.Single(), 500, 11);
        var v = (double[,])clean.Values.Clone();
        for (int i = 0; i < v.GetLength(0); i++) v[i, 0] -= 0.05;
        var signal = new Signal2D(v, clean.Axis1, clean.Axis2, clean.Kernels, grid, RelaxationAxis.Single(), clean.NoiseSigma);
        var result = TikhonovInversion.Invert(signal);
        double rho = ResultDiagnostics.ResidualCorrelation(result);
        output.WriteLine($"misfit {result.Misfit:G4}, rho {rho:G3}: {string.Join(" | ", result.Warnings)}");
        Assert.True(rho > ResultDiagnostics.StructuredResidual, $"lag-one correlation {rho:G3}");
        Assert.True(result.Misfit > ResultDiagnostics.MisfitLimit);
        Assert.False(result.HasWarning("EdgeMass"), "the offset should not have been pushed to an edge");
        Assert.Contains("The residual is structured", Assert.Single(result.Warnings, x => x.Id == "HighMisfit").Message);

        // The same with an inversion-recovery kernel mentions the inversion efficiency.
        var irMap = Map1D(RelaxationAxis.LogSpaced("T1", 1e-4, 10, 16));
        var irResidual = Column(16, _ => 0.03);
        var irSignal = SignalOf(irMap, KernelPair.For(Experiment.T1), AcquisitionAxis.LogSpaced("t1", 1e-3, 10, 16), AcquisitionAxis.Single(), 1.0, irResidual, 0.01);
        var ir = new KnownResult(irMap, irSignal, Norm(irResidual), 0.01);
        ResultDiagnostics.Check(ir);
        Assert.Contains("-EstimateInversionEfficiency", Assert.Single(ir.Warnings).Message);
    }

    [Fact]
    public void AnUnderstatedNoiseLevelOnWhiteNoiseIsCalledWhite()
    {
        // A clean fit plus white noise of sd 0.02, reported with a noise level of 0.01 (half the truth).
        var rng = new Random(5);
        var e = Column(64, _ => 0.02 * NoiseModel.NextGaussian(rng));
        var result = WithResidual(Map1D(T2Grid), e, 0.01);
        double rho = ResultDiagnostics.ResidualCorrelation(result);
        Assert.True(Math.Abs(rho) < ResultDiagnostics.StructuredResidual, $"white noise has lag-one correlation {rho:G3}");
        Assert.InRange(result.Misfit, 1.6, 2.5);
        ResultDiagnostics.Check(result);
        var w = Assert.Single(result.Warnings);
        output.WriteLine(w.Message);
        Assert.Equal("HighMisfit", w.Id);
        Assert.Contains("looks like white noise", w.Message);
        Assert.Contains("the noise level 0.01 is probably understated", w.Message);

        // A real Tikhonov fit of a signal whose stated noise level is half the noise it carries.
        var grid = RelaxationAxis.LogSpaced("T2", 1e-4, 1, 32);
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-1.5, 0.2, 0, 1) }, grid, RelaxationAxis.Single());
        var simulated = ForwardModel.Simulate(truth, KernelPair.For(Experiment.T2), AcquisitionAxis.EchoTrain(1e-3, 256), AcquisitionAxis.Single(), 200, 8);
        var understated = new Signal2D(simulated.Values, simulated.Axis1, simulated.Axis2, simulated.Kernels, grid, RelaxationAxis.Single(), simulated.NoiseSigma / 2);
        var real = TikhonovInversion.Invert(understated);
        output.WriteLine($"misfit {real.Misfit:G4}, rho {ResultDiagnostics.ResidualCorrelation(real):G3}: {string.Join(" | ", real.Warnings)}");
        Assert.InRange(real.Misfit, 1.7, 2.3);
        Assert.Contains("looks like white noise", Assert.Single(real.Warnings, x => x.Id == "HighMisfit").Message);
    }

    [Fact]
    public void EdgeMassIsNamedAsTheCauseOfAHighMisfit()
    {
        var result = WithResidual(Map1D(T2Grid, (0, 0.1)), Column(64, _ => 0.03), 0.01);
        ResultDiagnostics.Check(result);
        Assert.True(result.HasWarning("EdgeMass"));
        Assert.Contains("Mass sits at a grid edge", Assert.Single(result.Warnings, w => w.Id == "HighMisfit").Message);
    }

    [Theory]
    [InlineData(0.5, "MisfitBelowNoise")]
    [InlineData(0.79, "MisfitBelowNoise")]
    [InlineData(0.81, null)]
    [InlineData(1.0, null)]
    [InlineData(1.49, null)]
    [InlineData(1.51, "HighMisfit")]
    public void TheMisfitIsJudgedAgainstItsLimits(double misfit, string? id)
    {
        // White residual of rms `misfit` x the noise level 0.01 (alternating signs keep it exact).
        var e = Column(64, k => (k % 2 == 0 ? 1 : -1) * 0.01 * misfit);
        var result = WithResidual(Map1D(T2Grid), e, 0.01);
        Assert.Equal(misfit, result.Misfit, 9);
        ResultDiagnostics.Check(result);
        if (id is null) Assert.Empty(result.Warnings);
        else Assert.Equal(id, Assert.Single(result.Warnings).Id);
        if (id == "MisfitBelowNoise") Assert.Contains("the noise level 0.01 is overstated", result.Warnings[0].Message);
    }

    [Fact]
    public void AGivenCauseReplacesTheAnalysisAndAGivenLimitTheDefault()
    {
        var e = Column(64, k => (k % 2 == 0 ? 1 : -1) * 0.02);
        var result = WithResidual(Map1D(T2Grid), e, 0.01);
        ResultDiagnostics.Check(result, misfitLimit: 3, misfitCause: "The signal is unlike the training data.");
        Assert.Empty(result.Warnings);
        ResultDiagnostics.Check(result, misfitLimit: 1.9, misfitCause: "The signal is unlike the training data.");
        Assert.Equal("The residual is 2 times the noise level per point. The signal is unlike the training data.", Assert.Single(result.Warnings).Message);
        // With a cause given, a low misfit says nothing (the network's misfit is not a fit to the noise).
        var low = WithResidual(Map1D(T2Grid), Column(64, k => (k % 2 == 0 ? 1 : -1) * 0.002), 0.01);
        ResultDiagnostics.Check(low, misfitCause: "x");
        Assert.Empty(low.Warnings);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.0)]
    public void WithoutANoiseLevelTheMisfitIsUnknown(double? noise)
    {
        var e = Column(64, k => (k % 2 == 0 ? 1 : -1) * 0.5);
        var result = WithResidual(Map1D(T2Grid), e, noise);
        Assert.True(double.IsNaN(result.Misfit));
        ResultDiagnostics.Check(result);
        var w = Assert.Single(result.Warnings);
        Assert.Equal("MisfitUnknown", w.Id);
        Assert.Contains("-NoiseSigma", w.Message);
        // Edge mass is still checked.
        var edged = WithResidual(Map1D(T2Grid, (15, 0.1)), e, noise);
        ResultDiagnostics.Check(edged);
        Assert.Equal(new[] { "EdgeMass", "MisfitUnknown" }, edged.Warnings.Select(x => x.Id));
    }
}
