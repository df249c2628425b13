using NmrInversion.Plotting;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class LogTicksTests
{
    [Theory]
    [InlineData(-3, "10⁻³")]
    [InlineData(0, "10⁰")]
    [InlineData(1, "10¹")]
    [InlineData(-12, "10⁻¹²")]
    public void PowerOfTenUsesSuperscripts(int k, string expected) => Assert.Equal(expected, LogTicks.PowerOfTen(k));

    [Fact]
    public void DecadesOfThePaperT2GridAreMajorWithEightMinorsEach()
    {
        var ticks = LogTicks.Decades(-4.03, 0.03);
        var majors = ticks.Where(t => t.IsMajor).ToArray();
        Assert.Equal(new double[] { -4, -3, -2, -1, 0 }, majors.Select(t => t.Position));
        Assert.Equal(new[] { "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰" }, majors.Select(t => t.Label));
        var minors = ticks.Where(t => !t.IsMajor).ToArray();
        Assert.Equal(4 * 8, minors.Length);
        Assert.All(minors, t => Assert.Equal("", t.Label));
        Assert.Contains(minors, t => Math.Abs(t.Position - (-3 + Math.Log10(2))) < 1e-12);
        Assert.Contains(minors, t => Math.Abs(t.Position - (-1 + Math.Log10(9))) < 1e-12);
        Assert.Equal(ticks.OrderBy(t => t.Position).Select(t => t.Position), ticks.Select(t => t.Position));
    }

    [Fact]
    public void LongRangesLabelEveryOtherDecade()
    {
        var majors = LogTicks.Decades(-12, 3).Where(t => t.IsMajor).ToArray();
        Assert.Equal(16, majors.Length);
        int labelled = majors.Count(t => t.Label.Length > 0);
        Assert.True(labelled <= LogTicks.MaxLabels, $"{labelled} labels");
        Assert.Equal("10⁻¹²", majors[0].Label);
        Assert.Equal("", majors[1].Label);
    }

    [Fact]
    public void NarrowRangesGetTwoAndFiveTimesDecadeLabels()
    {
        var majors = LogTicks.Decades(-2.5, -1.5).Where(t => t.IsMajor).ToArray();
        Assert.Equal(new[] { "5×10⁻³", "10⁻²", "2×10⁻²" }, majors.Select(t => t.Label));
        Assert.Equal(Math.Log10(5e-3), majors[0].Position, 12);
        Assert.Equal(Math.Log10(2e-2), majors[2].Position, 12);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(double.NaN, 1)]
    public void EmptyOrInvalidRangesThrow(double lo, double hi) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LogTicks.Decades(lo, hi));
}
