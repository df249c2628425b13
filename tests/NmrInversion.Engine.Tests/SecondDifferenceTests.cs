using NmrInversion.Engine.Regularization;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class SecondDifferenceTests
{
    private static double[,] Random2D(int n1, int n2, int seed)
    {
        var rng = new Random(seed);
        var a = new double[n1, n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
                a[i, j] = rng.NextDouble() - 0.5;
        return a;
    }

    private static double Dot(double[,] a, double[,] b)
    {
        double s = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                s += a[i, j] * b[i, j];
        return s;
    }

    [Theory]
    [InlineData(7, 5)]
    [InlineData(12, 1)]
    public void AdjointMatchesInnerProducts(int n1, int n2)
    {
        var w = Random2D(n1, n2, 1);
        var y11 = Random2D(n1, n2, 2); var ym = Random2D(n1, n2, 3); var y22 = Random2D(n1, n2, 4);
        var d11 = new double[n1, n2]; var dm = new double[n1, n2]; var d22 = new double[n1, n2];
        SecondDifference.Apply(w, d11, dm, d22);
        var adj = new double[n1, n2];
        SecondDifference.ApplyAdjoint(y11, ym, y22, adj);
        double left = Dot(d11, y11) + Dot(dm, ym) + Dot(d22, y22);
        Assert.Equal(left, Dot(w, adj), 10);
    }

    [Fact]
    public void QuadraticHasConstantSecondDifferencesInside()
    {
        // W = i^2 + 3 i j + 2 j^2: d11 = 2, d22 = 4, d12 + d21 = 2 * 3 = 6 away from the zero-padded border.
        var w = new double[8, 9];
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 9; j++)
                w[i, j] = i * i + 3.0 * i * j + 2.0 * j * j;
        var d11 = new double[8, 9]; var dm = new double[8, 9]; var d22 = new double[8, 9];
        SecondDifference.Apply(w, d11, dm, d22);
        for (int i = 1; i < 7; i++)
            for (int j = 1; j < 8; j++)
            {
                Assert.Equal(2, d11[i, j], 10);
                Assert.Equal(6, dm[i, j], 10);
                Assert.Equal(4, d22[i, j], 10);
            }
    }

    [Fact]
    public void OneDimensionalMapHasOnlyTheSecondDifferenceAlongItsAxis()
    {
        var w = new double[6, 1];
        for (int i = 0; i < 6; i++) w[i, 0] = i * i * i;
        var d11 = new double[6, 1]; var dm = new double[6, 1]; var d22 = new double[6, 1];
        SecondDifference.Apply(w, d11, dm, d22);
        for (int i = 1; i < 5; i++) Assert.Equal(6.0 * i, d11[i, 0], 10);
        Assert.Equal(1, d11[0, 0], 10);                 // W[1] - 2 W[0] + 0 = 1
        Assert.Equal(0 - 2 * 125 + 64, d11[5, 0], 10); // 0 - 2 W[5] + W[4]
        foreach (var v in dm) Assert.Equal(0, v);
        foreach (var v in d22) Assert.Equal(0, v);
    }

    [Fact]
    public void NormBoundHoldsByPowerIteration()
    {
        // ||D2||^2 by power iteration on D2^T D2 must stay below the bound used for the step sizes.
        int n1 = 16, n2 = 16;
        var x = Random2D(n1, n2, 5);
        double lambda = 0;
        var d11 = new double[n1, n2]; var dm = new double[n1, n2]; var d22 = new double[n1, n2]; var y = new double[n1, n2];
        for (int k = 0; k < 500; k++)
        {
            SecondDifference.Apply(x, d11, dm, d22);
            SecondDifference.ApplyAdjoint(d11, dm, d22, y);
            lambda = Math.Sqrt(Dot(y, y)) / Math.Sqrt(Dot(x, x));
            double norm = Math.Sqrt(Dot(y, y));
            for (int i = 0; i < n1; i++) for (int j = 0; j < n2; j++) x[i, j] = y[i, j] / norm;
        }
        Assert.InRange(lambda, 80, SecondDifference.NormSquaredBound);
    }
}
