using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using NmrInversion.Engine.Distributions;

namespace NmrInversion.Commands;

/// <summary>Completes -Preset with A..H, showing each preset's log standard deviations as the tooltip.</summary>
public sealed class PresetCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        foreach (var name in Presets.Names)
        {
            if (!name.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase)) continue;
            var (a, b) = Presets.LogStandardDeviations(name);
            yield return new CompletionResult(name, name, CompletionResultType.ParameterValue,
                string.Create(CultureInfo.InvariantCulture, $"Preset {name}: log sd {a:0.00} (peak at T1 0.05 s, T2 0.005 s) and {b:0.00} (peak at T1 0.25 s, T2 0.025 s)"));
        }
    }
}
