using System.Management.Automation;
using NmrInversion.Engine;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Simulates NMR signals S = K1 F K2^T + noise from distributions, one per requested SNR.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "NmrSignal")]
[OutputType(typeof(Signal2D))]
public sealed class NewNmrSignalCommand : NmrCmdlet
{
    /// <summary>The distribution(s) to simulate from.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Distribution2D? Distribution { get; set; }

    /// <summary>Signal-to-noise ratios: max |noiseless signal| / noise standard deviation. One signal per value. Omit for a noiseless signal.</summary>
    [Parameter(Position = 1)]
    public double[]? Snr { get; set; }

    /// <summary>Seed of the noise. Signal k of this call uses a seed derived from it, so the same command gives bit-identical signals.</summary>
    [Parameter]
    public int? Seed { get; set; }

    /// <summary>The experiment (kernel pair). Defaults to what the distribution's axes hold (T1-T2 for T1 and T2 axes).</summary>
    [Parameter]
    public Experiment? Experiment { get; set; }

    /// <summary>How T1 is encoded: inversion recovery (1 - 2 exp(-t/T1), default) or saturation recovery (1 - exp(-t/T1)).</summary>
    [Parameter]
    public T1Recovery T1Recovery { get; set; } = T1Recovery.Inversion;

    /// <summary>First acquisition axis (t1 in s, or b in s/m^2). Default: the experiment's default grid (paper: 64 points 1e-3..1e1 s).</summary>
    [Parameter]
    public double[]? AcquisitionAxis1 { get; set; }

    /// <summary>Second acquisition axis (t2 in s, or b in s/m^2). Default: paper grid 64 points 1e-4..1e0 s.</summary>
    [Parameter]
    public double[]? AcquisitionAxis2 { get; set; }

    private long _index;
    private int _seed;

    protected override void BeginProcessing()
    {
        if (Snr is not null)
        {
            if (Snr.Length == 0)
                Terminate("SnrInvalid", "-Snr needs at least one value.");
            foreach (var s in Snr)
                if (double.IsNaN(s) || double.IsInfinity(s) || s <= 0)
                    Terminate("SnrInvalid", $"SNR must be a finite number > 0 (max |signal| / noise sd); got {s}.", InputProblem.Argument, s);
        }
        _seed = Seed ?? System.Random.Shared.Next();
        if (Seed is null) WriteVerbose($"No -Seed given; using seed {_seed}.");
    }

    protected override void ProcessRecord()
    {
        var distribution = Distribution!;
        KernelPair kernels = null!;
        AcquisitionAxis a1 = null!, a2 = null!;
        Run(() =>
        {
            var experiment = Experiment ?? InferExperiment(distribution);
            kernels = KernelPair.For(experiment, T1Recovery);
            kernels.CheckAxes(distribution.Axis1, distribution.Axis2);
            var (d1, d2) = kernels.DefaultAcquisitionAxes(64);
            a1 = AcquisitionAxis1 is null ? d1 : new AcquisitionAxis(d1.Name, AcquisitionAxis1);
            a2 = AcquisitionAxis2 is null ? d2 : new AcquisitionAxis(d2.Name, AcquisitionAxis2);
        }, distribution);

        foreach (double? snr in Snr is null ? new double?[] { null } : Snr.Select(s => (double?)s))
        {
            if (Stopping) return;
            int seed = NoiseModel.DeriveSeed(_seed, _index++);
            Signal2D? signal = null;
            Run(() => signal = ForwardModel.Simulate(distribution, kernels, a1, a2, snr, seed), distribution);
            WriteObject(signal);
        }
    }

    private static Experiment InferExperiment(Distribution2D d) => (d.Axis1.Name, d.Axis2.Name) switch
    {
        ("T1", "T2") => Engine.Kernels.Experiment.T1T2,
        ("T2", "T2") => Engine.Kernels.Experiment.T2T2,
        ("T1", "D") => Engine.Kernels.Experiment.T1D,
        ("D", "T2") => Engine.Kernels.Experiment.DT2,
        ("T1", "None") => Engine.Kernels.Experiment.T1,
        ("T2", "None") => Engine.Kernels.Experiment.T2,
        ("D", "None") => Engine.Kernels.Experiment.D,
        _ => throw new NmrInputException("ExperimentUnknown", $"Cannot tell the experiment of a {d.Axis1.Name}-{d.Axis2.Name} distribution; pass -Experiment."),
    };
}
