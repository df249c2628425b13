using System.Text;

namespace NmrInversion.Engine.Formats;

/// <summary>The file formats Import-NmrSignal reads.</summary>
public enum SignalFormat
{
    /// <summary>Recognise the format from the path and the first bytes.</summary>
    Auto,
    /// <summary>Delimited text: CSV, TSV, semicolon or whitespace separated.</summary>
    Csv,
    /// <summary>The module's own JSON (Export-NmrSignal -Format Json).</summary>
    Json,
    /// <summary>Magritek Spinsolve: data file + acqu.par.</summary>
    Spinsolve,
    /// <summary>Bruker minispec .dps.</summary>
    Minispec,
    /// <summary>Oxford Instruments GeoSpec text export.</summary>
    GeoSpec,
    /// <summary>Tecmag TNMR .tnt (binary).</summary>
    Tecmag,
}

/// <summary>
/// Recognises a measurement's format: a folder or file with an <c>acqu.par</c> beside it is Spinsolve; otherwise the
/// first bytes decide: "TNT1.nnn" is Tecmag TNMR, '{' is our JSON, "[GITData]" GeoSpec, index/time/amplitude
/// tab-separated lines (or a .dps extension) minispec, other text delimited text. Other binary files are refused with
/// the bytes found.
/// </summary>
public static class FormatDetection
{
    private const int HeadBytes = 4096;

    public static SignalFormat Detect(string path)
    {
        if (Directory.Exists(path))
        {
            if (Spinsolve.FindParameterFile(path) is not null) return SignalFormat.Spinsolve;
            throw new NmrInputException("FormatNotRecognized",
                $"'{path}' is a folder without an acqu.par. A folder is read as one Spinsolve measurement (data file + acqu.par); to import every file of a folder, pipe them: Get-ChildItem '{path}' -File | Import-NmrSignal.", InputProblem.Data);
        }
        if (!File.Exists(path))
            throw new NmrInputException("FileNotFound", $"File '{path}' does not exist.", InputProblem.NotFound);
        string name = Path.GetFileName(path);
        if (name.Equals("acqu.par", StringComparison.OrdinalIgnoreCase)) return SignalFormat.Spinsolve;

        byte[] head = ReadHead(path);
        if (head.Length == 0)
            throw new NmrInputException("FileEmpty", $"File '{path}' is empty; expected a measurement (delimited text, JSON, Spinsolve, minispec .dps, GeoSpec .txt or Tecmag .tnt).", InputProblem.Data);
        if (Tecmag.LooksLikeTecmag(head)) return SignalFormat.Tecmag;
        if (IsBinary(head))
            throw new NmrInputException("FormatNotRecognized",
                $"File '{path}' is binary (starts with {Describe(head)}); expected a text measurement: delimited text (CSV/TSV), NmrInversion JSON, a Spinsolve data file with acqu.par, a minispec .dps or a GeoSpec .txt; of binary formats only Tecmag TNMR .tnt is read. Export other binary data (Bruker TopSpin ser/fid, for example) as text.", InputProblem.Data);
        string text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF');
        if (SignalJson.LooksLikeJson(text)) return SignalFormat.Json;
        if (GeoSpec.LooksLikeGeoSpec(text)) return SignalFormat.GeoSpec;
        var lines = text.Split('\n').Take(6).ToList();
        if (lines.Count > 1) lines.RemoveAt(lines.Count - 1); // the last line may be cut at HeadBytes
        if (Path.GetExtension(path).Equals(".dps", StringComparison.OrdinalIgnoreCase) || Minispec.LooksLikeMinispec(lines)) return SignalFormat.Minispec;
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is ".dat" or ".1d" or ".2d" && Spinsolve.FindParameterFile(path) is not null) return SignalFormat.Spinsolve;
        return SignalFormat.Csv;
    }

    private static byte[] ReadHead(string path)
    {
        using var f = File.OpenRead(path);
        var buffer = new byte[HeadBytes];
        int n = f.Read(buffer, 0, buffer.Length);
        return buffer[..n];
    }

    private static bool IsBinary(byte[] head)
    {
        bool utf16 = head.Length >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF));
        if (utf16) return false;
        if (head.Contains((byte)0)) return true;
        // Text has no control characters besides tab, line feed, form feed, carriage return (and a stray escape);
        // random or packed binary bytes have about one in eight.
        int control = head.Count(b => b < 0x20 && b is not (0x09 or 0x0A or 0x0C or 0x0D or 0x1B) || b == 0x7F);
        return control > head.Length / 100;
    }

    private static string Describe(byte[] head)
    {
        var sb = new StringBuilder();
        foreach (var b in head.Take(8)) sb.Append(b is >= 32 and < 127 ? ((char)b).ToString() : $"\\x{b:X2}");
        return $"'{sb}'";
    }
}
