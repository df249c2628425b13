using NmrInversion.Plotting;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class FigureLayoutTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 1, 3)]
    [InlineData(4, 1, 4)]
    [InlineData(5, 2, 4)]
    [InlineData(8, 2, 4)]
    [InlineData(9, 3, 4)]
    public void GridShapeHasFourColumnsAtMost(int count, int rows, int columns) =>
        Assert.Equal((rows, columns), FigureLayout.GridShape(count));

    [Fact]
    public void GridShapeOfNothingIsAnError() =>
        Assert.Equal("PlotNothingToDraw", Assert.Throws<NmrInputException>(() => FigureLayout.GridShape(0)).ErrorId);

    [Theory]
    [InlineData(1200, 900, true)]
    [InlineData(640, 480, false)]
    [InlineData(300, 2000, true)]
    public void MarginDataAreasLineUpWithTheMap(int width, int height, bool title)
    {
        var (main, top, right) = FigureLayout.MapWithMargins(width, height, title);
        Assert.Equal(main.Data.Left, top.Data.Left);
        Assert.Equal(main.Data.Right, top.Data.Right);
        Assert.Equal(main.Data.Top, right.Data.Top);
        Assert.Equal(main.Data.Bottom, right.Data.Bottom);
        Assert.True(top.Data.Bottom < main.Data.Top);
        Assert.True(right.Data.Left > main.Data.Right);
        Assert.True(main.Data.Width > 2 * right.Data.Width);
        Assert.True(main.Data.Height > 2 * top.Data.Height);
        foreach (var f in new[] { main, top, right })
        {
            Assert.InRange(f.Outer.Left, 0, width);
            Assert.InRange(f.Outer.Right, 0, width);
            Assert.InRange(f.Outer.Top, title ? FigureLayout.TitleBand : 0, height);
            Assert.InRange(f.Outer.Bottom, 0, height);
            Assert.True(f.PadLeft >= 0 && f.PadRight >= 0 && f.PadTop >= 0 && f.PadBottom >= 0);
        }
    }

    [Fact]
    public void GridFramesTileTheImageBelowTheTitle()
    {
        var frames = FigureLayout.Grid(1600, 800, 2, 4, hasTitle: true);
        Assert.Equal(8, frames.Length);
        Assert.Equal(FigureLayout.TitleBand, frames[0].Outer.Top);
        Assert.Equal(1600f, frames[3].Outer.Right, 3);
        Assert.Equal(800f, frames[7].Outer.Bottom, 3);
        Assert.Equal(frames[0].Outer.Right, frames[1].Outer.Left);
        Assert.Equal(frames[0].Outer.Bottom, frames[4].Outer.Top);
        Assert.All(frames, f => Assert.Equal(frames[0].Data.Width, f.Data.Width, 3));
    }

    [Theory]
    [InlineData(100, 900)]
    [InlineData(1200, 20000)]
    public void SizesOutsideTheLimitsAreRefused(int w, int h) =>
        Assert.Equal("PlotSizeInvalid", Assert.Throws<NmrInputException>(() => FigureLayout.Grid(w, h, 1, 1, false)).ErrorId);
}
