using Xunit;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Network;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Tests;

public class AcquisitionFamilyTests
{
    /// <summary>16 log-spaced inversion times 1 ms - 3 s by 1024 echoes at 0.1 ms (a Spinsolve T1-T2).</summary>
    public static (AcquisitionAxis, AcquisitionAxis) SpinsolveLike() =>
        (new AcquisitionAxis("t1", Axis.LogSpace(1e-3, 3, 16)), EchoTrain(1024, 1e-4));

    /// <summary>32 log-spaced inversion times 1 ms - 5 s by 2500 echoes at 0.2 ms (a GeoSpec-like T1-T2).</summary>
    public static (AcquisitionAxis, AcquisitionAxis) GeoSpecLike() =>
        (new AcquisitionAxis("t1", Axis.LogSpace(1e-3, 5, 32)), EchoTrain(2500, 2e-4));

    private static AcquisitionAxis EchoTrain(int count, double spacing) =>
        new("t2", Enumerable.Range(1, count).Select(k => k * spacing).ToArray());

    [Fact]
    public void FamilyHoldsThePaperAndInstrumentGridsAndRefusesGridsThatCannotSeeTheMap()
    {
        var family = AcquisitionFamily.T1T2;
        Assert.Null(family.Mismatch(AcquisitionAxis.PaperT1(), AcquisitionAxis.PaperT2()));
        var (s1, s2) = SpinsolveLike();
        Assert.Null(family.Mismatch(s1, s2));
        var (g1, g2) = GeoSpecLike();
        Assert.Null(family.Mismatch(g1, g2));

        // An echo train that ends at 2 ms cannot see T2 up to 1 s.
        var blind = family.Mismatch(s1, EchoTrain(20, 1e-4));
        Assert.NotNull(blind);
        Assert.Contains("acquisition axis 2", blind);
        Assert.Contains("20 points", blind);
        // Recovery times that stop at 10 ms cannot see T1 of seconds.
        var shortT1 = family.Mismatch(new AcquisitionAxis("t1", Axis.LogSpace(1e-3, 1e-2, 16)), s2);
        Assert.Contains("last point 0.01", shortT1);
        // Too few inversion times.
        Assert.Contains("4 points", family.Mismatch(new AcquisitionAxis("t1", Axis.LogSpace(1e-3, 3, 4)), s2));
    }

    [Fact]
    public void SampledGridsLieInTheFamilyAndVary()
    {
        var family = AcquisitionFamily.T1T2;
        var rng = new Random(11);
        var counts2 = new HashSet<int>();
        int linear = 0;
        for (int k = 0; k < 200; k++)
        {
            var (a1, a2) = family.Sample("t1", "t2", rng);
            Assert.Null(family.Mismatch(a1, a2));
            counts2.Add(a2.Count);
            if (a2.Count >= 256) { linear++; Assert.Equal(a2.Values[0], a2.Values[1] - a2.Values[0], 12); }
            else Assert.True(a2.IsLogSpaced);
        }
        Assert.InRange(linear, 70, 130); // either axis-2 family with probability 1/2
        Assert.True(counts2.Count > 100);
    }

    [Fact]
    public void CompressedInputsEqualTheInputsOfTheFullSignal()
    {
        var (a1, a2) = SpinsolveLike();
        var grid = NetworkGrid.Paper();
        var truth = Presets.Create("D");
        var signal = ForwardModel.Simulate(truth, grid.Kernels, a1, a2, 300, 9);
        var svd1 = new KernelSvd(grid.Kernels.Kernel1, a1, grid.Relaxation1);
        var svd2 = new KernelSvd(grid.Kernels.Kernel2, a2, grid.Relaxation2);
        var full = new float[4 * 4096];
        double sigmaFull = NetworkInputs.Fill(signal.Values, svd1, svd2, InputSpec.Recipe, full);

        double max = signal.MaxAbs;
        var scaled = new double[16, 1024];
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 1024; j++)
                scaled[i, j] = signal.Values[i, j] / max;
        var problem = new CompressedProblem(scaled, svd1, svd2);
        var compressed = new float[4 * 4096];
        double sigmaCompressed = NetworkInputs.FillCompressed(problem.C, problem.OutsideNormSquared, 16, 1024, svd1, svd2, InputSpec.Recipe, compressed);

        Assert.Equal(sigmaFull, sigmaCompressed, 10);
        float scale = full.Max(Math.Abs);
        for (int k = 0; k < full.Length; k++) Assert.True(Math.Abs(full[k] - compressed[k]) <= 1e-5f * scale, $"channel value {k}: {full[k]} vs {compressed[k]}");
        // The noise channel is the relative noise level of a 64 x 64 signal with the same information: sigma_hat * sqrt(4096 / 16384).
        double relative = signal.NoiseSigma!.Value / max;
        Assert.InRange(sigmaFull / relative, 0.95, 1.05);
        Assert.Equal(Math.Log10(sigmaFull * 0.5) / 4, full[3 * 4096], 5);
    }

    [Fact]
    public void CompressedSimulationCarriesWhiteNoiseOfTheDrawnLevel()
    {
        var grid = NetworkGrid.Paper();
        var data = new TrainingData(grid, InputSpec.Recipe, family: AcquisitionFamily.T1T2);
        for (long block = 0; block < 8; block++)
        {
            var (svd1, svd2) = data.BlockGrid(5, block);
            int m1 = svd1.U.GetLength(0), m2 = svd2.U.GetLength(0);
            var (c, outside, map, sigma, scale) = data.SimulateCompressed(5, block * TrainingData.GridBlock, svd1, svd2);
            Assert.Equal(1.0, map.Cast<double>().Sum(), 9);
            // Subtract the exact noiseless coefficients Sigma .* (V1^T F V2), scaled: what remains is the noise.
            var p = MatrixProducts.Multiply(MatrixProducts.TransposeMultiply(svd1.V, map), svd2.V);
            double sum = 0, sumSq = 0;
            int n = svd1.Rank * svd2.Rank;
            for (int i = 0; i < svd1.Rank; i++)
                for (int j = 0; j < svd2.Rank; j++)
                {
                    double z = (c[i, j] - scale * svd1.S[i] * svd2.S[j] * p[i, j]) / sigma;
                    sum += z;
                    sumSq += z * z;
                }
            Assert.InRange(sum / n, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
            Assert.InRange(sumSq / n, 1 - 6 * Math.Sqrt(2.0 / n), 1 + 6 * Math.Sqrt(2.0 / n));
            // The energy outside the kernels' range is that of m1 m2 - r1 r2 noise values (none when both axes have at most 64 points).
            double dof = (double)m1 * m2 - n;
            if (dof == 0) Assert.Equal(0, outside);
            else Assert.InRange(outside / (sigma * sigma * dof), 1 - 6 * Math.Sqrt(2 / dof), 1 + 6 * Math.Sqrt(2 / dof));
            // And the recipe's noise estimate recovers the drawn level from (C, outside) as it would from a full signal.
            var sigmaHat = CompressedProblem.EstimateNoise(c, CompressedProblem.ProductSingularValues(svd1, svd2), outside, (long)m1 * m2, out _);
            Assert.InRange(sigmaHat / sigma, 0.9, 1.1);
        }
    }

    [Fact]
    public void InputsOnTwoGridsAgreeWhereTheKernelsResolveTheMap()
    {
        // A broad peak both grids resolve: T1 0.1 s, T2 10 ms, log sd 0.25. Noiseless signals on the paper grid and on
        // a Spinsolve-like grid give filtered estimates with the same peak cell and the same mass.
        var grid = NetworkGrid.Paper();
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-1.0, 0.25, -2.0, 0.25) }, grid.Relaxation1, grid.Relaxation2);
        var (a1, a2) = SpinsolveLike();
        var paper = ForwardModel.Simulate(truth, grid.Kernels, grid.Acquisition1, grid.Acquisition2, null, 1);
        var spin = ForwardModel.Simulate(truth, grid.Kernels, a1, a2, null, 1);
        var xPaper = new float[4 * 4096];
        var xSpin = new float[4 * 4096];
        NetworkInputs.Fill(paper.Values, grid.Svd1, grid.Svd2, InputSpec.Recipe, xPaper);
        NetworkInputs.Fill(spin.Values, new KernelSvd(grid.Kernels.Kernel1, a1, grid.Relaxation1), new KernelSvd(grid.Kernels.Kernel2, a2, grid.Relaxation2), InputSpec.Recipe, xSpin);
        var peak = truth.Peak();
        foreach (var x in new[] { xPaper, xSpin })
        {
            // Least filtered channel (k = 3): peak cell within one of the truth's, mass sqrt(4096) times the unit sum within 10 %.
            int arg = 0;
            double sum = 0;
            for (int k = 0; k < 4096; k++) { sum += x[k]; if (x[k] > x[arg]) arg = k; }
            Assert.InRange(arg / 64, peak.Index1 - 1, peak.Index1 + 1);
            Assert.InRange(arg % 64, peak.Index2 - 1, peak.Index2 + 1);
            Assert.InRange(sum / 64, 0.9, 1.1);
        }
        // The two grids' estimates agree closely where the map has mass: within 10 % of the peak value over the peak's cells.
        float top = xPaper.Take(4096).Max();
        for (int k = 0; k < 4096; k++)
            if (truth.Values[k / 64, k % 64] > 0.25 * truth.Values[peak.Index1, peak.Index2])
                Assert.True(Math.Abs(xPaper[k] - xSpin[k]) < 0.1 * top, $"cell {k}: paper {xPaper[k]} vs Spinsolve-like {xSpin[k]}");
    }
}
