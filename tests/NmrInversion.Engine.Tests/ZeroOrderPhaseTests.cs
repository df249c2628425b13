using NmrInversion.Engine.Formats;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class ZeroOrderPhaseTests
{
    [Theory]
    [InlineData(37.0)]
    [InlineData(-120.0)]
    [InlineData(175.0)]
    public void RecoversARotatedInversionRecoveryWithItsSign(double degrees)
    {
        // Real signal: rows from -1 (inverted) to +1 (recovered), rotated by a known phase.
        int n1 = 6, n2 = 5;
        var truth = new double[n1, n2];
        var re = new double[n1, n2];
        var im = new double[n1, n2];
        double phi = degrees * Math.PI / 180;
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
            {
                truth[i, j] = (1 - 2 * Math.Exp(-Math.Pow(3, i) / 20.0)) * Math.Exp(-j / 3.0);
                re[i, j] = truth[i, j] * Math.Cos(phi);
                im[i, j] = truth[i, j] * Math.Sin(phi);
            }
        var p = ZeroOrderPhase.Apply(re, im, x => ZeroOrderPhase.RowSum(x, -1));
        Assert.Equal(degrees, p.Degrees, 9);
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
            {
                Assert.Equal(truth[i, j], p.Real[i, j], 12);
                Assert.Equal(0.0, p.Imaginary[i, j], 12);
            }
    }
}
