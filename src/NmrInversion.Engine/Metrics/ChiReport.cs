using System.Globalization;

namespace NmrInversion.Engine.Metrics;

/// <summary>One comparison of a reconstruction with its reference, as Measure-NmrChi reports it.</summary>
public sealed record ChiReport(string Method, string Preset, double? Snr, double Chi2D, double ChiT1, double ChiT2)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Method} {Preset}{(Snr is { } s ? $" SNR {s:G4}" : "")}: chi 2D {Chi2D:G4}, T1 {ChiT1:G4}, T2 {ChiT2:G4}");
}
