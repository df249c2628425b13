using System.Buffers.Binary;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Metrics;
using NmrInversion.Engine.Signals;
using NmrInversion.Plotting;
using SkiaSharp;
using Xunit;

namespace NmrInversion.Engine.Tests;

/// <summary>Renders every figure kind and reads the PNG back: signature, IHDR size, and pixels where the data must be.</summary>
public class FigureRenderTests
{
    private static readonly byte[] Signature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    private static void AssertPng(byte[] png, int width, int height)
    {
        Assert.True(png.Length > 33, "too short for a PNG");
        Assert.Equal(Signature, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }

    private static int DistinctColours(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png);
        return bitmap.Pixels.Distinct().Count();
    }

    [Fact]
    public void MapPutsTheSharpPeakOfPresetHWhereItsAxesSay()
    {
        var map = MapData.From(Presets.Create("H"));
        var png = MapFigure.Render(map, new FigureOptions(900, 700));
        AssertPng(png, 900, 700);
        using var bitmap = SKBitmap.Decode(png);
        var (main, _, _) = FigureLayout.MapWithMargins(900, 700, hasTitle: true);
        SKColor At(double log10T1, double log10T2)
        {
            double x = main.Data.Left + (log10T2 - map.Edges2.Minimum) / map.Edges2.Span * main.Data.Width;
            double y = main.Data.Bottom - (log10T1 - map.Edges1.Minimum) / map.Edges1.Span * main.Data.Height;
            return bitmap.GetPixel((int)x, (int)y);
        }
        // H: the sparse peak (sd 0.08, the map's maximum: yellow in viridis) at T1 = 10^-0.6 s, T2 = 10^-1.6 s.
        var peak = At(-0.60, -1.60);
        Assert.True(peak.Red > 180 && peak.Green > 180, $"peak pixel {peak}");
        // Far from both peaks, and at the peak's mirror images (axes swapped or flipped): the colormap's dark end.
        foreach (var (t1, t2) in new[] { (0.8, -3.8), (-2.4, -1.6), (-0.6, -3.0) })
        {
            var c = At(t1, t2);
            Assert.True(c.Green < 40 && c.Blue > 60, $"background pixel at ({t1}, {t2}) is {c}");
        }
    }

    [Fact]
    public void GridOfThePresetsIsTwoByFour()
    {
        var panels = Presets.Names.Select(n => new GridPanel(n, MapData.From(Presets.Create(n, RelaxationAxis.PaperT1(32), RelaxationAxis.PaperT2(32))))).ToList();
        var png = GridFigure.Render(panels, new FigureOptions(1600, 800, "Presets"));
        AssertPng(png, 1600, 800);
        Assert.True(DistinctColours(png) > 50);
    }

    [Fact]
    public void ComparisonAndOneDimensionalPanelsRender()
    {
        var t1 = RelaxationAxis.PaperT1(24);
        var t2 = RelaxationAxis.PaperT2(24);
        var rows = ComparisonData.Build(new[] { new Reconstruction("B", Presets.Create("B", t1, t2), Presets.Create("A", t1, t2)) });
        var png = ComparisonFigure.Render(rows, new FigureOptions(1000, 500));
        AssertPng(png, 1000, 500);
        var oneD = new Distribution2D(new double[,] { { 1 }, { 4 }, { 2 }, { 1 } }, RelaxationAxis.LogSpaced("T2", 1e-3, 1, 4), RelaxationAxis.Single(), "1D");
        AssertPng(MapFigure.Render(MapData.From(oneD), new FigureOptions(640, 480)), 640, 480);
    }

    [Fact]
    public void ChiChartRendersAtTheRequestedSize()
    {
        var reports = Presets.Names.SelectMany(p => new[] { new ChiReport("Tikhonov", p, 100, 0.5, 0.1, 0.1), new ChiReport("U-Net", p, 100, 0.05, 0.1, 0.1) });
        var png = ChiFigure.Render(ChiChartData.From(reports, ChiQuantity.Map2D), new FigureOptions(1201, 777, ""));
        AssertPng(png, 1201, 777);
    }

    [Fact]
    public void FitFigureDrawsTheResidualMapInDivergingColours()
    {
        var truth = Presets.Create("A", RelaxationAxis.PaperT1(24), RelaxationAxis.PaperT2(24));
        var signal = ForwardModel.Simulate(truth, KernelPair.PaperT1T2, AcquisitionAxis.PaperT1(20), AcquisitionAxis.EchoTrain(2e-3, 120), 100, 1);
        var result = TikhonovInversion.Invert(signal);
        var png = FitFigure.Render(FitData.From(result), new FigureOptions(1200, 900));
        AssertPng(png, 1200, 900);
        using var bitmap = SKBitmap.Decode(png);
        // The residual map (middle column, top row) holds noise: both blue-ish and red-ish cells of the Balance colormap.
        var cells = FigureLayout.Columns(1200, 900, true, new[] { 0.36, 0.36, 0.28 }, new[] { new[] { 1.0, 1.0 }, new[] { 1.0, 1.0 }, new[] { 1.0, 1.0 } });
        var box = cells[1][0];
        int red = 0, blue = 0;
        for (int x = (int)box.Left + 100; x < (int)box.Right - 100; x += 3)
            for (int y = (int)box.Top + 60; y < (int)box.Bottom - 70; y += 3)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red > c.Blue + 40) red++;
                if (c.Blue > c.Red + 40) blue++;
            }
        Assert.True(red > 50 && blue > 50, $"red {red}, blue {blue} pixels in the residual map");
    }

    [Fact]
    public void OneDimensionalFitFigureRenders()
    {
        var t2 = RelaxationAxis.LogSpaced("T2", 1e-3, 10, 40);
        var values = new double[40, 1];
        values[22, 0] = 1;
        var truth = new Distribution2D(values, t2, RelaxationAxis.Single(), "one T2");
        var signal = ForwardModel.Simulate(truth, KernelPair.For(Experiment.T2), AcquisitionAxis.EchoTrain(1e-3, 600), AcquisitionAxis.Single(), 200, 4);
        var png = FitFigure.Render(FitData.From(TikhonovInversion.Invert(signal)), new FigureOptions(1000, 700, ""));
        AssertPng(png, 1000, 700);
        Assert.True(DistinctColours(png) > 50);
    }
}
