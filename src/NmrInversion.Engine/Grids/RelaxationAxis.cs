namespace NmrInversion.Engine.Grids;

/// <summary>
/// The grid a distribution lives on: T1 or T2 relaxation times in seconds, or diffusion coefficients D in m^2/s.
/// </summary>
public sealed class RelaxationAxis : Axis
{
    public RelaxationAxis(string name, IReadOnlyList<double> values)
        : base(name, UnitOf(name), values, allowSinglePoint: true)
    {
    }

    /// <summary>The paper's T1 grid: 64 log-spaced points from 1e-3 to 1e1 s.</summary>
    public static RelaxationAxis PaperT1(int count = 64) => new("T1", LogSpace(1e-3, 1e1, count));

    /// <summary>The paper's T2 grid: 64 log-spaced points from 1e-4 to 1e0 s.</summary>
    public static RelaxationAxis PaperT2(int count = 64) => new("T2", LogSpace(1e-4, 1e0, count));

    /// <summary>A default diffusion grid: 64 log-spaced points from 1e-12 to 1e-8 m^2/s.</summary>
    public static RelaxationAxis DefaultD(int count = 64) => new("D", LogSpace(1e-12, 1e-8, count));

    /// <summary>The one-point axis that stands for a missing second dimension of a 1D distribution.</summary>
    public static RelaxationAxis Single() => new("None", new[] { 1.0 });

    public static RelaxationAxis LogSpaced(string name, double minimum, double maximum, int count) => new(name, LogSpace(minimum, maximum, count));

    private static string UnitOf(string name) => name switch
    {
        "D" => "m^2/s",
        "None" => "",
        _ => "s",
    };
}
