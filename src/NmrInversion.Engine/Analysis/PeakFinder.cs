using NmrInversion.Engine.Distributions;

namespace NmrInversion.Engine.Analysis;

/// <summary>
/// Finds the peaks of a 2D (or 1D) distribution: the connected regions (8-connectivity: cells that share an edge or a
/// corner) of cells above <c>threshold</c> x the maximum. For each region: mass-weighted mean and standard deviation of
/// log10 of each axis, the region's mass over the total mass (volume fraction), the height. Peaks are numbered by
/// decreasing fraction.
/// </summary>
public static class PeakFinder
{
    public const double DefaultThreshold = 0.05;

    public static IReadOnlyList<Peak> Find(Distribution2D distribution, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        distribution.CheckValues();
        if (!(threshold > 0 && threshold < 1))
            throw new NmrInputException("ThresholdInvalid", $"The peak threshold is a fraction of the maximum between 0 and 1 (exclusive); got {threshold}.");
        var f = distribution.Values;
        int n1 = f.GetLength(0), n2 = f.GetLength(1);
        double max = 0, total = 0;
        foreach (var v in f) { max = Math.Max(max, v); total += v; }
        if (!(max > 0)) return Array.Empty<Peak>();
        double cut = threshold * max;
        bool oneD = distribution.Dimensions == 1;
        var l1 = distribution.Axis1.Values.Select(Math.Log10).ToArray();
        var l2 = distribution.Axis2.Values.Select(Math.Log10).ToArray();

        var label = new int[n1, n2];
        var peaks = new List<(double Mass, double M1, double M2, double S1, double S2, double Height, int Cells, bool Edge)>();
        int edge = Inversion.ResultDiagnostics.EdgeCells;
        bool AtEdge(int i, int j) => (n1 > 2 * edge && (i < edge || i >= n1 - edge)) || (n2 > 2 * edge && (j < edge || j >= n2 - edge));
        var stack = new Stack<(int, int)>();
        for (int i0 = 0; i0 < n1; i0++)
            for (int j0 = 0; j0 < n2; j0++)
            {
                if (label[i0, j0] != 0 || !(f[i0, j0] > cut)) continue;
                int id = peaks.Count + 1;
                double mass = 0, s1 = 0, s2 = 0, q1 = 0, q2 = 0, height = 0;
                int cells = 0;
                label[i0, j0] = id;
                stack.Push((i0, j0));
                var members = new List<(int, int)>();
                while (stack.Count > 0)
                {
                    var (i, j) = stack.Pop();
                    members.Add((i, j));
                    double w = f[i, j];
                    mass += w; s1 += w * l1[i]; s2 += w * l2[j];
                    height = Math.Max(height, w);
                    cells++;
                    for (int di = -1; di <= 1; di++)
                        for (int dj = -1; dj <= 1; dj++)
                        {
                            int a = i + di, b = j + dj;
                            if (a < 0 || b < 0 || a >= n1 || b >= n2 || label[a, b] != 0 || !(f[a, b] > cut)) continue;
                            label[a, b] = id;
                            stack.Push((a, b));
                        }
                }
                double m1 = s1 / mass, m2 = s2 / mass, d1 = 0, d2 = 0;
                bool atEdge = false;
                foreach (var (i, j) in members)
                {
                    double w = f[i, j];
                    q1 += w * (l1[i] - m1) * (l1[i] - m1);
                    q2 += w * (l2[j] - m2) * (l2[j] - m2);
                    d1 += w * Step(l1, i);
                    d2 += w * Step(l2, j);
                    atEdge |= AtEdge(i, j);
                }
                double floor1 = d1 / mass / Math.Sqrt(12), floor2 = d2 / mass / Math.Sqrt(12);
                peaks.Add((mass, m1, m2, Math.Max(Math.Sqrt(q1 / mass), floor1), Math.Max(Math.Sqrt(q2 / mass), floor2), height, cells, atEdge));
            }

        return peaks.OrderByDescending(p => p.Mass).Select((p, k) => new Peak(
            k + 1, distribution.Name, distribution.Axis1.Name, distribution.Axis2.Name,
            Math.Pow(10, p.M1), oneD ? null : Math.Pow(10, p.M2),
            p.M1, oneD ? null : p.M2, p.S1, oneD ? null : p.S2,
            p.Mass / total, p.Height, p.Cells) { AtEdge = p.Edge }).ToList();
    }

    /// <summary>The log10 width of cell <paramref name="i"/>: half the distance between its neighbours (0 for a one-point axis).</summary>
    private static double Step(double[] log, int i)
    {
        int n = log.Length;
        if (n < 2) return 0;
        if (i == 0) return log[1] - log[0];
        if (i == n - 1) return log[n - 1] - log[n - 2];
        return 0.5 * (log[i + 1] - log[i - 1]);
    }
}
