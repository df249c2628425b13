using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class NoiseEstimationTests
{
    [Fact]
    public void QuadratureEstimateIgnoresASmoothResidueAndFindsSigma()
    {
        var rng = new Random(7);
        int n1 = 8, n2 = 2000;
        var im = new double[n1, n2];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
            {
                double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                double g = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                im[i, j] = 50 * Math.Exp(-j / 300.0) + 0.7 * g;   // phasing residue + noise sd 0.7
            }
        double sigma = NoiseEstimation.FromQuadratureChannel(im);
        Assert.InRange(sigma, 0.7 * 0.95, 0.7 * 1.05);
    }

    [Fact]
    public void MedianAndMadMatchHandValues()
    {
        Assert.Equal(2.5, NoiseEstimation.Median(new[] { 4.0, 1, 3, 2 }));
        Assert.Equal(1.0, NoiseEstimation.MedianAbsoluteDeviation(new[] { 1.0, 2, 3, 4, 100 }));
    }
}
