using System.Globalization;
using NmrInversion.Engine.Analysis;
using NmrInversion.Engine.Inversion;

namespace NmrInversion.Plotting;

/// <summary>One result in a batch report: the result, its hyperparameters, its peaks and where its data came from.</summary>
public sealed record ReportEntry(InversionResult Result, Hyperparameters Settings, IReadOnlyList<Peak> Peaks)
{
    /// <summary>The file the signal was read from (its provenance's File), or null for a simulated or hand-made signal.</summary>
    public string? SourceFile => Result.Signal.Provenance.TryGetValue("File", out var f) && !string.IsNullOrWhiteSpace(f) ? f : null;

    /// <summary>"CPMG_silicon_oil.tnt", or what the signal is when it has no file: "simulated, SNR 100, seed 1".</summary>
    public string SourceText
    {
        get
        {
            if (SourceFile is { } f) return Path.GetFileName(f);
            var s = Result.Signal;
            if (s.Snr is { } snr)
                return string.Create(CultureInfo.InvariantCulture, $"simulated, SNR {snr:G4}{(s.Seed is { } seed ? $", seed {seed}" : "")}");
            return "no file";
        }
    }

    /// <summary>"25.1 (stated)" when the signal states its noise level, "(estimated)" when the method estimated it.</summary>
    public string NoiseText => Result.NoiseLevel is { } sigma
        ? $"{NumberText.Compact(sigma)} ({(Result.Signal.NoiseSigma is null ? "estimated" : "stated")})"
        : "unknown";

    /// <summary>The misfit with two decimals ("1.48"), "n/a" without a noise level.</summary>
    public string MisfitText => double.IsNaN(Result.Misfit) ? "n/a" : Result.Misfit.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>True when the result warns that its residual is far above the noise (HighMisfit, at the bound its method warns at).</summary>
    public bool MisfitIsHigh => Result.HasWarning("HighMisfit");

    /// <summary>One line per peak: "T1 208 ms, T2 21.5 ms: 62 %".</summary>
    public IReadOnlyList<string> PeakTexts => Peaks.Select(p =>
    {
        var d = Result.Distribution;
        string where = $"{p.Axis1Name} {NumberText.WithUnit(p.Position1, d.Axis1.Unit)}";
        if (p.Position2 is { } p2) where += $", {p.Axis2Name} {NumberText.WithUnit(p2, d.Axis2.Unit)}";
        return string.Create(CultureInfo.InvariantCulture, $"{where}: {p.Fraction * 100:0.#} %");
    }).ToArray();
}

/// <summary>A sample of a batch: its name and its results (one per method), with an anchor for links within the report.</summary>
public sealed record ReportSample(string Name, string Anchor, IReadOnlyList<ReportEntry> Entries);

/// <summary>
/// The content of a batch report, decided without drawing or writing: the results grouped by sample name (in order of
/// first appearance; several methods per sample), with each result's hyperparameters and peaks
/// (<see cref="PeakFinder"/> at its default threshold).
/// </summary>
public sealed class BatchReport
{
    private BatchReport(string title, IReadOnlyList<ReportSample> samples)
    {
        Title = title;
        Samples = samples;
    }

    public string Title { get; }

    public IReadOnlyList<ReportSample> Samples { get; }

    public IEnumerable<ReportEntry> Entries => Samples.SelectMany(s => s.Entries);

    public static BatchReport Build(IEnumerable<InversionResult> results, string title, double peakThreshold = PeakFinder.DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(title);
        var groups = new List<(string Name, List<ReportEntry> Entries)>();
        foreach (var r in results)
        {
            ArgumentNullException.ThrowIfNull(r);
            var entry = new ReportEntry(r, Hyperparameters.Of(r), PeakFinder.Find(r.Distribution, peakThreshold));
            int g = groups.FindIndex(x => string.Equals(x.Name, r.Name, StringComparison.Ordinal));
            if (g < 0) groups.Add((r.Name, new List<ReportEntry> { entry }));
            else groups[g].Entries.Add(entry);
        }
        if (groups.Count == 0)
            throw new Engine.NmrInputException("ReportNothingToWrite", "A report needs at least one inversion result (from Invoke-NmrTikhonov, Invoke-NmrMtgv or Invoke-NmrUnetInversion).");
        var samples = groups.Select((g, k) => new ReportSample(g.Name, $"sample-{k + 1}", g.Entries)).ToList();
        return new BatchReport(title, samples);
    }
}
