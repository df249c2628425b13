using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using NmrInversion.Engine.Network;

namespace NmrInversion.Commands;

/// <summary>
/// Completes -ModelPath with the model cards (NAME.json beside NAME.pt) in the folder being typed, and folders to
/// descend into; each card's tooltip says what the model is for (kernels, grid, architecture, inputs).
/// </summary>
public sealed class ModelPathCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = (wordToComplete ?? "").Trim('\'', '"');
        string cwd = Directory.GetCurrentDirectory();
        try
        {
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            cwd = ps.AddCommand("Get-Location").Invoke<PathInfo>().FirstOrDefault()?.ProviderPath ?? cwd;
        }
        catch (Exception e) when (e is InvalidOperationException or PSInvalidOperationException)
        {
            // no current runspace (called from outside PowerShell): keep the process directory
        }
        string typedDir = word.Contains('/') || word.Contains('\\') ? word[..(word.LastIndexOfAny(new[] { '/', '\\' }) + 1)] : "";
        string prefix = word[typedDir.Length..];
        string dir = Path.GetFullPath(Path.Combine(cwd, typedDir.Length == 0 ? "." : typedDir));
        if (!Directory.Exists(dir)) yield break;

        foreach (var sub in Directory.EnumerateDirectories(dir).OrderBy(d => d, StringComparer.Ordinal))
        {
            string name = Path.GetFileName(sub);
            if (name.StartsWith('.') || !name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            string text = typedDir + name + "/";
            yield return new CompletionResult(Quote(text), text, CompletionResultType.ProviderContainer, sub);
        }
        foreach (var file in Directory.EnumerateFiles(dir, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            string name = Path.GetFileName(file);
            if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            string? tip = Describe(file);
            if (tip is null) continue; // not a model card
            string text = typedDir + name;
            yield return new CompletionResult(Quote(text), text, CompletionResultType.ProviderItem, tip);
        }
    }

    private static string? Describe(string cardPath)
    {
        try
        {
            var card = ModelCard.Load(cardPath);
            var g = card.Grid;
            return string.Create(CultureInfo.InvariantCulture,
                $"{card.Name}: {g.Kernel1} x {g.Kernel2}, signal {g.Acquisition1.Values.Length}x{g.Acquisition2.Values.Length}, map {g.Relaxation1.Values.Length}x{g.Relaxation2.Values.Length}; U-Net depth {card.Architecture.Depth}, {card.Architecture.BaseChannels} base channels; {card.Training.Samples} samples seen");
        }
        catch (Exception e) when (e is Engine.NmrInputException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Quote(string path) => path.Contains(' ') ? "'" + path.Replace("'", "''") + "'" : path;
}
