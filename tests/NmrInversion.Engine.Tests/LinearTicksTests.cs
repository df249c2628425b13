using NmrInversion.Plotting;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class LinearTicksTests
{
    [Fact]
    public void LargeValuesAreLabelledInAPowerOfTenTheTitleStates()
    {
        var t = LinearTicks.For(-20000, 650000);
        Assert.Equal(5, t.Exponent);
        Assert.Equal(new[] { 0.0, 2e5, 4e5, 6e5 }, t.Ticks.Select(k => k.Position));
        Assert.Equal(new[] { "0", "2", "4", "6" }, t.Ticks.Select(k => k.Label));
        Assert.Equal("signal (×10⁵)", t.Title("signal"));
    }

    [Fact]
    public void SmallValuesGetTheDigitsTheirStepNeeds()
    {
        var t = LinearTicks.For(0.00067, 0.00084, 4);
        Assert.Equal(-4, t.Exponent);
        Assert.Equal(new[] { "7.0", "7.5", "8.0" }, t.Ticks.Select(k => k.Label));
        var u = LinearTicks.For(-3.3, 3.3, 4);
        Assert.Equal(0, u.Exponent);
        Assert.Equal(new[] { "-2", "0", "2" }, u.Ticks.Select(k => k.Label));
        Assert.Equal("x", u.Title("x"));
    }

    [Theory]
    [InlineData(3.81e-8, "3.81×10⁻⁸")]
    [InlineData(0.0389, "0.0389")]
    [InlineData(395.1, "395")]
    [InlineData(1e5, "10⁵")]
    [InlineData(9.996e5, "10⁶")]
    [InlineData(-2.5e-4, "-2.5×10⁻⁴")]
    [InlineData(1000, "1000")]
    [InlineData(1234.5, "1230")]
    [InlineData(9999.7, "10⁴")]
    [InlineData(0.0012345, "0.00123")]
    public void NumbersAreCompact(double value, string text) => Assert.Equal(text, NumberText.Compact(value));

    [Theory]
    [InlineData(1e-3, "1 ms")]
    [InlineData(0.0009999999, "1 ms")]
    [InlineData(2.5e-4, "250 µs")]
    [InlineData(0.0845, "84.5 ms")]
    [InlineData(3.0, "3 s")]
    public void TimesGetTheirPrefix(double seconds, string text) => Assert.Equal(text, NumberText.WithUnit(seconds, "s"));
}
