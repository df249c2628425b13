using NmrInversion.Engine;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class KernelTests
{
    [Theory]
    [InlineData(KernelKind.InversionRecovery, 0.0, 1.0, -1.0)]
    [InlineData(KernelKind.InversionRecovery, 0.6931471805599453, 1.0, 0.0)] // t = T1 ln 2 is the null point
    [InlineData(KernelKind.InversionRecovery, 2.0, 1.0, 0.7293294335267746)] // 1 - 2 e^-2
    [InlineData(KernelKind.SaturationRecovery, 1.0, 1.0, 0.6321205588285577)] // 1 - e^-1
    [InlineData(KernelKind.T2Decay, 0.01, 0.01, 0.36787944117144233)] // e^-1
    [InlineData(KernelKind.Diffusion, 1e9, 2.3e-9, 0.10025884372280375)] // e^-2.3
    [InlineData(KernelKind.None, 5.0, 7.0, 1.0)]
    public void KernelValuesAtKnownPoints(KernelKind kind, double t, double relaxation, double expected)
    {
        Assert.Equal(expected, Kernel.Evaluate(kind, t, relaxation), 12);
    }

    [Fact]
    public void KernelMatrixHasAcquisitionRowsAndRelaxationColumns()
    {
        var t = new AcquisitionAxis("t2", new[] { 0.001, 0.01, 0.1 });
        var r = new RelaxationAxis("T2", new[] { 0.01, 0.1 });
        var k = Kernel.Matrix(KernelKind.T2Decay, t, r);
        Assert.Equal(3, k.GetLength(0));
        Assert.Equal(2, k.GetLength(1));
        Assert.Equal(Math.Exp(-10), k[2, 0], 14);
        Assert.Equal(Math.Exp(-0.01), k[0, 1], 14);
    }

    [Fact]
    public void PaperGridsSpanTheirRanges()
    {
        var t1 = RelaxationAxis.PaperT1();
        var t2 = AcquisitionAxis.PaperT2();
        Assert.Equal(64, t1.Count);
        Assert.Equal(1e-3, t1.Minimum, 15);
        Assert.Equal(1e1, t1.Maximum, 12);
        Assert.Equal(1e-4, t2.Minimum, 15);
        Assert.True(t1.IsLogSpaced);
        Assert.Equal(4.0 / 63, Math.Log10(t1[1] / t1[0]), 12);
    }

    [Theory]
    [InlineData(new[] { 1.0, 0.5, 2.0 }, "AxisNotIncreasing")]
    [InlineData(new[] { 1.0, 1.0, 2.0 }, "AxisNotIncreasing")]
    [InlineData(new[] { -1.0, 0.5, 2.0 }, "AxisNotPositive")]
    [InlineData(new[] { 0.0, 0.5, 2.0 }, "AxisNotPositive")]
    [InlineData(new[] { 0.1, double.NaN, 2.0 }, "AxisNotFinite")]
    [InlineData(new[] { 0.1, double.PositiveInfinity }, "AxisNotFinite")]
    [InlineData(new double[0], "AxisTooShort")]
    public void BadAxesAreRefusedWithStableIds(double[] values, string errorId)
    {
        var e = Assert.Throws<NmrInputException>(() => new AcquisitionAxis("t2", values));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(InputProblem.Data, e.Problem);
    }

    [Fact]
    public void KernelSvdReconstructsTallAndWideKernels()
    {
        foreach (var (m, n) in new[] { (200, 30), (16, 40), (30, 30) })
        {
            var t = AcquisitionAxis.LogSpaced("t2", 1e-4, 1, m);
            var r = RelaxationAxis.LogSpaced("T2", 1e-4, 1, n);
            var svd = new KernelSvd(KernelKind.T2Decay, t, r);
            var k = svd.Matrix;
            Assert.Equal(Math.Min(m, n), svd.Rank);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < svd.Rank; p++) s += svd.U[i, p] * svd.S[p] * svd.V[j, p];
                    Assert.Equal(k[i, j], s, 10);
                }
            for (int p = 1; p < svd.Rank; p++) Assert.True(svd.S[p] <= svd.S[p - 1]);
        }
    }
}
