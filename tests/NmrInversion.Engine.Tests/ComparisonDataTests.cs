using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Metrics;
using NmrInversion.Engine.Signals;
using NmrInversion.Plotting;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class ComparisonDataTests
{
    /// <summary>A stand-in for a method's result: the "reconstruction" is another preset.</summary>
    private sealed class FakeResult : InversionResult
    {
        public FakeResult(string method, Distribution2D reconstruction, Signal2D signal)
            : base(method, reconstruction, signal, 0.1, 1.0, signal.NoiseSigma, 1.0) { }
    }

    private static readonly RelaxationAxis T1 = RelaxationAxis.PaperT1(16);
    private static readonly RelaxationAxis T2 = RelaxationAxis.PaperT2(16);

    private static Signal2D SignalOf(Distribution2D truth) =>
        ForwardModel.Simulate(truth, KernelPair.PaperT1T2, AcquisitionAxis.LogSpaced("t1", 1e-3, 10, 8), AcquisitionAxis.LogSpaced("t2", 1e-4, 1, 8), 100, seed: 3);

    [Fact]
    public void EachReconstructionIsTitledWithItsChiAgainstTheTruth()
    {
        var a = Presets.Create("A", T1, T2);
        var b = Presets.Create("B", T1, T2);
        var g = Presets.Create("G", T1, T2);
        var signal = SignalOf(a);
        var rows = ComparisonData.Build(new[]
        {
            Reconstruction.Of(new FakeResult("Tikhonov", b, signal)),
            Reconstruction.Of(new FakeResult("MTGV", g, signal)),
        });
        var row = Assert.Single(rows);
        Assert.Equal(3, row.Panels.Count);
        Assert.Equal("Truth A", row.Panels[0].Title);
        Assert.Null(row.Panels[0].Chi);
        Assert.Same(b, row.Panels[1].Distribution);
        var expected = ChiMetric.Compare(a, b);
        Assert.Equal(expected.Chi2D, row.Panels[1].Chi!.Chi2D, 12);
        Assert.Equal($"Tikhonov  χ = {expected.Chi2D.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}", row.Panels[1].Title);
        Assert.True(row.Panels[2].Chi!.Chi2D > row.Panels[1].Chi!.Chi2D, "G is farther from A than B is");
    }

    [Fact]
    public void EqualTruthsShareARowAndDifferentTruthsGetTheirOwn()
    {
        var rows = ComparisonData.Build(new[]
        {
            new Reconstruction("Tikhonov", Presets.Create("B", T1, T2), Presets.Create("A", T1, T2)),
            new Reconstruction("Tikhonov", Presets.Create("C", T1, T2), Presets.Create("H", T1, T2)),
            new Reconstruction("MTGV", Presets.Create("C", T1, T2), Presets.Create("A", T1, T2)),
        });
        Assert.Equal(new[] { "A", "H" }, rows.Select(r => r.Truth.Name));
        Assert.Equal(3, rows[0].Panels.Count);
        Assert.Equal(2, rows[1].Panels.Count);
    }

    [Fact]
    public void MoreThanFourMethodsPerTruthAreRefused()
    {
        var a = Presets.Create("A", T1, T2);
        Assert.Equal(5, ComparisonData.Build(new[] { "B", "C", "D", "E" }.Select(p => new Reconstruction(p, Presets.Create(p, T1, T2), a)))[0].Panels.Count);
        var items = new[] { "B", "C", "D", "E", "F" }.Select(p => new Reconstruction(p, Presets.Create(p, T1, T2), a));
        Assert.Equal("PlotTooManyMethods", Assert.Throws<NmrInputException>(() => ComparisonData.Build(items)).ErrorId);
    }

    [Fact]
    public void AResultWithoutTruthNeedsAReference()
    {
        var a = Presets.Create("A", T1, T2);
        var measured = SignalOf(a);
        var noTruth = new Signal2D(measured.Values, measured.Axis1, measured.Axis2, measured.Kernels, T1, T2, null, null, null, "measured", null);
        var result = new FakeResult("Tikhonov", Presets.Create("B", T1, T2), noTruth);
        Assert.Equal("ReferenceMissing", Assert.Throws<NmrInputException>(() => Reconstruction.Of(result)).ErrorId);
        Assert.Same(a, Reconstruction.Of(result, a).Truth);
    }

    [Fact]
    public void DifferentGridsCannotBeCompared()
    {
        var items = new[] { new Reconstruction("Tikhonov", Presets.Create("B"), Presets.Create("A", T1, T2)) };
        Assert.Equal("ChiGridMismatch", Assert.Throws<NmrInputException>(() => ComparisonData.Build(items)).ErrorId);
    }

    [Fact]
    public void AResultsPanelSaysWhichAlphaItUsed()
    {
        var truth = Presets.Create("A", T1, T2);
        var result = TikhonovInversion.Invert(SignalOf(truth), new TikhonovOptions { Alpha = 0.01 });
        var rows = ComparisonData.Build(new[] { Reconstruction.Of(result) });
        var title = rows[0].Panels[1].Title;
        Assert.StartsWith("Tikhonov  χ = ", title);
        Assert.EndsWith("\nα = 0.01 (fixed)", title);
        Assert.DoesNotContain("\n", rows[0].Panels[0].Title);
    }
}
