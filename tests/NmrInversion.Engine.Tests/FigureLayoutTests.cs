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

public class FigureLayoutColumnsTests
{
    [Fact]
    public void ColumnsTileTheImageBelowTheTitle()
    {
        var cells = FigureLayout.Columns(1200, 900, true, new[] { 0.6, 0.4 }, new[] { new[] { 0.6, 0.4 }, new[] { 1.0, 1.0, 1.0 } });
        Assert.Equal(2, cells[0].Length);
        Assert.Equal(3, cells[1].Length);
        Assert.Equal(0, cells[0][0].Left);
        Assert.Equal(720, cells[0][0].Right);
        Assert.Equal(720, cells[1][0].Left);
        Assert.Equal(1200, cells[1][0].Right);
        Assert.Equal(FigureLayout.TitleBand, cells[0][0].Top);
        Assert.Equal(FigureLayout.TitleBand + (900 - FigureLayout.TitleBand) * 0.6f, cells[0][1].Top, 0);
        Assert.Equal(900, cells[0][1].Bottom);
        Assert.Equal(900, cells[1][2].Bottom);
        Assert.Equal(cells[1][0].Bottom, cells[1][1].Top);
    }
}
