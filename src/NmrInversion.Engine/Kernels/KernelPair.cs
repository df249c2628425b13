using NmrInversion.Engine.Grids;

namespace NmrInversion.Engine.Kernels;

/// <summary>The experiments the module knows. 2D ones correlate two quantities; 1D ones have a single kernel.</summary>
public enum Experiment
{
    T1T2,
    T2T2,
    T1D,
    DT2,
    T1,
    T2,
    D,
}

/// <summary>How T1 is encoded: inversion recovery (default) or saturation recovery.</summary>
public enum T1Recovery
{
    Inversion,
    Saturation,
}

/// <summary>
/// The two kernels of a (possibly 1D) experiment: S = K1 F K2^T. For 1D experiments the second kernel is
/// <see cref="KernelKind.None"/> and the second axes have one point. An inversion-recovery kernel carries the
/// <see cref="InversionEfficiency"/> of the measurement (1, a perfect inversion, unless stated).
/// </summary>
public sealed record KernelPair(KernelKind Kernel1, KernelKind Kernel2)
{
    private readonly double _inversionEfficiency = 1.0;

    /// <summary>
    /// The inversion efficiency kappa of an inversion-recovery kernel: k(t1, T1) = 1 - (1 + kappa) exp(-t1 / T1), in (0, 1];
    /// 1 (the default, and the paper's kernel) is a perfect 180-degree inversion. Real inversion pulses (B1 inhomogeneity,
    /// miscalibration) leave kappa below 1, so the first inversion time reads above -M0. Only an inversion-recovery first
    /// kernel may have kappa != 1.
    /// </summary>
    public double InversionEfficiency
    {
        get => _inversionEfficiency;
        init
        {
            CheckInversionEfficiency(value);
            if (value != 1.0 && Kernel1 != KernelKind.InversionRecovery)
                throw new NmrInputException("InversionEfficiencyNotApplicable",
                    $"An inversion efficiency applies to inversion-recovery T1 kernels only; these kernels are {Kernel1} x {Kernel2}.");
            _inversionEfficiency = value;
        }
    }

    /// <summary>The same kernels with inversion efficiency <paramref name="kappa"/> (see <see cref="InversionEfficiency"/>).</summary>
    public KernelPair WithInversionEfficiency(double kappa) => this with { InversionEfficiency = kappa };

    /// <summary>Throws InversionEfficiencyInvalid unless 0 &lt; <paramref name="kappa"/> &lt;= 1.</summary>
    public static void CheckInversionEfficiency(double kappa)
    {
        if (!(kappa > 0 && kappa <= 1))
            throw new NmrInputException("InversionEfficiencyInvalid",
                $"The inversion efficiency must be in (0, 1] (1 = a perfect inversion, M(0) = -M0); got {kappa}.");
    }

    /// <summary>The inversion efficiency that applies to kernel 1 or 2 (1 for every kernel but inversion recovery).</summary>
    public double EfficiencyOf(int dimension) => dimension == 1 && Kernel1 == KernelKind.InversionRecovery ? _inversionEfficiency : 1.0;

    /// <summary>The kernels of an experiment.</summary>
    public static KernelPair For(Experiment experiment, T1Recovery recovery = T1Recovery.Inversion)
    {
        var t1 = recovery == T1Recovery.Inversion ? KernelKind.InversionRecovery : KernelKind.SaturationRecovery;
        return experiment switch
        {
            Experiment.T1T2 => new KernelPair(t1, KernelKind.T2Decay),
            Experiment.T2T2 => new KernelPair(KernelKind.T2Decay, KernelKind.T2Decay),
            Experiment.T1D => new KernelPair(t1, KernelKind.Diffusion),
            Experiment.DT2 => new KernelPair(KernelKind.Diffusion, KernelKind.T2Decay),
            Experiment.T1 => new KernelPair(t1, KernelKind.None),
            Experiment.T2 => new KernelPair(KernelKind.T2Decay, KernelKind.None),
            Experiment.D => new KernelPair(KernelKind.Diffusion, KernelKind.None),
            _ => throw new ArgumentOutOfRangeException(nameof(experiment)),
        };
    }

    /// <summary>The paper's experiment: T1 inversion recovery x T2 CPMG decay.</summary>
    public static KernelPair PaperT1T2 { get; } = For(Experiment.T1T2);

    /// <summary>1 or 2.</summary>
    public int Dimensions => Kernel2 == KernelKind.None ? 1 : 2;

    /// <summary>The experiment these kernels describe.</summary>
    public Experiment Experiment => (Kernel1, Kernel2) switch
    {
        (KernelKind.InversionRecovery or KernelKind.SaturationRecovery, KernelKind.T2Decay) => Experiment.T1T2,
        (KernelKind.T2Decay, KernelKind.T2Decay) => Experiment.T2T2,
        (KernelKind.InversionRecovery or KernelKind.SaturationRecovery, KernelKind.Diffusion) => Experiment.T1D,
        (KernelKind.Diffusion, KernelKind.T2Decay) => Experiment.DT2,
        (KernelKind.InversionRecovery or KernelKind.SaturationRecovery, KernelKind.None) => Experiment.T1,
        (KernelKind.T2Decay, KernelKind.None) => Experiment.T2,
        (KernelKind.Diffusion, KernelKind.None) => Experiment.D,
        _ => throw new InvalidOperationException($"No experiment has kernels {Kernel1} x {Kernel2}."),
    };

    /// <summary>The default relaxation grids of this experiment (the paper's for T1 and T2).</summary>
    public (RelaxationAxis Axis1, RelaxationAxis Axis2) DefaultRelaxationAxes(int count = 64) =>
        (DefaultRelaxation(Kernel1, count, first: true), DefaultRelaxation(Kernel2, count, first: false));

    /// <summary>The default acquisition grids of this experiment (the paper's for t1 and t2).</summary>
    public (AcquisitionAxis Axis1, AcquisitionAxis Axis2) DefaultAcquisitionAxes(int count = 64) =>
        (DefaultAcquisition(Kernel1, count, first: true), DefaultAcquisition(Kernel2, count, first: false));

    /// <summary>Checks that the axes name the quantities these kernels need (T1 for a recovery kernel and so on).</summary>
    public void CheckAxes(RelaxationAxis axis1, RelaxationAxis axis2)
    {
        Check(axis1, Kernel.RelaxationName(Kernel1), 1);
        Check(axis2, Kernel.RelaxationName(Kernel2), 2);
    }

    private static void Check(Axis axis, string expected, int index)
    {
        if (axis.Name != expected)
            throw new NmrInputException("AxisKernelMismatch", $"Axis {index} is {axis.Name} but the kernel of dimension {index} resolves {expected}.", InputProblem.Data);
    }

    private static RelaxationAxis DefaultRelaxation(KernelKind kind, int count, bool first) => kind switch
    {
        KernelKind.InversionRecovery or KernelKind.SaturationRecovery => RelaxationAxis.PaperT1(count),
        KernelKind.T2Decay => first ? RelaxationAxis.LogSpaced("T2", 1e-4, 1e0, count) : RelaxationAxis.PaperT2(count),
        KernelKind.Diffusion => RelaxationAxis.DefaultD(count),
        _ => RelaxationAxis.Single(),
    };

    private static AcquisitionAxis DefaultAcquisition(KernelKind kind, int count, bool first) => kind switch
    {
        KernelKind.InversionRecovery or KernelKind.SaturationRecovery => AcquisitionAxis.PaperT1(count),
        KernelKind.T2Decay => first ? AcquisitionAxis.LogSpaced("t2", 1e-4, 1e0, count) : AcquisitionAxis.PaperT2(count),
        KernelKind.Diffusion => AcquisitionAxis.DefaultB(count),
        _ => AcquisitionAxis.Single(),
    };

    public override string ToString()
    {
        string kernels = Dimensions == 1 ? $"{Experiment} ({Kernel1})" : $"{Experiment} ({Kernel1} x {Kernel2})";
        return _inversionEfficiency == 1.0 ? kernels
            : kernels + string.Create(System.Globalization.CultureInfo.InvariantCulture, $", inversion efficiency {_inversionEfficiency:0.####}");
    }
}
