using Xunit;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Network;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Tests;

public class NetworkInputsTests
{
    [Fact]
    public void NoiselessSignalGivesFiniteChannelsAndPeaksInTheRightCells()
    {
        var grid = NetworkGrid.Paper();
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-1.0, 0.1, -2.0, 0.1) }, grid.Relaxation1, grid.Relaxation2);
        var signal = ForwardModel.Simulate(truth, grid.Kernels, grid.Acquisition1, grid.Acquisition2, null, 1);
        var x = NetworkInputs.Build(signal.Values, grid, InputSpec.Recipe);
        Assert.Equal(4 * 64 * 64, x.Length);
        Assert.All(x, v => Assert.True(float.IsFinite(v)));
        // The noise channel reads a relative noise level far below any training SNR (sigma_hat < 1e-7: rounding only).
        Assert.True(x[3 * 4096] < -1.75f, $"noise channel {x[3 * 4096]}");
        var peak = truth.Peak();
        int ti = peak.Index1, tj = peak.Index2;
        for (int channel = 0; channel < 3; channel++)
        {
            var p1 = new double[64];
            var p2 = new double[64];
            for (int i = 0; i < 64; i++)
                for (int j = 0; j < 64; j++)
                {
                    p1[i] += x[channel * 4096 + i * 64 + j];
                    p2[j] += x[channel * 4096 + i * 64 + j];
                }
            Assert.InRange(Array.IndexOf(p1, p1.Max()), ti - 1, ti + 1);
            Assert.InRange(Array.IndexOf(p2, p2.Max()), tj - 1, tj + 1);
        }
        // The least filtered estimate approaches the (unit-sum) truth times 64: its sum is close to 64.
        double sum = 0;
        for (int k = 0; k < 4096; k++) sum += x[k];
        Assert.InRange(sum, 0.9 * 64, 1.1 * 64);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1000)]
    public void NoiseChannelEstimatesTheRelativeNoiseLevel(double snr)
    {
        var grid = NetworkGrid.Paper();
        var truth = Presets.Create("C");
        var signal = ForwardModel.Simulate(truth, grid.Kernels, grid.Acquisition1, grid.Acquisition2, snr, 5);
        var x = new float[NetworkInputs.Length(InputSpec.Recipe, grid)];
        double sigmaHat = NetworkInputs.Fill(signal.Values, grid.Svd1, grid.Svd2, InputSpec.Recipe, x);
        double relative = signal.NoiseSigma!.Value / signal.MaxAbs;
        Assert.InRange(sigmaHat / relative, 0.95, 1.05);
        Assert.Equal(Math.Log10(sigmaHat) / 4, x[3 * 4096], 5);
    }

    [Fact]
    public void FilteredEstimateSolvesTheTikhonovNormalEquations()
    {
        // Independent check on a small grid: form the Kronecker kernel K (K1 (x) K2) explicitly and verify
        // (K^T K + lambda^2 I) f = K^T s for the first channel (k = 3) divided by sqrt(n1 n2).
        var kernels = KernelPair.PaperT1T2;
        var a1 = AcquisitionAxis.PaperT1(8);
        var a2 = AcquisitionAxis.PaperT2(7);
        var r1 = RelaxationAxis.PaperT1(6);
        var r2 = RelaxationAxis.PaperT2(5);
        var grid = new NetworkGrid(kernels, a1, a2, r1, r2);
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-1, 0.3, -2, 0.3) }, r1, r2);
        var signal = ForwardModel.Simulate(truth, kernels, a1, a2, 50, 3);
        var x = new float[NetworkInputs.Length(InputSpec.Recipe, grid)];
        double sigmaHat = NetworkInputs.Fill(signal.Values, grid.Svd1, grid.Svd2, InputSpec.Recipe, x);
        double lambda = 3 * sigmaHat;
        double max = signal.MaxAbs;
        var k1 = Kernel.Matrix(kernels.Kernel1, a1, r1);
        var k2 = Kernel.Matrix(kernels.Kernel2, a2, r2);
        int m = 8 * 7, n = 6 * 5;
        var K = new double[m, n];
        for (int i1 = 0; i1 < 8; i1++)
            for (int i2 = 0; i2 < 7; i2++)
                for (int j1 = 0; j1 < 6; j1++)
                    for (int j2 = 0; j2 < 5; j2++)
                        K[i1 * 7 + i2, j1 * 5 + j2] = k1[i1, j1] * k2[i2, j2];
        var f = new double[n];
        for (int j = 0; j < n; j++) f[j] = x[j] / Math.Sqrt(30);
        for (int j = 0; j < n; j++)
        {
            double lhs = lambda * lambda * f[j], rhs = 0;
            for (int i = 0; i < m; i++)
            {
                double kf = 0;
                for (int q = 0; q < n; q++) kf += K[i, q] * f[q];
                lhs += K[i, j] * kf;
                rhs += K[i, j] * signal.Values[i / 7, i % 7] / max;
            }
            Assert.Equal(rhs, lhs, 4); // float32 storage limits agreement
        }
        // Any grid: the recipe's channels exist for a signal grid of a different size (no signal channel).
        Assert.False(InputSpec.Recipe.NeedsAcquisitionGrid);
        Assert.Throws<NmrInputException>(() => NetworkInputs.Check(InputSpec.Paper, grid));
    }
}
