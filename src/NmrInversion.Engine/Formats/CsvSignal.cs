using System.Globalization;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Formats;

/// <summary>
/// Signals and distributions as delimited text. Layouts read:
/// <list type="bullet">
/// <item>2D, spreadsheet layout (no axes passed): a header row with any corner cell then the second axis (t2, or b for
/// T1-D), then one row per first-axis value (t1, or b for D-T2): that value followed by the row of the matrix.
/// Our own export writes the corner as "t1\t2" (axis names), which names the experiment.</item>
/// <item>2D, bare matrix: rows along axis 1, columns along axis 2, with both axes passed (by value or from files).</item>
/// <item>1D: two columns (time or b, amplitude), with an optional text header row ("t2,signal"); or one column of
/// amplitudes with the axis passed.</item>
/// </list>
/// Times are converted with <see cref="ImportOptions.TimeDivisor"/> (ms -> s), b values with <see cref="ImportOptions.BFactor"/>.
/// </summary>
public static class CsvSignal
{
    public static Signal2D Read(string path, ImportOptions options)
    {
        var table = DelimitedText.ReadFile(path, options.Delimiter);
        return Read(table, path, options);
    }

    public static Signal2D Read(DelimitedTable table, string path, ImportOptions options)
    {
        string source = table.Source;
        var provenance = new Dictionary<string, string>
        {
            ["File"] = Path.GetFullPath(path),
            ["Format"] = "Csv",
            ["Instrument"] = "none stated (delimited text)",
            ["Delimiter"] = table.DelimiterName,
        };
        if (table.DecimalComma) provenance["DecimalComma"] = "true";

        bool headerRow = Enumerable.Range(0, table.Rows[0].Length).All(c => !table.IsNumber(0, c));
        string? corner = table.Rows[0].Length > 0 && !table.IsNumber(0, 0) ? table.Rows[0][0] : null;
        var experiment = options.Experiment ?? ExperimentFromHeader(table, headerRow, corner)
            ?? throw new NmrInputException("ExperimentRequired",
                $"{source} is delimited text, which does not say which experiment it holds; pass -Experiment T1T2, T2T2, T1D, DT2, T1, T2 or D.");
        var kernels = KernelPair.For(experiment, options.T1Recovery ?? T1Recovery.Inversion);
        provenance["Experiment"] = experiment.ToString();
        provenance["ExperimentSource"] = options.Experiment is null ? "file header" : "parameter";
        if (kernels.Kernel1 is KernelKind.InversionRecovery or KernelKind.SaturationRecovery)
            provenance["T1Recovery"] = (options.T1Recovery ?? T1Recovery.Inversion).ToString();

        double[,] values;
        double[] axis1, axis2;
        if (kernels.Dimensions == 1)
        {
            int first = headerRow ? 1 : 0;
            if (table.RowCount <= first)
                throw new NmrInputException("CsvEmpty", $"{source} has a header row but no data rows.", InputProblem.Data);
            int columns = table.CheckRectangular(first);
            if (columns == 2 && options.Axis1 is null)
            {
                int n = table.RowCount - first;
                axis1 = new double[n];
                values = new double[n, 1];
                for (int r = 0; r < n; r++)
                {
                    axis1[r] = table.Number(first + r, 0);
                    values[r, 0] = table.Number(first + r, 1);
                }
                provenance["Layout"] = "two columns (axis, amplitude)";
            }
            else if (columns == 1 && options.Axis1 is not null)
            {
                int n = table.RowCount - first;
                if (options.Axis1.Length != n)
                    throw new NmrInputException("CsvAxisMismatch", $"{source} has {n} amplitudes but the axis passed has {options.Axis1.Length} values.", InputProblem.Data);
                axis1 = (double[])options.Axis1.Clone();
                values = new double[n, 1];
                for (int r = 0; r < n; r++) values[r, 0] = table.Number(first + r, 0);
                provenance["Layout"] = "one column of amplitudes, axis passed";
            }
            else
            {
                throw new NmrInputException("CsvShapeInvalid",
                    $"{source} has {columns} column(s){(options.Axis1 is null ? "" : " and an axis was passed")}; a 1D {experiment} decay is read from two columns (time or b, amplitude) or from one column of amplitudes with -Axis1.", InputProblem.Data);
            }
            axis2 = new[] { 1.0 };
        }
        else
        {
            bool axesGiven = options.Axis1 is not null || options.Axis2 is not null;
            if (axesGiven && (options.Axis1 is null || options.Axis2 is null))
                throw new NmrInputException("AxesIncomplete", "Pass both axes of a bare 2D matrix (-Axis1 and -Axis2, or -Axis1Path and -Axis2Path), or neither when the file has a header row and a first column of axis values.");
            if (axesGiven)
            {
                int first = headerRow ? 1 : 0;
                int columns = table.CheckRectangular(first);
                int rows = table.RowCount - first;
                if (rows != options.Axis1!.Length || columns != options.Axis2!.Length)
                    throw new NmrInputException("CsvAxisMismatch",
                        $"{source} holds a {rows}x{columns} matrix but the axes have {options.Axis1!.Length} ({kernels.Kernel1} rows) and {options.Axis2!.Length} ({kernels.Kernel2} columns) values.", InputProblem.Data);
                axis1 = (double[])options.Axis1.Clone();
                axis2 = (double[])options.Axis2.Clone();
                values = new double[rows, columns];
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < columns; c++) values[r, c] = table.Number(first + r, c);
                provenance["Layout"] = "bare matrix, axes passed";
            }
            else
            {
                if (table.RowCount < 3)
                    throw new NmrInputException("CsvShapeInvalid", $"{source} has {table.RowCount} row(s); a 2D matrix in spreadsheet layout needs a header row of {Kernel.AcquisitionName(kernels.Kernel2)} values and at least two data rows.", InputProblem.Data);
                int columns = table.CheckRectangular(1);
                var header = table.Rows[0];
                int offset = header.Length == columns ? 1 : header.Length == columns - 1 ? 0 : -1;
                if (offset < 0)
                    throw new NmrInputException("CsvAxisMismatch",
                        $"{source}, line {table.Lines[0]}: the header row has {header.Length} cells but the data rows have {columns} (one {Kernel.AcquisitionName(kernels.Kernel1)} value then {columns - 1} amplitudes); the header must hold a corner cell and one {Kernel.AcquisitionName(kernels.Kernel2)} value per column.", InputProblem.Data);
                int rows = table.RowCount - 1;
                axis2 = new double[columns - 1];
                for (int c = 0; c < axis2.Length; c++) axis2[c] = table.Number(0, c + offset);
                axis1 = new double[rows];
                values = new double[rows, columns - 1];
                for (int r = 0; r < rows; r++)
                {
                    axis1[r] = table.Number(r + 1, 0);
                    for (int c = 1; c < columns; c++) values[r, c - 1] = table.Number(r + 1, c);
                }
                provenance["Layout"] = $"spreadsheet (header row of {Kernel.AcquisitionName(kernels.Kernel2)}, first column of {Kernel.AcquisitionName(kernels.Kernel1)})";
            }
        }

        var a1 = MakeAxis(kernels.Kernel1, axis1, options, source, "first");
        var a2 = kernels.Dimensions == 1 ? AcquisitionAxis.Single() : MakeAxis(kernels.Kernel2, axis2, options, source, "second");
        provenance["Axis1"] = a1.ToString();
        if (kernels.Dimensions == 2) provenance["Axis2"] = a2.ToString();
        if (options.TimeDivisor != 1) provenance["TimeUnit"] = "ms (converted to s)";
        if (options.BFactor != 1) provenance["BFactor"] = options.BFactor.ToString("R", CultureInfo.InvariantCulture);
        return MeasuredSignal.Create(values, a1, a2, kernels, options.Name ?? Path.GetFileNameWithoutExtension(path), provenance, options.NoiseSigma, null);
    }

    /// <summary>An acquisition axis from file values, converted to s or s/m^2; axis errors name the file.</summary>
    internal static AcquisitionAxis MakeAxis(KernelKind kind, double[] raw, ImportOptions options, string source, string which)
    {
        bool isB = kind == KernelKind.Diffusion;
        var v = raw.Select(x => isB ? x * options.BFactor : x / options.TimeDivisor).ToArray();
        try
        {
            return new AcquisitionAxis(Kernel.AcquisitionName(kind), v);
        }
        catch (NmrInputException e)
        {
            throw new NmrInputException(e.ErrorId, $"{source}: the {which} axis ({Kernel.AcquisitionName(kind)}) is not usable: {e.Message} (In the spreadsheet layout it is read from the {(which == "first" ? "first column" : "header row")}; for a bare matrix pass -Axis1/-Axis2.)", InputProblem.Data);
        }
    }

    private static Experiment? ExperimentFromHeader(DelimitedTable table, bool headerRow, string? corner)
    {
        if (headerRow && table.Rows[0].Length == 2)
        {
            return table.Rows[0][0].Trim() switch
            {
                "t1" => Experiment.T1,
                "t2" => Experiment.T2,
                "b" => Experiment.D,
                _ => null,
            };
        }
        if (corner is null) return null;
        return corner.Replace(" ", "") switch
        {
            @"t1\t2" => Experiment.T1T2,
            @"t2\t2" => Experiment.T2T2,
            @"t1\b" => Experiment.T1D,
            @"b\t2" => Experiment.DT2,
            _ => null,
        };
    }

    /// <summary>Writes a signal: spreadsheet layout for 2D (corner "t1\t2"), two columns for 1D. Axes in s and s/m^2.</summary>
    public static void Write(TextWriter writer, Signal2D signal)
    {
        signal.CheckFinite(); // a NaN written here would be a file Import-NmrSignal refuses
        if (signal.Dimensions == 1)
            DelimitedText.WriteColumns(writer, signal.Axis1.Name, "signal", signal.Axis1.AsSpan(), signal.Values);
        else
            DelimitedText.WriteMatrix(writer, $@"{signal.Axis1.Name}\{signal.Axis2.Name}", signal.Axis1.AsSpan(), signal.Axis2.AsSpan(), signal.Values);
    }

    /// <summary>
    /// Writes an inversion result's distribution (as <see cref="Write(TextWriter, Distribution2D)"/>) after '#' comment
    /// lines "# key: value" for the sample, source file, experiment, method, alpha, beta, misfit, noise level, amplitude
    /// and warning ids; readers of delimited text skip them.
    /// </summary>
    public static void Write(TextWriter writer, InversionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        static string N(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "";
        static string Clean(string? s) => (s ?? "").Replace('\r', ' ').Replace('\n', ' ');
        writer.WriteLine($"# sample: {Clean(result.Name)}");
        writer.WriteLine($"# sourceFile: {Clean(result.SourceFile)}");
        writer.WriteLine($"# experiment: {result.Signal.Experiment}");
        writer.WriteLine($"# method: {result.Method}");
        writer.WriteLine($"# alpha: {N(Analysis.DistributionSummary.AlphaOf(result))}");
        writer.WriteLine($"# beta: {N(Analysis.DistributionSummary.BetaOf(result))}");
        writer.WriteLine($"# misfit: {N(result.Misfit)}");
        writer.WriteLine($"# noiseLevel: {N(result.NoiseLevel)}");
        writer.WriteLine($"# amplitude: {N(result.Amplitude)}");
        writer.WriteLine($"# warnings: {string.Join(";", result.Warnings.Select(w => w.Id))}");
        writer.WriteLine($"# alphaRule: {Clean(Analysis.DistributionSummary.RuleOf(result))}");
        writer.WriteLine($"# noiseSource: {Clean(result.Signal.Provenance.GetValueOrDefault("NoiseSource", result.Signal.NoiseSigma is null ? "" : "stated"))}");
        writer.WriteLine($"# acquisition: {result.Signal.Axis1}; {result.Signal.Axis2}");
        writer.WriteLine($"# relaxation: {result.Distribution.Axis1}; {result.Distribution.Axis2}");
        writer.WriteLine($"# provenance: {Clean(string.Join("; ", result.Signal.Provenance.Select(kv => $"{kv.Key}={kv.Value}")))}");
        writer.WriteLine($"# version: NmrInversion {Analysis.DistributionSummary.ModuleVersion}");
        Write(writer, result.Distribution);
    }

    /// <summary>Writes a distribution: spreadsheet layout for 2D (corner "T1\T2"), two columns for 1D. Axes in s or m^2/s.</summary>
    public static void Write(TextWriter writer, Distribution2D distribution)
    {
        distribution.CheckValues();
        if (distribution.Dimensions == 1)
            DelimitedText.WriteColumns(writer, distribution.Axis1.Name, "amplitude", distribution.Axis1.AsSpan(), distribution.Values);
        else
            DelimitedText.WriteMatrix(writer, $@"{distribution.Axis1.Name}\{distribution.Axis2.Name}", distribution.Axis1.AsSpan(), distribution.Axis2.AsSpan(), distribution.Values);
    }
}
