using System.Globalization;
using System.Management.Automation;
using NmrInversion.Engine;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Inverts 1D and 2D NMR signals by non-negative Tikhonov regularization with an automatic choice of alpha (GCV by default).</para>
/// <para type="description">Solves min over F &gt;= 0 of ||K1 F K2^T - S||^2 + alpha ||F||^2 on the SVD-compressed problem
/// (Venkataraman, Song and Hürlimann 2002) with the Butler-Reeds-Dawson dual Newton method, and chooses alpha by
/// generalized cross-validation, the BRD fixed point or the heel of the S-curve. Outputs one TikhonovResult per signal.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "NmrTikhonov")]
[OutputType(typeof(TikhonovResult))]
public sealed class InvokeNmrTikhonovCommand : RegularizationCmdlet
{
    /// <summary>A fixed alpha (weight of ||F||^2; independent of the signal's scale). Skips the search.</summary>
    [Parameter]
    public double? Alpha { get; set; }

    /// <summary>How alpha is chosen when -Alpha is not given: Gcv (default), Brd or SCurve.</summary>
    [Parameter]
    [ValidateSet("Gcv", "Brd", "SCurve", IgnoreCase = true)]
    public string AlphaMethod { get; set; } = "Gcv";

    /// <summary>Search range: minimum and maximum alpha. Default: 3 decades below to 2 above the minimum of the unconstrained GCV.</summary>
    [Parameter]
    [ValidateCount(2, 2)]
    public double[]? AlphaRange { get; set; }

    /// <summary>Number of log-spaced alphas of the scan (GCV and S-curve; GCV then refines between scan points).</summary>
    [Parameter]
    [ValidateRange(3, 1000)]
    public int AlphaCount { get; set; } = 16;

    /// <summary>
    /// GCV takes the largest alpha whose GCV score is within this fraction of the minimum (default 0.05): the curve of the
    /// non-negative problem is flat over decades and its lowest point moves with the noise. 0 takes the plain minimum.
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, 0.99)]
    public double GcvPlateau { get; set; } = TikhonovOptions.DefaultGcvPlateau;

    /// <summary>Compression: keep SVD coefficients whose largest possible signal reaches this multiple of the noise (default 1).</summary>
    [Parameter]
    public double TruncationFactor { get; set; } = Engine.Kernels.CompressedProblem.DefaultTruncationFactor;

    private TikhonovOptions? _options;

    protected override void BeginProcessing()
    {
        Run(() =>
        {
            var method = Enum.Parse<AlphaMethod>(AlphaMethod, ignoreCase: true);
            _options = new TikhonovOptions
            {
                Alpha = Alpha,
                AlphaMethod = method,
                AlphaMinimum = AlphaRange?[0],
                AlphaMaximum = AlphaRange?[1],
                AlphaCount = AlphaCount,
                GcvPlateau = GcvPlateau,
                TruncationFactor = TruncationFactor,
            };
            _options.Validate();
            if (Alpha is not null && MyInvocation.BoundParameters.ContainsKey(nameof(AlphaMethod)))
                WriteWarning("-Alpha fixes alpha; -AlphaMethod is ignored.");
        }, null);
    }


    protected override int ProgressId => 1;

    protected override InversionResult Compute(Signal2D signal, int index)
    {
        int solves = 0;
        return TikhonovInversion.Invert(signal, _options, cancellation: Cancellation, visited: s =>
        {
            solves++;
            SetDetail(string.Create(CultureInfo.InvariantCulture, $"{signal.Name}: alpha {s.Alpha:G3}: {solves} solve(s), {s.Iterations} Newton step(s)"));
        });
    }

    protected override void Report(InversionResult inversion, Signal2D signal)
    {
        var result = (TikhonovResult)inversion;
        WriteVerbose(string.Create(CultureInfo.InvariantCulture,
            $"{signal.Name}: alpha {result.Alpha:G4} ({result.AlphaRule}: {result.AlphaReason}; {result.SearchCurve.Points.Count} alpha(s) visited, {result.TotalIterations} Newton steps; {result.Iterations} at the chosen alpha), {result.KeptCoefficients} SVD coefficients kept, misfit {result.Misfit:G4}, {result.Seconds * 1000:F0} ms."));
        WriteWarnings(result.Warnings, signal.Name);
    }
}
