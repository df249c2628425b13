using System.Text.RegularExpressions;
using NmrInversion.Engine.Analysis;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using NmrInversion.Plotting;
using SkiaSharp;
using Xunit;

namespace NmrInversion.Engine.Tests;

/// <summary>The batch report: grouping by sample, the tables' numbers, HTML encoding, and embedded images that decode.</summary>
public class BatchReportTests
{
    private static Signal2D Signal(string preset, string? name = null, int seed = 1)
    {
        var truth = Presets.Create(preset, RelaxationAxis.PaperT1(16), RelaxationAxis.PaperT2(16));
        var s = ForwardModel.Simulate(truth, KernelPair.PaperT1T2, AcquisitionAxis.PaperT1(12), AcquisitionAxis.PaperT2(12), 100, seed);
        if (name is null) return s;
        var provenance = new Dictionary<string, string> { ["File"] = $"/data/{name}.csv" };
        return new Signal2D(s.Values, s.Axis1, s.Axis2, s.Kernels, s.RelaxationAxis1, s.RelaxationAxis2, s.NoiseSigma, null, null, name, null, provenance);
    }

    [Fact]
    public void ResultsAreGroupedBySampleNameInOrderOfArrival()
    {
        var a = Signal("A", "rock <1>");
        var h = Signal("H", "rock 2");
        var results = new InversionResult[]
        {
            TikhonovInversion.Invert(a, new TikhonovOptions { Alpha = 0.01 }),
            TikhonovInversion.Invert(h, new TikhonovOptions { Alpha = 0.01 }),
            TikhonovInversion.Invert(a, new TikhonovOptions { Alpha = 1 }),
        };
        var report = BatchReport.Build(results, "Batch");
        Assert.Equal(new[] { "rock <1>", "rock 2" }, report.Samples.Select(s => s.Name));
        Assert.Equal(new[] { "sample-1", "sample-2" }, report.Samples.Select(s => s.Anchor));
        Assert.Equal(2, report.Samples[0].Entries.Count);
        Assert.Same(results[2], report.Samples[0].Entries[1].Result);
        var e = report.Samples[0].Entries[0];
        Assert.Equal("rock <1>.csv", e.SourceText);
        Assert.Equal("/data/rock <1>.csv", e.SourceFile);
        Assert.Equal("α = 0.01 (fixed)", e.Settings.Text);
        // The peaks are PeakFinder's at its default threshold, in its order.
        var expected = PeakFinder.Find(results[0].Distribution);
        Assert.Equal(expected.Select(p => p.Fraction), e.Peaks.Select(p => p.Fraction));
        Assert.Equal(expected.Count, e.PeakTexts.Count);
        Assert.Throws<NmrInputException>(() => BatchReport.Build(Array.Empty<InversionResult>(), "x"));
    }

    [Fact]
    public void HtmlEncodesEveryStringAndEmbedsImagesThatDecode()
    {
        var a = Signal("A", "x <script>alert(1)</script> & \"q\"");
        var result = TikhonovInversion.Invert(a, new TikhonovOptions { Alpha = 0.01 });
        result.AddWarning(new NmrWarning("EdgeMass", "5 % of the mass <at the edge> & beyond"));
        var report = BatchReport.Build(new[] { result }, "Day <1> & \"all\"");
        var figures = report.Entries.ToDictionary(e => e, e => EntryFigures.Render(e, 480, 360));
        var writer = new StringWriter();
        ReportHtml.Write(writer, report, figures, "NmrInversion test");
        string html = writer.ToString();

        Assert.DoesNotContain("<script", html);
        Assert.Contains("<title>Day &lt;1&gt; &amp; &quot;all&quot;</title>", html);
        Assert.Contains("x &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;", html);
        Assert.Contains("<code class=\"id\">EdgeMass</code> 5 % of the mass &lt;at the edge&gt; &amp; beyond", html);
        Assert.Contains("id=\"overview-table\"", html);
        Assert.Single(Regex.Matches(html, "<section class=\"sample\""));
        // Self-contained: nothing is loaded from elsewhere.
        Assert.DoesNotMatch("(src|href)=\"(?!data:|#)", html);
        var images = Regex.Matches(html, "<img alt=\"[^\"]*\" src=\"data:image/png;base64,([^\"]+)\"");
        Assert.Equal(2, images.Count);
        using var map = SKBitmap.Decode(Convert.FromBase64String(images[0].Groups[1].Value));
        using var fit = SKBitmap.Decode(Convert.FromBase64String(images[1].Groups[1].Value));
        Assert.Equal((480, 360), (map.Width, map.Height));
        Assert.Equal((600, 450), (fit.Width, fit.Height));
    }
}
