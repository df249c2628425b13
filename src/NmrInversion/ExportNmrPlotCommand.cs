using System.Management.Automation;
using NmrInversion.Engine;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Metrics;
using NmrInversion.Plotting;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Writes a PNG figure: a T1-T2 map with its projections, a grid of distributions, truth versus reconstructions, a chi bar chart, or a result's fit to its data.</para>
/// <para type="description">Collects every piped object, then draws one figure in EndProcessing. -Kind defaults from the
/// input: one distribution draws a Map, several a Grid, inversion results a Comparison with their Truth, chi reports a
/// Chi chart. The file is written to a temporary file in the same folder and then renamed; an existing file is only
/// replaced with -Force. Figures are drawn with ScottPlot 5 on SkiaSharp 3.119 (see NmrInversion.Plotting.csproj for
/// why SkiaSharp is pinned to 3.119 beside TorchSharp, which asks for 2.88).</para>
/// </summary>
[Cmdlet(VerbsData.Export, "NmrPlot", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(FileInfo))]
public sealed class ExportNmrPlotCommand : NmrCmdlet
{
    /// <summary>Distributions (New-NmrDistribution), inversion results (Invoke-Nmr*), or chi reports (Measure-NmrChi).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

    /// <summary>The PNG file to write. Wildcards name an existing file (exactly one); a path that matches none is taken as the name of a new file.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The PNG file to write, taken literally (brackets and other wildcard characters are part of the name).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath")]
    [Alias("LP")]
    [ValidateNotNullOrEmpty]
    public string? LiteralPath { get; set; }

    /// <summary>The figure: Map, Comparison, Grid, Chi or Fit. Defaults from the input's type (Fit is never the default).</summary>
    [Parameter]
    public FigureKind? Kind { get; set; }

    /// <summary>Title across the top of the figure; an empty string draws none. Defaults depend on the figure.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? Title { get; set; }

    [Parameter]
    [ValidateRange(FigureLayout.MinimumSize, FigureLayout.MaximumSize)]
    public int Width { get; set; } = 1200;

    [Parameter]
    [ValidateRange(FigureLayout.MinimumSize, FigureLayout.MaximumSize)]
    public int Height { get; set; } = 900;

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Comparison: the truth every input is compared with (default: each result's Truth; for distributions, the first one).</summary>
    [Parameter]
    public Distribution2D? Reference { get; set; }

    /// <summary>Chi: the SNR to draw when the reports hold several.</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double? Snr { get; set; }

    /// <summary>Chi: which chi to draw: of the 2D map, or of the T1 or T2 projection.</summary>
    [Parameter]
    [ValidateSet("2D", "T1", "T2")]
    public string ChiOf { get; set; } = "2D";

    private readonly List<object> _items = new();

    protected override void ProcessRecord()
    {
        foreach (var wrapped in InputObject)
        {
            object? item = wrapped?.BaseObject;
            RunForItem(() =>
            {
                if (item is Distribution2D or InversionResult or ChiReport) _items.Add(item);
                else
                    throw new NmrInputException("PlotInputInvalid",
                        $"Export-NmrPlot draws distributions, inversion results and chi reports; got {item?.GetType().FullName ?? "null"}.");
            }, item);
        }
    }

    protected override void EndProcessing()
    {
        if (_items.Count == 0) Terminate("PlotNothingToDraw", "Nothing to draw: no distribution, inversion result or chi report was given.", InputProblem.Argument, null);
        var kind = Kind ?? DefaultKind();
        var options = new FigureOptions(Width, Height, Title);

        Func<byte[]>? render = null;
        Run(() => render = Prepare(kind, options), _items);
        // The target's problems (exists, a folder, a missing or read-only folder) are errors of this figure, as for every export.
        string? fullPath = ExportTarget.Resolve(this, Path, LiteralPath, _items);
        if (fullPath is null || !ExportTarget.CheckWritable(this, fullPath, Force, new HashSet<string>(), _items)) return;
        WriteVerbose($"Drawing a {kind} figure of {_items.Count} object(s) into {fullPath}.");
        if (!ShouldProcess(fullPath, $"Write {kind} figure ({Width} x {Height} PNG)")) return;
        byte[] png = Array.Empty<byte>();
        Run(() => png = render!(), _items);
        bool written = false;
        RunForItem(() =>
        {
            AtomicFile.Write(fullPath, Force, stream => stream.Write(png));
            written = true;
        }, fullPath);
        if (!written) return;
        // The provider's item carries PSPath/PSProvider, so the file formats like Get-Item's output (Length, Mode).
        var items = InvokeProvider.Item.Get(new[] { fullPath }, true, true);
        WriteObject(items.Count == 1 ? items[0] : new FileInfo(fullPath));
    }

    private FigureKind DefaultKind()
    {
        if (_items.Any(i => i is ChiReport)) return FigureKind.Chi;
        var results = _items.OfType<InversionResult>().ToList();
        if (results.Count > 0)
        {
            if (Reference is not null || results.All(r => r.Truth is not null)) return FigureKind.Comparison;
            return _items.Count == 1 ? FigureKind.Map : FigureKind.Grid;
        }
        if (Reference is not null) return FigureKind.Comparison;
        return _items.Count == 1 ? FigureKind.Map : FigureKind.Grid;
    }

    /// <summary>Decides the figure's data (input errors surface here, also under -WhatIf) and returns the drawing step.</summary>
    private Func<byte[]> Prepare(FigureKind kind, FigureOptions options)
    {
        if (kind != FigureKind.Chi && _items.Any(i => i is ChiReport))
            throw new NmrInputException("PlotInputMixed", $"Chi reports draw only as -Kind Chi; the input for a {kind} figure must be distributions or inversion results.");
        switch (kind)
        {
            case FigureKind.Map:
            {
                if (_items.Count != 1)
                    throw new NmrInputException("PlotMapNeedsOne", $"A Map draws one distribution; got {_items.Count} objects. Use -Kind Grid or -Kind Comparison for several.");
                var (distribution, title) = Panel(_items[0]);
                var map = MapData.From(distribution);
                if (_items[0] is InversionResult r && Hyperparameters.Of(r).Text is { Length: > 0 } settings) title += $", {settings}";
                var o = _items[0] is InversionResult && options.Title is null ? options with { Title = title } : options;
                return () => MapFigure.Render(map, o);
            }
            case FigureKind.Grid:
            {
                var panels = _items.Select(Panel).Select(p => new GridPanel(p.Title, MapData.From(p.Distribution))).ToList();
                if (panels.Count > GridFigure.MaxPanels)
                    throw new NmrInputException("PlotTooManyPanels", $"A grid figure draws at most {GridFigure.MaxPanels} distributions; got {panels.Count}.");
                return () => GridFigure.Render(panels, options);
            }
            case FigureKind.Comparison:
            {
                var rows = ComparisonData.Build(Reconstructions());
                foreach (var row in rows) WriteVerbose($"Comparison with truth {row.Truth.Name}: {string.Join("; ", row.Panels.Skip(1).Select(p => p.Title.Replace("\n", ", ")))}.");
                return () => ComparisonFigure.Render(rows, options);
            }
            case FigureKind.Chi:
            {
                var reports = _items.OfType<ChiReport>().ToList();
                if (reports.Count != _items.Count)
                    throw new NmrInputException("PlotInputMixed", "A Chi chart draws chi reports (from Measure-NmrChi) only; distributions and inversion results were also given.");
                var quantity = ChiOf switch { "T1" => ChiQuantity.T1, "T2" => ChiQuantity.T2, _ => ChiQuantity.Map2D };
                var chart = ChiChartData.From(reports, quantity, Snr);
                WriteVerbose($"Chi chart: {chart.Methods.Count} method(s) x {chart.Presets.Count} distribution(s), {chart.DefaultTitle}.");
                return () => ChiFigure.Render(chart, options);
            }
            case FigureKind.Fit:
            {
                if (_items.Count != 1 || _items[0] is not InversionResult result)
                    throw new NmrInputException("PlotFitNeedsOneResult",
                        $"A Fit figure draws one inversion result (from Invoke-NmrTikhonov, Invoke-NmrMtgv or Invoke-NmrUnetInversion) against its data; got {_items.Count} object(s){(_items.Count == 1 ? $" ({_items[0].GetType().Name})" : "")}.");
                var fit = FitData.From(result);
                WriteVerbose($"Fit figure: {fit.DefaultTitle}; residual within ±{fit.ResidualLimit:G3}, {fit.Search.Count} search panel(s).");
                return () => FitFigure.Render(fit, options);
            }
            default:
                throw new NmrInputException("PlotKindInvalid", $"Unknown figure kind {kind}.");
        }
    }

    private static (Distribution2D Distribution, string Title) Panel(object item) => item switch
    {
        Distribution2D d => (d, d.Name),
        InversionResult r => (r.Distribution, $"{r.Method} {r.Name}"),
        _ => throw new NmrInputException("PlotInputInvalid", $"Cannot draw a {item.GetType().Name} as a distribution."),
    };

    private IEnumerable<Reconstruction> Reconstructions()
    {
        var distributions = _items.OfType<Distribution2D>().ToList();
        Distribution2D? distributionTruth = Reference ?? distributions.FirstOrDefault();
        var list = new List<Reconstruction>();
        foreach (var item in _items)
        {
            switch (item)
            {
                case InversionResult r:
                    list.Add(Reconstruction.Of(r, Reference));
                    break;
                case Distribution2D d when Reference is null && ReferenceEquals(d, distributionTruth):
                    break; // the first distribution is the truth of the others
                case Distribution2D d:
                    list.Add(new Reconstruction(d.Name, d, distributionTruth!));
                    break;
            }
        }
        if (list.Count == 0)
            throw new NmrInputException("PlotNothingToCompare",
                "A comparison needs a truth and at least one reconstruction: pipe inversion results, or several distributions (the first is the truth), or pass -Reference.");
        return list;
    }
}
