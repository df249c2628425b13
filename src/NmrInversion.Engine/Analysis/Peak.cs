using System.Globalization;

namespace NmrInversion.Engine.Analysis;

/// <summary>
/// One peak of a distribution: a connected region above a fraction of the maximum. Positions are mass-weighted log
/// means reported as 10^mean (s for T1/T2, m^2/s for D); widths are mass-weighted standard deviations of log10 (decades,
/// comparable with the log sd of Table 1), never below the grid's resolution, the standard deviation of one cell,
/// step / sqrt(12) (a peak one cell wide is as narrow as the grid can tell, not of zero width). 1D distributions have no second position, width or ratio (null).
/// </summary>
public sealed record Peak(
    int Index,
    string Source,
    string Axis1Name,
    string Axis2Name,
    double Position1,
    double? Position2,
    double LogMean1,
    double? LogMean2,
    double LogWidth1,
    double? LogWidth2,
    double Fraction,
    double Height,
    int Cells)
{
    /// <summary>The sample the peak belongs to: the inversion result's (signal's) name, else the distribution's name.</summary>
    public string Name { get; init; } = Source;

    /// <summary>The inversion method whose map the peak was found in (Tikhonov, MTGV, U-Net); null for a distribution given directly.</summary>
    public string? Method { get; init; }

    /// <summary>The file the sample's signal was imported from; null when not imported.</summary>
    public string? SourceFile { get; init; }

    /// <summary>T1/T2 of a T1-T2 (or T1-D's T1 over nothing: null) map; null for 1D maps and for maps whose axes are not T1 and T2 (a D-T2 or T2-T2 ratio has no meaning a lab reports).</summary>
    public double? Ratio => Axis1Name == "T1" && Axis2Name == "T2" && Position2 is { } p2 ? Position1 / p2 : null;

    /// <summary>
    /// True when the peak reaches into the outermost cells of an axis (the <see cref="Inversion.ResultDiagnostics.EdgeCells"/>
    /// at either end): its position and fraction may be cut by the grid.
    /// </summary>
    public bool AtEdge { get; init; }

    /// <summary>The T1 position (s), if an axis is T1.</summary>
    public double? T1 => Axis1Name == "T1" ? Position1 : null;

    /// <summary>The T2 position (s): axis 2 if it is T2, else axis 1 if it is T2 (T2-T2 maps report the second).</summary>
    public double? T2 => Axis2Name == "T2" ? Position2 : Axis1Name == "T2" ? Position1 : null;

    /// <summary>The diffusion coefficient position (m^2/s), if an axis is D.</summary>
    public double? D => Axis1Name == "D" ? Position1 : Axis2Name == "D" ? Position2 : null;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Peak {Index} of {Name}{(Method is null ? "" : $" ({Method})")}: {Axis1Name} {Position1:G4}{(Position2 is { } p ? $", {Axis2Name} {p:G4}" : "")}, fraction {Fraction:0.###}");
}
