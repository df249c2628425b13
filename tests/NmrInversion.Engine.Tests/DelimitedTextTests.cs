using NmrInversion.Engine.Formats;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class DelimitedTextTests
{
    private static DelimitedTable Read(string text, string? delimiter = null) =>
        DelimitedText.Read(new StringReader(text), "test.csv", delimiter);

    [Theory]
    [InlineData("1,2\n3,4\n", "comma")]
    [InlineData("1\t2\n3\t4\n", "tab")]
    [InlineData("1;2\n3;4\n", "semicolon")]
    [InlineData("1  2\n3    4\n", "whitespace")]
    public void DetectsTheDelimiter(string text, string name)
    {
        var t = Read(text);
        Assert.Equal(name, t.DelimiterName);
        Assert.Equal(4.0, t.Number(1, 1));
    }

    [Fact]
    public void SkipsAByteOrderMarkBlankAndCommentLines()
    {
        string path = TestData.Write("bom.csv", "# comment\n\n0.5,1.5e-3\r\n", bom: true);
        Assert.Equal(0xEF, File.ReadAllBytes(path)[0]);
        var t = DelimitedText.ReadFile(path);
        Assert.Equal(1, t.RowCount);
        Assert.Equal(3, t.Lines[0]);
        Assert.Equal(0.5, t.Number(0, 0));
        Assert.Equal(1.5e-3, t.Number(0, 1));
    }

    [Fact]
    public void UnquotesQuotedNumbers()
    {
        var t = Read("\"0.25\",\" -3e2 \"\n");
        Assert.Equal(0.25, t.Number(0, 0));
        Assert.Equal(-300.0, t.Number(0, 1));
    }

    [Fact]
    public void TextCellsNameLineAndColumn()
    {
        var t = Read("1,2\n3,abc\n");
        var e = Assert.Throws<NmrInputException>(() => t.Number(1, 1));
        Assert.Equal("CsvCellNotNumeric", e.ErrorId);
        Assert.Equal(InputProblem.Data, e.Problem);
        Assert.Contains("line 2, column 2", e.Message);
        Assert.Contains("'abc'", e.Message);
    }

    [Fact]
    public void RaggedRowsNameTheLine()
    {
        var t = Read("1,2,3\n4,5,6\n\n7,8\n");
        var e = Assert.Throws<NmrInputException>(() => t.CheckRectangular());
        Assert.Equal("CsvRaggedRow", e.ErrorId);
        Assert.Contains("line 4: 2 cells", e.Message);
    }

    [Fact]
    public void DecimalCommasAreRefusedUnlessTheDelimiterIsNamed()
    {
        // Auto-detected semicolon file: refused, with the delimiter to pass.
        var e = Assert.Throws<NmrInputException>(() => Read("1,5;2,25\n3;4\n"));
        Assert.Equal("CsvDecimalComma", e.ErrorId);
        Assert.Contains("line 1, column 1", e.Message);
        Assert.Contains("-Delimiter ';'", e.Message);
        // Quoted decimal comma in a comma-separated file: refused.
        var t = Read("\"1,5\",2\n");
        e = Assert.Throws<NmrInputException>(() => t.Number(0, 0));
        Assert.Equal("CsvDecimalComma", e.ErrorId);
        // Named semicolon delimiter: read as 1.5.
        t = Read("1,5;2,25\n3;4\n", ";");
        Assert.Equal(1.5, t.Number(0, 0));
        Assert.Equal(2.25, t.Number(0, 1));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0 / 3)]
    [InlineData(6.02214076e23)]
    [InlineData(-4.9406564584124654E-324)]
    [InlineData(1.7976931348623157E+308)]
    public void FormattedNumbersReadBackToTheBit(double x) =>
        Assert.Equal(BitConverter.DoubleToInt64Bits(x), BitConverter.DoubleToInt64Bits(Read(DelimitedText.Format(x) + ",1\n").Number(0, 0)));

    [Fact]
    public void NonFiniteCellsAreRefused()
    {
        var e = Assert.Throws<NmrInputException>(() => Read("NaN,1\n").Number(0, 0));
        Assert.Equal("CsvCellNotFinite", e.ErrorId);
    }
}
