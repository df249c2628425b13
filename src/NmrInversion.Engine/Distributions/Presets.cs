namespace NmrInversion.Engine.Distributions;

/// <summary>
/// The eight T1-T2 distributions of Table 1 of Beckmann et al. ("Deep Learning as a Method for Inversion of NMR
/// Signals"): two lognormal peaks at (T1, T2) = (10^-1.30, 10^-2.30) s and (10^-0.60, 10^-1.60) s with equal
/// weight, whose log standard deviations grow from A (0.05, sparse) to G (0.20, smooth); H pairs a smooth peak (0.18)
/// with a sparse one (0.08). Both dimensions of a peak share the same log standard deviation.
/// </summary>
public static class Presets
{
    /// <summary>Preset letters in order.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "A", "B", "C", "D", "E", "F", "G", "H" };

    /// <summary>Log means of the two peaks (T1, T2), base-10 logs of seconds.</summary>
    public static (double T1, double T2)[] PeakLogMeans { get; } = { (-1.30, -2.30), (-0.60, -1.60) };

    private static readonly Dictionary<string, (double First, double Second)> LogSds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["A"] = (0.05, 0.05),
        ["B"] = (0.08, 0.08),
        ["C"] = (0.10, 0.10),
        ["D"] = (0.13, 0.13),
        ["E"] = (0.15, 0.15),
        ["F"] = (0.18, 0.18),
        ["G"] = (0.20, 0.20),
        ["H"] = (0.18, 0.08),
    };

    /// <summary>The log standard deviations of the first and second peak of a preset.</summary>
    public static (double First, double Second) LogStandardDeviations(string preset) =>
        LogSds.TryGetValue(preset, out var sd)
            ? sd
            : throw new NmrInputException("PresetUnknown", $"Unknown preset '{preset}'; the presets are A, B, C, D, E, F, G and H (Table 1 of the paper).");

    /// <summary>The two lognormal components of a preset.</summary>
    public static LognormalComponent[] Components(string preset)
    {
        var (sd1, sd2) = LogStandardDeviations(preset);
        return new[]
        {
            new LognormalComponent(PeakLogMeans[0].T1, sd1, PeakLogMeans[0].T2, sd1, 1.0),
            new LognormalComponent(PeakLogMeans[1].T1, sd2, PeakLogMeans[1].T2, sd2, 1.0),
        };
    }

    /// <summary>A preset on the paper's grid (64 x 64; T1 1e-3..1e1 s, T2 1e-4..1e0 s) or on given axes.</summary>
    public static Distribution2D Create(string preset, Grids.RelaxationAxis? axis1 = null, Grids.RelaxationAxis? axis2 = null)
    {
        var components = Components(preset);
        return Distribution2D.FromComponents(components, axis1 ?? Grids.RelaxationAxis.PaperT1(), axis2 ?? Grids.RelaxationAxis.PaperT2(), preset.ToUpperInvariant());
    }
}
