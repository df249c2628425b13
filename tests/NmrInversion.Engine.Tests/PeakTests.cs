using NmrInversion.Engine.Analysis;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using Xunit;

namespace NmrInversion.Engine.Tests;

/// <summary>What a peak reports by its axes: the T1/T2 ratio of T1-T2 maps only, and T1, T2 and D positions by axis name.</summary>
public class PeakTests
{
    private static Peak PeakOf(string axis1, string axis2, double p1, double? p2) =>
        new(1, "map", axis1, axis2, p1, p2, Math.Log10(p1), p2 is { } v ? Math.Log10(v) : null, 0.1, p2 is null ? null : 0.1, 1, 1, 1);

    private static Peak Found(string name1, double lo1, double hi1, string name2, double lo2, double hi2, double logMean1, double logMean2)
    {
        var a1 = RelaxationAxis.LogSpaced(name1, lo1, hi1, 32);
        var a2 = RelaxationAxis.LogSpaced(name2, lo2, hi2, 32);
        var d = Distribution2D.FromComponents(new[] { new LognormalComponent(logMean1, 0.1, logMean2, 0.1) }, a1, a2);
        return Assert.Single(PeakFinder.Find(d));
    }

    [Fact]
    public void AT1T2PeakHasTheRatioOfItsPositions()
    {
        var p = PeakOf("T1", "T2", 0.2, 0.05);
        Assert.Equal(4.0, p.Ratio!.Value, 12);
        Assert.Equal(0.2, p.T1);
        Assert.Equal(0.05, p.T2);
        Assert.Null(p.D);
        // From a map: a peak at T1 10^-1, T2 10^-2 has T1/T2 = 10 (to the accuracy of its log means).
        var found = Found("T1", 1e-3, 10, "T2", 1e-4, 1, -1, -2);
        Assert.Equal(found.Position1 / found.Position2!.Value, found.Ratio!.Value, 12);
        Assert.InRange(found.Ratio!.Value, 9.9, 10.1);
    }

    [Fact]
    public void DT2AndT2T2PeaksHaveNoRatio()
    {
        var dt2 = Found("D", 1e-11, 1e-7, "T2", 1e-4, 1, -9, -2);
        Assert.Null(dt2.Ratio);
        Assert.Equal(dt2.Position1, dt2.D);
        Assert.Equal(dt2.Position2, dt2.T2);
        Assert.Null(dt2.T1);

        var t2t2 = Found("T2", 1e-4, 1, "T2", 1e-4, 1, -2, -1);
        Assert.Null(t2t2.Ratio);
        // A T2-T2 map reports its second T2.
        Assert.Equal(t2t2.Position2, t2t2.T2);
        Assert.InRange(Math.Log10(t2t2.T2!.Value), -1.01, -0.99);

        // T1-D has a T1 and a D but no T2 to divide by.
        var t1d = PeakOf("T1", "D", 0.5, 2e-9);
        Assert.Null(t1d.Ratio);
        Assert.Equal(0.5, t1d.T1);
        Assert.Equal(2e-9, t1d.D);
        Assert.Null(t1d.T2);
    }

    [Fact]
    public void A1DPeakHasNoRatio()
    {
        var t1 = PeakOf("T1", "None", 0.5, null);
        Assert.Null(t1.Ratio);
        Assert.Equal(0.5, t1.T1);
        var t2 = PeakOf("T2", "None", 0.05, null);
        Assert.Null(t2.Ratio);
        Assert.Equal(0.05, t2.T2);
    }
}
