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
    private readonly ConcurrentDictionary<(KernelKind, AcquisitionAxis, RelaxationAxis), Lazy<KernelSvd>> _entries = new();

    /// <summary>The process-wide cache.</summary>
    public static KernelSvdCache Shared { get; } = new();

    public int Capacity { get; init; } = 64;

    public int Count => _entries.Count;

    public KernelSvd Get(KernelKind kind, AcquisitionAxis acquisition, RelaxationAxis relaxation)
    {
        if (_entries.Count > Capacity) _entries.Clear();
        return _entries.GetOrAdd((kind, acquisition, relaxation),
            key => new Lazy<KernelSvd>(() => new KernelSvd(key.Item1, key.Item2, key.Item3))).Value;
    }

    public double[,] Matrix(KernelKind kind, AcquisitionAxis acquisition, RelaxationAxis relaxation) => Get(kind, acquisition, relaxation).Matrix;
}
