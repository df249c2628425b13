using System.Globalization;
using System.Text;

namespace NmrInversion.Engine.Formats;

/// <summary>
/// A table of text cells read from a delimited text file, with the file line each row came from (1-based) so that
/// errors can name line and column.
/// </summary>
public sealed class DelimitedTable
{
    internal DelimitedTable(string source, string delimiterName, bool decimalComma, List<string[]> rows, List<int> lines)
    {
        Source = source;
        DelimiterName = delimiterName;
        DecimalComma = decimalComma;
        Rows = rows;
        Lines = lines;
    }

    /// <summary>File name (for messages).</summary>
    public string Source { get; }

    /// <summary>"comma", "semicolon", "tab" or "whitespace".</summary>
    public string DelimiterName { get; }

    /// <summary>True when numbers use a decimal comma (only allowed with an explicit non-comma delimiter).</summary>
    public bool DecimalComma { get; }

    /// <summary>Cells, trimmed and unquoted.</summary>
    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>The 1-based file line of each row.</summary>
    public IReadOnlyList<int> Lines { get; }

    public int RowCount => Rows.Count;

    /// <summary>True when the cell parses as a finite number.</summary>
    public bool IsNumber(int row, int column) => DelimitedText.TryParseNumber(Rows[row][column], DecimalComma, out double v) && double.IsFinite(v);

    /// <summary>The number in a cell, or an <see cref="NmrInputException"/> naming line and column.</summary>
    public double Number(int row, int column) => DelimitedText.ParseNumber(Rows[row][column], DecimalComma, Source, Lines[row], column + 1);

    /// <summary>Throws CsvRaggedRow when rows <paramref name="from"/>.. do not all have the cell count of row <paramref name="from"/>.</summary>
    public int CheckRectangular(int from = 0)
    {
        int n = Rows[from].Length;
        for (int r = from + 1; r < Rows.Count; r++)
            if (Rows[r].Length != n)
                throw new NmrInputException("CsvRaggedRow",
                    $"{Source}, line {Lines[r]}: {Rows[r].Length} cells, but line {Lines[from]} has {n}; every row of the matrix must have the same number of {DelimiterName}-separated cells.", InputProblem.Data);
        return n;
    }
}

/// <summary>
/// Reading and writing delimited text (CSV, TSV, semicolon, whitespace). Numbers are read and written with the
/// invariant culture: decimal point, optional exponent, written with the shortest round-trip form ("R") so that a
/// written file reads back to the bit. A UTF-8 (or UTF-16) byte order mark is skipped, double-quoted cells are
/// unquoted, blank lines and lines starting with '#' are skipped.
/// <para>
/// Decimal commas: refused (ErrorId CsvDecimalComma) unless the caller names a delimiter that is not a comma
/// (semicolon, tab or whitespace): then "1,5" can only mean 1.5 and is read so. A decimal comma in an auto-detected
/// file is ambiguous (is "1,5;2" two cells or three?) and gets an error that says which delimiter to pass.
/// </para>
/// </summary>
public static class DelimitedText
{
    /// <summary>Reads a file. <paramref name="delimiter"/>: ",", ";", "\t", " " (any whitespace), or null to detect.</summary>
    public static DelimitedTable ReadFile(string path, string? delimiter = null)
    {
        if (!File.Exists(path))
            throw new NmrInputException("FileNotFound", $"File '{path}' does not exist.", InputProblem.NotFound);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, Path.GetFileName(path), delimiter);
    }

    /// <summary>Reads delimited text from a reader; <paramref name="source"/> names it in messages.</summary>
    public static DelimitedTable Read(TextReader reader, string source, string? delimiter = null)
    {
        var lines = new List<(int Line, string Text)>();
        string? text;
        int number = 0;
        while ((text = reader.ReadLine()) is not null)
        {
            number++;
            if (number == 1) text = text.TrimStart('\uFEFF');
            string t = text.Trim();
            if (t.Length == 0 || t[0] == '#') continue;
            lines.Add((number, t));
        }
        if (lines.Count == 0)
            throw new NmrInputException("CsvEmpty", $"{source} holds no data rows (only blank or '#' comment lines).", InputProblem.Data);

        char sep;
        bool explicitDelimiter = delimiter is not null;
        if (delimiter is null) sep = Detect(lines.Take(20).Select(l => l.Text));
        else sep = ParseDelimiter(delimiter);
        bool decimalComma = explicitDelimiter && sep != ',';

        var rows = new List<string[]>(lines.Count);
        var rowLines = new List<int>(lines.Count);
        foreach (var (line, t) in lines)
        {
            rows.Add(Split(t, sep, source, line));
            rowLines.Add(line);
        }
        if (!explicitDelimiter && sep != ',')
        {
            // A decimal comma in an auto-detected ';', tab or whitespace file: say what to pass rather than guessing.
            for (int r = 0; r < rows.Count; r++)
                for (int c = 0; c < rows[r].Length; c++)
                    if (LooksLikeDecimalComma(rows[r][c]))
                        throw DecimalCommaError(source, rowLines[r], c + 1, rows[r][c],
                            $"Pass -Delimiter '{(sep == '\t' ? "`t" : sep == ' ' ? " " : sep.ToString())}' to read decimal commas in this {NameOf(sep)}-separated file, or save it with decimal points.");
        }
        return new DelimitedTable(source, NameOf(sep), decimalComma, rows, rowLines);
    }

    private static char Detect(IEnumerable<string> lines)
    {
        var sample = lines.ToList();
        if (sample.Any(l => l.Contains('\t'))) return '\t';
        if (sample.Any(l => l.Contains(';'))) return ';';
        if (sample.Any(l => l.Contains(','))) return ',';
        return ' ';
    }

    private static char ParseDelimiter(string delimiter) => delimiter switch
    {
        "," or "comma" => ',',
        ";" or "semicolon" => ';',
        "\t" or "tab" or "`t" or "\\t" => '\t',
        " " or "space" or "whitespace" => ' ',
        _ => throw new NmrInputException("DelimiterInvalid", $"Delimiter '{delimiter}' is not supported; use ',', ';', a tab (\"`t\") or ' ' (any run of spaces and tabs)."),
    };

    private static string NameOf(char sep) => sep switch { ',' => "comma", ';' => "semicolon", '\t' => "tab", _ => "whitespace" };

    private static string[] Split(string line, char sep, string source, int lineNumber)
    {
        if (sep == ' ')
            return line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries).Select(Unquote).ToArray();
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                    else quoted = false;
                }
                else cell.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == sep) { cells.Add(cell.ToString().Trim()); cell.Clear(); }
            else cell.Append(ch);
        }
        if (quoted)
            throw new NmrInputException("CsvQuoteUnclosed", $"{source}, line {lineNumber}: a double quote is opened but never closed.", InputProblem.Data);
        cells.Add(cell.ToString().Trim());
        // A trailing delimiter ("1,2,3,") leaves one empty cell: drop it.
        if (cells.Count > 1 && cells[^1].Length == 0) cells.RemoveAt(cells.Count - 1);
        return cells.ToArray();
    }

    private static string Unquote(string cell) => cell.Length >= 2 && cell[0] == '"' && cell[^1] == '"' ? cell[1..^1].Trim() : cell;

    internal static bool TryParseNumber(string cell, bool decimalComma, out double value)
    {
        string s = cell.Trim();
        if (decimalComma && s.Contains(',') && !s.Contains('.')) s = s.Replace(',', '.');
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Parses one cell with the invariant culture; errors name the file, line and column.</summary>
    public static double ParseNumber(string cell, bool decimalComma, string source, int line, int column)
    {
        if (!TryParseNumber(cell, decimalComma, out double v))
        {
            if (LooksLikeDecimalComma(cell))
                throw DecimalCommaError(source, line, column, cell,
                    "Numbers are read with a decimal point; in a comma-separated file a decimal comma cannot be told from a delimiter. Save the file with decimal points, or with ';' between cells and pass -Delimiter ';'.");
            throw new NmrInputException("CsvCellNotNumeric",
                $"{source}, line {line}, column {column}: '{Shorten(cell)}' is not a number; every cell of the matrix and the axes must be a number such as 0.0125 or 1.25e-2 (decimal point, invariant culture).", InputProblem.Data);
        }
        if (!double.IsFinite(v))
            throw new NmrInputException("CsvCellNotFinite", $"{source}, line {line}, column {column}: '{Shorten(cell)}' is not a finite number.", InputProblem.Data);
        return v;
    }

    private static bool LooksLikeDecimalComma(string cell)
    {
        string s = cell.Trim();
        int comma = s.IndexOf(',');
        if (comma <= 0 || comma != s.LastIndexOf(',') || s.Contains('.')) return false;
        return double.TryParse(s.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    private static NmrInputException DecimalCommaError(string source, int line, int column, string cell, string advice) =>
        new("CsvDecimalComma", $"{source}, line {line}, column {column}: '{Shorten(cell)}' uses a decimal comma. {advice}", InputProblem.Data);

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "..." : s;

    /// <summary>Formats a number so that it reads back to the same bits (invariant culture, round-trip).</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes a matrix in the spreadsheet layout: a header row with <paramref name="corner"/> then the column axis, and
    /// one row per row-axis value followed by that row's values. Comma-separated, invariant culture, round-trip numbers.
    /// </summary>
    public static void WriteMatrix(TextWriter writer, string corner, ReadOnlySpan<double> rowAxis, ReadOnlySpan<double> columnAxis, double[,] values)
    {
        var sb = new StringBuilder();
        sb.Append(corner);
        foreach (var c in columnAxis) sb.Append(',').Append(Format(c));
        writer.Write(sb.Append('\n').ToString());
        for (int i = 0; i < rowAxis.Length; i++)
        {
            sb.Clear().Append(Format(rowAxis[i]));
            for (int j = 0; j < columnAxis.Length; j++) sb.Append(',').Append(Format(values[i, j]));
            writer.Write(sb.Append('\n').ToString());
        }
    }

    /// <summary>Writes two columns with a header row: axis, values.</summary>
    public static void WriteColumns(TextWriter writer, string axisName, string valueName, ReadOnlySpan<double> axis, double[,] values)
    {
        writer.Write($"{axisName},{valueName}\n");
        for (int i = 0; i < axis.Length; i++) writer.Write($"{Format(axis[i])},{Format(values[i, 0])}\n");
    }
}
