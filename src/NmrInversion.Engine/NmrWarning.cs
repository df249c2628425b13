using System.Globalization;

namespace NmrInversion.Engine;

/// <summary>
/// A doubtful result or measurement, said with a stable <see cref="Id"/> (for scripts, Pester and
/// <c>-WarningAction</c>) and a message that names the likely cause and what to try. Signals and inversion results carry
/// their warnings as data; the cmdlets also write them as PowerShell warnings.
/// </summary>
public sealed record NmrWarning(string Id, string Message)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Id}] {Message}");
}
