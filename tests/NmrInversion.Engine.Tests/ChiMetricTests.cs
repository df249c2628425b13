using NmrInversion.Engine;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Metrics;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class ChiMetricTests
{
    [Fact]
    public void IdenticalMapsGiveZero()
    {
        var d = Presets.Create("B");
        var c = ChiMetric.Compare(d, d);
        Assert.Equal(0, c.Chi2D);
        Assert.Equal(0, c.ChiT1);
        Assert.Equal(0, c.ChiT2);
    }

    [Fact]
    public void HandComputedTwoByTwoCase()
    {
        var a1 = new RelaxationAxis("T1", new[] { 0.1, 1.0 });
        var a2 = new RelaxationAxis("T2", new[] { 0.01, 0.1 });
        // truth: [[0.5, 0], [0.25, 0.25]]; reconstruction before normalisation [[2, 1], [1, 0]] -> [[0.5, 0.25], [0.25, 0]]
        var truth = new Distribution2D(new[,] { { 0.5, 0.0 }, { 0.25, 0.25 } }, a1, a2);
        var rec = new Distribution2D(new[,] { { 2.0, 1.0 }, { 1.0, 0.0 } }, a1, a2);
        var c = ChiMetric.Compare(truth, rec);
        // 2D: (0)^2/0.5 + (0.25)^2/1e-4 + 0/0.25 + (0.25)^2/0.25 = 625 + 0.25
        Assert.Equal(625.25, c.Chi2D, 10);
        // T1 projection: truth [0.5, 0.5], rec [0.75, 0.25]: 0.0625/0.5 * 2 = 0.25
        Assert.Equal(0.25, c.ChiT1, 12);
        // T2 projection: truth [0.75, 0.25], rec [0.75, 0.25]: 0
        Assert.Equal(0, c.ChiT2, 12);
    }

    [Fact]
    public void FloorAppliesWhereTheTruthIsTiny()
    {
        Assert.Equal(0.01 * 0.01 / 1e-4, ChiMetric.Chi(new[] { 0.0 }, new[] { 0.01 }), 12);
        Assert.Equal(0.01 * 0.01 / 0.5, ChiMetric.Chi(new[] { 0.5 }, new[] { 0.51 }), 12);
    }

    [Fact]
    public void DifferentGridsAreRefused()
    {
        var a = Presets.Create("A");
        var b = Presets.Create("A", RelaxationAxis.PaperT1(32), RelaxationAxis.PaperT2(32));
        Assert.Equal("ChiGridMismatch", Assert.Throws<NmrInputException>(() => ChiMetric.Compare(a, b)).ErrorId);
    }
}
