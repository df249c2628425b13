using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;
using NmrInversion.Plotting;
using Xunit;

namespace NmrInversion.Engine.Tests;

/// <summary>The fit figure's data: residuals in sigma against an independent forward model, axis scales and ranges, search panels.</summary>
public class FitDataTests
{
    private static Signal2D T1T2Signal(int seed = 1)
    {
        var truth = Presets.Create("A", RelaxationAxis.PaperT1(24), RelaxationAxis.PaperT2(24));
        return ForwardModel.Simulate(truth, KernelPair.PaperT1T2, AcquisitionAxis.PaperT1(20), AcquisitionAxis.EchoTrain(2e-3, 120), 100, seed);
    }

    private static Signal2D T2Decay()
    {
        var t2 = RelaxationAxis.LogSpaced("T2", 1e-3, 10, 40);
        var values = new double[40, 1];
        values[22, 0] = 1; // one sharp component at T2 = 10^(-3 + 22 * 4/39) s
        var truth = new Distribution2D(values, t2, RelaxationAxis.Single(), "one T2");
        return ForwardModel.Simulate(truth, KernelPair.For(Experiment.T2), AcquisitionAxis.EchoTrain(1e-3, 600), AcquisitionAxis.Single(), 200, 4);
    }

    /// <summary>Amplitude * sum_kl K1(t1_i, T1_k) F[k, l] K2(t2_j, T2_l), from the kernel functions themselves.</summary>
    private static double[,] ForwardByHand(InversionResult r)
    {
        var s = r.Signal;
        var f = r.Distribution.Values;
        var kp = s.Kernels;
        var t1 = s.Axis1.Values;
        var t2 = s.Axis2.Values;
        var T1 = r.Distribution.Axis1.Values;
        var T2 = r.Distribution.Axis2.Values;
        var fit = new double[t1.Length, t2.Length];
        for (int i = 0; i < t1.Length; i++)
            for (int j = 0; j < t2.Length; j++)
            {
                double sum = 0;
                for (int k = 0; k < T1.Length; k++)
                {
                    double k1 = Kernel.Evaluate(kp.Kernel1, t1[i], T1[k], kp.EfficiencyOf(1));
                    for (int l = 0; l < T2.Length; l++) sum += k1 * f[k, l] * Kernel.Evaluate(kp.Kernel2, t2[j], T2[l], kp.EfficiencyOf(2));
                }
                fit[i, j] = r.Amplitude * sum;
            }
        return fit;
    }

    [Fact]
    public void ResidualMapIsDataMinusTheForwardModelOverSigma()
    {
        var signal = T1T2Signal();
        var result = TikhonovInversion.Invert(signal, new TikhonovOptions { Alpha = 1e-3 });
        var fit = FitData.From(result);
        var byHand = ForwardByHand(result);
        double sigma = result.NoiseLevel!.Value;
        Assert.Equal(sigma, fit.Sigma!.Value);
        double sumSquares = 0;
        for (int i = 0; i < 20; i++)
            for (int j = 0; j < 120; j++)
            {
                double expected = (signal.Values[i, j] - byHand[i, j]) / sigma;
                Assert.Equal(expected, fit.Residual[i, j], 8);
                sumSquares += expected * expected;
            }
        // The panel's residual and the result's misfit are the same number: sqrt(mean r^2) = ||S - fit|| / (sigma sqrt N).
        Assert.Equal(result.Misfit, Math.Sqrt(sumSquares / (20 * 120)), 6);
        // Rows are S[i, .] along t2 at the chosen rows; columns S[., j] along t1.
        foreach (var row in fit.Rows)
            for (int j = 0; j < 120; j++)
            {
                Assert.Equal(signal.Values[row.Index, j], row.Data[j]);
                Assert.Equal((signal.Values[row.Index, j] - byHand[row.Index, j]) / sigma, row.Residual[j], 8);
            }
        foreach (var column in fit.Columns)
            for (int i = 0; i < 20; i++) Assert.Equal(byHand[i, column.Index], column.Fit[i], 6);
    }

    [Fact]
    public void AcquisitionAxesAreDrawnLogForDelaysAndLinearForEchoTrains()
    {
        var fit = FitData.From(TikhonovInversion.Invert(T1T2Signal(), new TikhonovOptions { Alpha = 1e-3 }));
        Assert.Equal(AxisScale.Log, fit.Scale1.Scale);
        Assert.Equal(AxisScale.Linear, fit.Scale2!.Scale);
        // t1: 1e-3..10 s, log10 coordinates -3..1, cells half a step (4/19/2) beyond.
        Assert.Equal(-3, fit.Scale1.Minimum, 12);
        Assert.Equal(1, fit.Scale1.Maximum, 12);
        Assert.Equal(-3 - 2.0 / 19, fit.Scale1.Edges.Minimum, 12);
        Assert.Equal(1 + 2.0 / 19, fit.Scale1.Edges.Maximum, 12);
        Assert.NotNull(fit.Scale1.Ticks);
        // t2: 2 ms .. 240 ms echo train, drawn in seconds.
        Assert.Equal(2e-3, fit.Scale2.Minimum, 15);
        Assert.Equal(0.24, fit.Scale2.Maximum, 15);
        Assert.Null(fit.Scale2.Ticks);
        // A linear list from 1 to 100: 9 of its 100 points lie below the geometric middle 10.
        Assert.False(AcquisitionScale.LooksLogarithmic(Enumerable.Range(1, 100).Select(v => v * 1e-2).ToArray()));
        Assert.False(AcquisitionScale.LooksLogarithmic(new[] { 1.0, 2, 3 }), "a factor of 3 is not a log range");
        Assert.True(AcquisitionScale.LooksLogarithmic(Axis.LogSpace(1e-4, 1, 7)));
    }

    [Fact]
    public void ColumnsOfAnEchoTrainAreWhereTheDecayHasHalvedQuarteredAndEighthed()
    {
        // envelope exp(-t / T), t_k = (k + 1) dt: it first drops to f of its first value at k = ceil(T ln(1/f) / dt).
        double dt = 1e-3, T = 0.05;
        var axis = AcquisitionAxis.EchoTrain(dt, 400);
        var envelope = axis.Values.Select(t => Math.Exp(-t / T)).ToArray();
        var picked = FitData.PickIndices(AcquisitionScale.Of(axis), envelope);
        var expected = new[] { 0 }.Concat(new[] { 0.5, 0.25, 0.125 }.Select(f => (int)Math.Ceiling(T * Math.Log(1 / f) / dt - 1e-9))).ToArray();
        Assert.Equal(expected, picked);
        // A log axis: evenly spaced indices with both ends.
        var delays = AcquisitionAxis.PaperT1(16);
        Assert.Equal(new[] { 0, 5, 10, 15 }, FitData.PickIndices(AcquisitionScale.Of(delays), new double[16]));
    }

    [Fact]
    public void OneDimensionalFitKeepsTheWholeCurveAndItsResidualRange()
    {
        var signal = T2Decay();
        var result = TikhonovInversion.Invert(signal);
        var fit = FitData.From(result);
        Assert.True(fit.IsOneDimensional);
        var trace = Assert.Single(fit.Rows);
        Assert.Empty(fit.Columns);
        Assert.Equal(signal.Axis1.Values, trace.X);
        var byHand = ForwardByHand(result);
        double sigma = result.NoiseLevel!.Value;
        for (int i = 0; i < 600; i++) Assert.Equal((signal.Values[i, 0] - byHand[i, 0]) / sigma, trace.Residual[i], 8);
        // At most 0.5 % of the residuals lie beyond the axis, and Outside counts exactly those.
        int beyond = trace.Residual.Count(r => Math.Abs(r) > fit.ResidualLimit);
        Assert.Equal(beyond, fit.Outside);
        Assert.True(beyond <= 3, $"{beyond} of 600 beyond {fit.ResidualLimit}");
        Assert.True(fit.ResidualLimit >= FitData.MinimumResidualLimit);
        // The histogram is a density over the points inside: it integrates to their share of all points.
        var (centres, density, width) = fit.Histogram(30);
        Assert.Equal(30, centres.Length);
        Assert.Equal(-fit.ResidualLimit + width / 2, centres[0], 12);
        Assert.Equal((600.0 - beyond) / 600, density.Sum() * width, 10);
    }

    [Fact]
    public void TikhonovSearchPanelsMarkTheChosenAlphaAndTheMisfitOfEachAlpha()
    {
        var signal = T1T2Signal(2);
        var result = TikhonovInversion.Invert(signal);
        var panels = FitData.From(result).Search;
        Assert.Equal(2, panels.Count);
        var curve = result.SearchCurve;
        var gcv = panels[0];
        Assert.Equal(Math.Log10(curve.Chosen.Alpha), gcv.ChosenX, 12);
        Assert.Equal(gcv.LogY ? Math.Log10(curve.Chosen.Score) : curve.Chosen.Score, gcv.ChosenY, 12);
        var series = Assert.Single(gcv.Series);
        Assert.Equal(curve.Points.Count, series.X.Length);
        Assert.Equal(curve.Points.Select(p => Math.Log10(p.Alpha)).OrderBy(x => x), series.X);
        Assert.InRange(gcv.ChosenX, gcv.XRange.Minimum, gcv.XRange.Maximum);
        Assert.True(series.Y.All(y => y >= gcv.YRange.Minimum && y <= gcv.YRange.Maximum));

        var misfit = panels[1];
        double scale = 1 / (result.NoiseLevel!.Value * Math.Sqrt(20 * 120));
        var expected = curve.Points.OrderBy(p => p.Alpha).Select(p => p.ResidualNorm * scale).ToArray();
        var drawn = misfit.Series[0].Y.Select(y => misfit.LogY ? Math.Pow(10, y) : y).ToArray();
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], drawn[k], 9);
        Assert.Equal(misfit.LogY ? 0 : 1, misfit.ReferenceY!.Value, 12);
    }

    [Fact]
    public void MtgvAtAFixedBetaShowsOnlyItsAlphaCurve()
    {
        var result = MtgvInversion.Invert(T1T2Signal(3), new MtgvOptions { Beta = 2, MaxIterations = 400 });
        var panels = SearchPanel.For(result);
        var panel = Assert.Single(panels);
        Assert.StartsWith("GCV search of α", panel.Title);
        var chosen = result.AlphaCurves[SearchPanel.ChosenAlphaCurve(result)].Chosen;
        Assert.Equal(Math.Log10(chosen.Alpha), panel.ChosenX, 12);
        Assert.Contains("β = 2 (fixed)", Hyperparameters.Of(result).Text);
        Assert.Contains("α = ", FitData.From(result).DefaultTitle);
    }

    [Fact]
    public void AFixedAlphaHasNoSearchPanel()
    {
        var result = TikhonovInversion.Invert(T1T2Signal(), new TikhonovOptions { Alpha = 0.01 });
        Assert.Empty(SearchPanel.For(result));
        Assert.Equal("α = 0.01 (fixed)", Hyperparameters.Of(result).Text);
    }
}
