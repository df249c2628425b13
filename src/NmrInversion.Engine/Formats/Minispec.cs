using System.Globalization;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Formats;

/// <summary>
/// Bruker minispec <c>.dps</c> exports of 1D relaxation curves: tab-separated lines of point index (0, 1, ...), time in
/// milliseconds and real amplitude (arbitrary units), CRLF line ends, no header. The file does not name the experiment:
/// unless -Experiment says, it is inferred from the curve: a curve that starts negative is an inversion recovery (T1),
/// one that rises from its first point to its last a saturation recovery (T1), one that falls a CPMG decay (T2). The
/// noise level is estimated from the data (<see cref="NoiseEstimation.FromKernelResidual"/>).
/// </summary>
public static class Minispec
{
    /// <summary>True when the first data lines look like index, time, amplitude with the index counting from 0.</summary>
    public static bool LooksLikeMinispec(IReadOnlyList<string> head)
    {
        var lines = head.Select(l => l.Trim()).Where(l => l.Length > 0).Take(5).ToList();
        if (lines.Count < 2) return false;
        for (int i = 0; i < lines.Count; i++)
        {
            var c = lines[i].Split('\t');
            if (c.Length != 3 || c[0].Trim() != i.ToString(CultureInfo.InvariantCulture)) return false;
            if (!double.TryParse(c[1], NumberStyles.Float, CultureInfo.InvariantCulture, out _) ||
                !double.TryParse(c[2], NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return false;
        }
        return true;
    }

    public static Signal2D Read(string path, ImportOptions options)
    {
        var table = DelimitedText.ReadFile(path, "\t");
        string source = table.Source;
        int columns = table.CheckRectangular();
        if (columns != 3)
            throw new NmrInputException("MinispecShapeInvalid", $"{source}: {columns} columns; a minispec .dps file has three tab-separated columns (index, time in ms, amplitude).", InputProblem.Data);
        int n = table.RowCount;
        var t = new double[n];
        var y = new double[n, 1];
        for (int r = 0; r < n; r++)
        {
            double index = table.Number(r, 0);
            if (index != r)
                throw new NmrInputException("MinispecIndexInvalid", $"{source}, line {table.Lines[r]}: point index {index}, expected {r}; is this a minispec .dps export?", InputProblem.Data);
            t[r] = table.Number(r, 1) / 1000.0;
            y[r, 0] = table.Number(r, 2);
        }
        var provenance = new Dictionary<string, string>
        {
            ["File"] = Path.GetFullPath(path),
            ["Format"] = "Minispec",
            ["Instrument"] = "Bruker minispec (.dps export)",
            ["TimeUnit"] = "ms (converted to s)",
            ["Points"] = n.ToString(CultureInfo.InvariantCulture),
        };
        Experiment experiment;
        T1Recovery recovery = options.T1Recovery ?? T1Recovery.Inversion;
        if (options.Experiment is { } e)
        {
            experiment = e;
            provenance["ExperimentSource"] = "parameter";
        }
        else
        {
            double first = y[0, 0], last = y[n - 1, 0];
            if (first < 0) { experiment = Experiment.T1; recovery = T1Recovery.Inversion; }
            else if (last > first) { experiment = Experiment.T1; recovery = options.T1Recovery ?? T1Recovery.Saturation; }
            else experiment = Experiment.T2;
            provenance["ExperimentSource"] = "inferred from the curve (starts negative: inversion recovery; rises: saturation recovery; falls: CPMG decay)";
        }
        var kernels = KernelPair.For(experiment, recovery);
        if (kernels.Dimensions != 1)
            throw new NmrInputException("ExperimentMismatch", $"{source} holds a 1D curve; -Experiment {experiment} is 2D. Use T1, T2 or D.");
        provenance["Experiment"] = experiment.ToString();
        if (experiment == Experiment.T1) provenance["T1Recovery"] = recovery.ToString();
        var axis = CsvSignal.MakeAxis(kernels.Kernel1, t, new ImportOptions(), source, "first");
        provenance["Axis1"] = axis.ToString();
        return MeasuredSignal.Create(y, axis, AcquisitionAxis.Single(), kernels, options.Name ?? Path.GetFileNameWithoutExtension(path), provenance, options.NoiseSigma, null);
    }
}
