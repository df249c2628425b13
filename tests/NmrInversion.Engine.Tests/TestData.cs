namespace NmrInversion.Engine.Tests;

/// <summary>Paths of the test data files (tests/data) and scratch folders.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "tests", "data", "nmrinversions-jl"))) dir = dir.Parent;
        return dir is null ? throw new DirectoryNotFoundException("tests/data not found above " + AppContext.BaseDirectory) : Path.Combine(dir.FullName, "tests", "data");
    });

    /// <summary>A file of the NMRInversions.jl example data, e.g. "csv/IR_sandstone.csv".</summary>
    public static string Real(string relative) => Path.Combine(Root.Value, "nmrinversions-jl", relative);

    /// <summary>A fresh empty folder under the system temp folder.</summary>
    public static string NewFolder()
    {
        string d = Path.Combine(Path.GetTempPath(), "nmrinv-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>Writes text to a new file in a fresh folder and returns its path.</summary>
    public static string Write(string name, string text, bool bom = false)
    {
        string path = Path.Combine(NewFolder(), name);
        File.WriteAllText(path, text, new System.Text.UTF8Encoding(bom));
        return path;
    }
}
