using System.Globalization;
using System.Management.Automation;
using NmrInversion.Engine;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Inverts 1D and 2D NMR signals by MTGV regularization (sparse and smooth), with automatic alpha (GCV) and beta (BRD-style) by default.</para>
/// <para type="description">Solves min over F &gt;= 0, W of (alpha/2)||K~F - s~||^2 + ||F - W||_1 + beta ||D2 W||_{1,*} (Reci, Sederman and
/// Gladden 2017) on the SVD-compressed, normalised problem with a first-order primal-dual iteration, choosing alpha by GCV
/// and beta by a BRD-style discrepancy search (Beckmann et al., arXiv 2311.11442). Outputs one MtgvResult per signal.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "NmrMtgv")]
[OutputType(typeof(MtgvResult))]
public sealed class InvokeNmrMtgvCommand : RegularizationCmdlet
{
    /// <summary>A fixed data weight alpha (of the data normalised to max |S| = 1). Skips the GCV search.</summary>
    [Parameter]
    public double? Alpha { get; set; }

    /// <summary>A fixed smoothness weight beta (small: smooth; large: sparse). Skips the beta search.</summary>
    [Parameter]
    public double? Beta { get; set; }

    /// <summary>Iteration limit of each fixed-(alpha, beta) solve (default 5000).</summary>
    [Parameter]
    [ValidateRange(10, 10_000_000)]
    public int MaxIterations { get; set; } = new MtgvOptions().MaxIterations;

    /// <summary>Stop a solve when the cost changes by less than this fraction over 10 iterations (default 1e-4).</summary>
    [Parameter]
    public double Tolerance { get; set; } = new MtgvOptions().Tolerance;

    private MtgvOptions? _options;

    protected override void BeginProcessing()
    {
        Run(() =>
        {
            _options = new MtgvOptions { Alpha = Alpha, Beta = Beta, MaxIterations = MaxIterations, Tolerance = Tolerance };
            _options.Validate();
        }, null);
    }


    protected override int ProgressId => 2;

    protected override InversionResult Compute(Signal2D signal, int index)
    {
        // Reports arrive on the thread that runs the search; they only note what it does for the batch's progress bar.
        var progress = new SynchronousProgress<MtgvProgress>(p => SetDetail(string.Create(CultureInfo.InvariantCulture,
            $"{signal.Name}: beta {p.Beta:G3} ({p.BetaIndex + 1} of at most {p.MaxBetas}): {p.Phase}, alpha {p.Alpha:G3}")));
        return MtgvInversion.Invert(signal, _options, progress, Cancellation);
    }

    protected override void Report(InversionResult inversion, Signal2D signal)
    {
        var result = (MtgvResult)inversion;
        WriteVerbose(string.Create(CultureInfo.InvariantCulture,
            $"{signal.Name}: alpha {result.Alpha:G4} ({(Alpha is null ? "GCV" : "fixed")}), beta {result.Beta:G4} ({result.SearchCurve.Criterion}, {result.SearchCurve.Points.Count} beta(s) visited), {result.Iterations} primal-dual iterations, misfit {result.Misfit:G4}, {result.Seconds:F1} s."));
        WriteWarnings(result.Warnings, signal.Name);
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
