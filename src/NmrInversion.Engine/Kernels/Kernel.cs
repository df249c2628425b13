using NmrInversion.Engine.Grids;

namespace NmrInversion.Engine.Kernels;

/// <summary>The physics of one dimension of an experiment: how a spin population with a given T1, T2 or D contributes at an acquisition point.</summary>
public enum KernelKind
{
    /// <summary>
    /// T1 inversion recovery: k(t, T1) = 1 - 2 exp(-t / T1) for a perfect inversion; with an inversion efficiency kappa
    /// (<see cref="KernelPair.InversionEfficiency"/>) k(t, T1) = 1 - (1 + kappa) exp(-t / T1).
    /// </summary>
    InversionRecovery,
    /// <summary>T1 saturation recovery: k(t, T1) = 1 - exp(-t / T1).</summary>
    SaturationRecovery,
    /// <summary>T2 decay of a CPMG echo train: k(t, T2) = exp(-t / T2).</summary>
    T2Decay,
    /// <summary>Pulsed-field-gradient diffusion attenuation (Stejskal-Tanner): k(b, D) = exp(-b D).</summary>
    Diffusion,
    /// <summary>No second dimension (1D experiments): a 1x1 kernel equal to 1.</summary>
    None,
}

/// <summary>A kernel function and its discretisation into a matrix K[i, j] = k(acquisition[i], relaxation[j]).</summary>
public static class Kernel
{
    /// <summary>The kernel value k(t, T) (a perfect inversion for <see cref="KernelKind.InversionRecovery"/>).</summary>
    public static double Evaluate(KernelKind kind, double t, double relaxation) => Evaluate(kind, t, relaxation, 1.0);

    /// <summary>
    /// The kernel value k(t, T); <paramref name="inversionEfficiency"/> kappa applies to <see cref="KernelKind.InversionRecovery"/>
    /// only: k(t, T1) = 1 - (1 + kappa) exp(-t / T1), kappa = 1 a perfect inversion (the longitudinal magnetisation
    /// starts at -M0), kappa = 0 none (it starts at 0, the saturation-recovery form).
    /// </summary>
    public static double Evaluate(KernelKind kind, double t, double relaxation, double inversionEfficiency) => kind switch
    {
        KernelKind.InversionRecovery => inversionEfficiency == 1.0 ? 1.0 - 2.0 * Math.Exp(-t / relaxation) : 1.0 - (1.0 + inversionEfficiency) * Math.Exp(-t / relaxation),
        KernelKind.SaturationRecovery => 1.0 - Math.Exp(-t / relaxation),
        KernelKind.T2Decay => Math.Exp(-t / relaxation),
        KernelKind.Diffusion => Math.Exp(-t * relaxation),
        KernelKind.None => 1.0,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The kernel matrix, rows along the acquisition axis, columns along the relaxation axis.</summary>
    public static double[,] Matrix(KernelKind kind, AcquisitionAxis acquisition, RelaxationAxis relaxation, double inversionEfficiency = 1.0)
    {
        var t = acquisition.AsSpan();
        var r = relaxation.AsSpan();
        var k = new double[t.Length, r.Length];
        for (int i = 0; i < t.Length; i++)
            for (int j = 0; j < r.Length; j++)
                k[i, j] = Evaluate(kind, t[i], r[j], inversionEfficiency);
        return k;
    }

    /// <summary>Name of the relaxation quantity a kernel resolves (T1, T2, D).</summary>
    public static string RelaxationName(KernelKind kind) => kind switch
    {
        KernelKind.InversionRecovery or KernelKind.SaturationRecovery => "T1",
        KernelKind.T2Decay => "T2",
        KernelKind.Diffusion => "D",
        _ => "None",
    };

    /// <summary>Name of the acquisition quantity a kernel is sampled on (t1, t2, b).</summary>
    public static string AcquisitionName(KernelKind kind) => kind switch
    {
        KernelKind.InversionRecovery or KernelKind.SaturationRecovery => "t1",
        KernelKind.T2Decay => "t2",
        KernelKind.Diffusion => "b",
        _ => "None",
    };
}
