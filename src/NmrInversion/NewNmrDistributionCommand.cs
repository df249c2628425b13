using System.Management.Automation;
using NmrInversion.Engine;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Creates relaxation distributions: the paper's presets A-H, your own lognormal peaks, or random training-recipe maps.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "NmrDistribution", DefaultParameterSetName = PresetSet)]
[OutputType(typeof(Distribution2D))]
public sealed class NewNmrDistributionCommand : NmrCmdlet
{
    private const string PresetSet = "Preset";
    private const string ComponentSet = "Component";
    private const string RandomSet = "Random";

    /// <summary>Preset letters A..H (Table 1 of the paper).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PresetSet, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(PresetCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Preset { get; set; } = Array.Empty<string>();

    /// <summary>Lognormal peaks, each five numbers: log10 mean and log10 sd along axis 1, the same along axis 2, weight.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ComponentSet)]
    [ValidateNotNullOrEmpty]
    public double[][] Component { get; set; } = Array.Empty<double[]>();

    /// <summary>Random maps from the paper's training recipe.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RandomSet)]
    public SwitchParameter Random { get; set; }

    [Parameter(ParameterSetName = RandomSet)]
    [ValidateRange(1, 1_000_000)]
    public int Count { get; set; } = 1;

    [Parameter(ParameterSetName = RandomSet)]
    public int Seed { get; set; }

    /// <summary>Name given to custom distributions.</summary>
    [Parameter(ParameterSetName = ComponentSet)]
    public string Name { get; set; } = "Custom";

    /// <summary>The experiment whose quantities the axes hold (T1T2 by default).</summary>
    [Parameter]
    public Experiment Experiment { get; set; } = Experiment.T1T2;

    /// <summary>Grid values of the first axis (defaults: the experiment's default grid).</summary>
    [Parameter]
    public double[]? Axis1 { get; set; }

    /// <summary>Grid values of the second axis.</summary>
    [Parameter]
    public double[]? Axis2 { get; set; }

    /// <summary>Number of points of the default grids (64, as in the paper).</summary>
    [Parameter]
    [ValidateRange(2, 4096)]
    public int Points { get; set; } = 64;

    private RelaxationAxis? _axis1;
    private RelaxationAxis? _axis2;

    protected override void BeginProcessing()
    {
        Run(() =>
        {
            var kernels = KernelPair.For(Experiment);
            var (d1, d2) = kernels.DefaultRelaxationAxes(Points);
            _axis1 = Axis1 is null ? d1 : new RelaxationAxis(d1.Name, Axis1);
            _axis2 = Axis2 is null ? d2 : new RelaxationAxis(d2.Name, Axis2);
        }, null);
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case PresetSet:
                foreach (var p in Preset)
                {
                    Distribution2D? d = null;
                    Run(() => d = Presets.Create(p.Trim(), _axis1, _axis2), p);
                    WriteObject(d);
                }
                break;
            case ComponentSet:
                Run(() =>
                {
                    // PowerShell binds -Component @(-1, 0.1, -2, 0.1, 1) as five one-element arrays: read that as one peak
                    // (and a flat list of 10, 15, ... numbers as consecutive peaks).
                    var groups = Component.All(c => c is { Length: 1 }) && Component.Length % 5 == 0
                        ? Component.Select(c => c[0]).Chunk(5).ToArray()
                        : Component;
                    var comps = groups.Select((c, k) => c is { Length: 5 }
                        ? new LognormalComponent(c[0], c[1], c[2], c[3], c[4])
                        : throw new NmrInputException("ComponentShapeInvalid",
                            $"Component {k + 1} has {c?.Length ?? 0} numbers; each needs five: axis-1 log10 mean, axis-1 log10 sd, axis-2 log10 mean, axis-2 log10 sd, weight.")).ToArray();
                    WriteObject(Distribution2D.FromComponents(comps, _axis1!, _axis2!, Name));
                }, Component);
                break;
            case RandomSet:
                var generator = new RandomDistributions(_axis1!, _axis2!);
                for (int k = 0; k < Count; k++)
                {
                    if (Stopping) return;
                    var rng = new System.Random(NoiseModel.DeriveSeed(Seed, k));
                    WriteObject(generator.Next(rng, $"Random {Seed}/{k}"));
                }
                break;
        }
    }
}
