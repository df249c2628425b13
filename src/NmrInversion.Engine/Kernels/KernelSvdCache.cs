using System.Collections.Concurrent;
using NmrInversion.Engine.Grids;

namespace NmrInversion.Engine.Kernels;

/// <summary>
/// Kernel matrices and their SVDs, computed once per (kernel, acquisition grid, relaxation grid) and shared by every
/// method and thread. Bounded: when it holds more than <see cref="Capacity"/> grids it starts afresh.
/// Thread-safe.
/// </summary>
public sealed class KernelSvdCache
{
    private readonly ConcurrentDictionary<(KernelKind, AcquisitionAxis, RelaxationAxis, double), Lazy<KernelSvd>> _entries = new();

    /// <summary>The process-wide cache.</summary>
    public static KernelSvdCache Shared { get; } = new();

    public int Capacity { get; init; } = 64;

    public int Count => _entries.Count;

    /// <summary>The SVD of a kernel; <paramref name="inversionEfficiency"/> applies to inversion recovery only (see <see cref="Kernel.Evaluate(KernelKind, double, double, double)"/>).</summary>
    public KernelSvd Get(KernelKind kind, AcquisitionAxis acquisition, RelaxationAxis relaxation, double inversionEfficiency = 1.0)
    {
        if (kind != KernelKind.InversionRecovery) inversionEfficiency = 1.0;
        if (_entries.Count > Capacity) _entries.Clear();
        return _entries.GetOrAdd((kind, acquisition, relaxation, inversionEfficiency),
            key => new Lazy<KernelSvd>(() => new KernelSvd(key.Item1, key.Item2, key.Item3, key.Item4))).Value;
    }

    /// <summary>Kernel <paramref name="dimension"/> (1 or 2) of a kernel pair, with its inversion efficiency.</summary>
    public KernelSvd Get(KernelPair kernels, int dimension, AcquisitionAxis acquisition, RelaxationAxis relaxation) =>
        Get(dimension == 1 ? kernels.Kernel1 : kernels.Kernel2, acquisition, relaxation, kernels.EfficiencyOf(dimension));

    public double[,] Matrix(KernelKind kind, AcquisitionAxis acquisition, RelaxationAxis relaxation, double inversionEfficiency = 1.0) =>
        Get(kind, acquisition, relaxation, inversionEfficiency).Matrix;
}
