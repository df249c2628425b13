using NmrInversion.Engine.Metrics;
using NmrInversion.Plotting;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class ChiChartDataTests
{
    private static ChiReport R(string method, string preset, double? snr, double chi2D, double t1 = 1, double t2 = 1) =>
        new(method, preset, snr, chi2D, t1, t2);

    [Fact]
    public void PresetsAreInTableOrderAndMethodsInOrderOfAppearance()
    {
        var chart = ChiChartData.From(new[]
        {
            R("MTGV", "C", 100, 1), R("Tikhonov", "Random 3", 100, 2), R("Tikhonov", "A", 100, 3), R("U-Net", "H", 100, 4), R("MTGV", "a", 100, 5),
        }, ChiQuantity.Map2D);
        Assert.Equal(new[] { "C", "A", "H", "Random 3" }.OrderBy(p => p == "Random 3" ? 9 : "ACH".IndexOf(p)), chart.Presets);
        Assert.Equal(new[] { "MTGV", "Tikhonov", "U-Net" }, chart.Methods);
        Assert.Equal(5, chart.Values[0, 0]); // MTGV, A ("a" is the same preset)
        Assert.True(double.IsNaN(chart.Values[2, 0])); // no U-Net report for A
        Assert.Equal(100, chart.Snr);
    }

    [Fact]
    public void RepeatedReportsAreAveragedAndTheQuantityIsChosen()
    {
        var reports = new[] { R("Tikhonov", "A", 10, 1, t1: 0.2, t2: 7), R("Tikhonov", "A", 10, 3, t1: 0.4, t2: 9) };
        Assert.Equal(2, ChiChartData.From(reports, ChiQuantity.Map2D).Values[0, 0], 12);
        Assert.Equal(0.3, ChiChartData.From(reports, ChiQuantity.T1).Values[0, 0], 12);
        Assert.Equal(8, ChiChartData.From(reports, ChiQuantity.T2).Values[0, 0], 12);
        Assert.Equal("χ (T1)", ChiChartData.From(reports, ChiQuantity.T1).YLabel);
    }

    [Fact]
    public void BarsAreCentredOnTheirGroupAndRiseFromTheDecadeBelow()
    {
        var reports = new List<ChiReport>();
        foreach (var m in new[] { "Tikhonov", "MTGV", "U-Net" })
            foreach (var p in new[] { "A", "B" })
                reports.Add(R(m, p, 100, m == "MTGV" && p == "B" ? 0.03 : m == "U-Net" && p == "A" ? 4 : 0.5));
        var chart = ChiChartData.From(reports, ChiQuantity.Map2D);
        double w = ChiChartData.GroupWidth / 3;
        Assert.Equal(w, chart.BarWidth, 12);
        Assert.Equal(-2, chart.Log10Floor);
        Assert.Equal(1, chart.Log10Ceiling);
        var b = chart.Bars.Single(x => x.MethodIndex == 1 && x.PresetIndex == 1);
        Assert.Equal(1.0, b.Position, 12);
        Assert.Equal(Math.Log10(0.03), b.Log10Top, 12);
        Assert.Equal(0 - w, chart.Bars.Single(x => x.MethodIndex == 0 && x.PresetIndex == 0).Position, 12);
        Assert.Equal(1 + w, chart.Bars.Single(x => x.MethodIndex == 2 && x.PresetIndex == 1).Position, 12);
        Assert.Equal(6, chart.Bars.Count);
        Assert.Equal(new double[] { -2, -1, 0, 1 }, chart.YTicks.Where(t => t.IsMajor).Select(t => t.Position));
    }

    [Fact]
    public void AZeroChiIsAnEmptyBarAtTheFloor()
    {
        var chart = ChiChartData.From(new[] { R("Tikhonov", "A", null, 0), R("Tikhonov", "B", null, 0.5) }, ChiQuantity.Map2D);
        Assert.Equal(-1, chart.Log10Floor);
        Assert.Equal(chart.Log10Floor, chart.Bars[0].Log10Top);
    }

    [Fact]
    public void SeveralSnrsNeedAChoice()
    {
        var reports = new[] { R("Tikhonov", "A", 10, 1), R("Tikhonov", "A", 100, 2), R("MTGV", "A", 100, 3) };
        var e = Assert.Throws<NmrInputException>(() => ChiChartData.From(reports, ChiQuantity.Map2D));
        Assert.Equal("PlotSnrAmbiguous", e.ErrorId);
        Assert.Contains("10, 100", e.Message);
        var chart = ChiChartData.From(reports, ChiQuantity.Map2D, snr: 100);
        Assert.Equal(new[] { "Tikhonov", "MTGV" }, chart.Methods);
        Assert.Equal(2, chart.Values[0, 0]);
        Assert.Equal("PlotSnrNotFound", Assert.Throws<NmrInputException>(() => ChiChartData.From(reports, ChiQuantity.Map2D, snr: 1000)).ErrorId);
        Assert.Equal("PlotNothingToDraw", Assert.Throws<NmrInputException>(() => ChiChartData.From(Array.Empty<ChiReport>(), ChiQuantity.Map2D)).ErrorId);
    }
}
