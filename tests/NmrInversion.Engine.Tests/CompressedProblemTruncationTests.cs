using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

/// <summary>The truncation rule CompressedProblem.SignificantCoefficients.</summary>
public class CompressedProblemTruncationTests
{
    private static CompressedProblem Problem(double snr)
    {
        var kp = KernelPair.PaperT1T2;
        var (a1, a2) = kp.DefaultAcquisitionAxes();
        return new CompressedProblem(ForwardModel.Simulate(Presets.Create("C"), kp, a1, a2, snr, seed: 2));
    }

    [Theory]
    [InlineData(20, 1.0)]
    [InlineData(2000, 0.1)]
    public void KeepsExactlyTheCoefficientsAboveTheNoiseRule(double snr, double factor)
    {
        var p = Problem(snr);
        double sigma = p.MaxAbs / snr; // close to the simulation's sigma (SNR is defined on the clean signal)
        var kept = p.SignificantCoefficients(sigma, factor).ToHashSet();
        for (int i = 0; i < p.Rank1; i++)
            for (int j = 0; j < p.Rank2; j++)
            {
                bool above = p.Sigma[i, j] * p.MaxAbs >= factor * sigma && p.Sigma[i, j] >= CompressedProblem.NoiseOnlyThreshold * p.Sigma[0, 0];
                Assert.Equal(above || (i == 0 && j == 0), kept.Contains((i, j)));
            }
        Assert.InRange(kept.Count, 10, p.Rank1 * p.Rank2 / 4);
    }

    [Fact]
    public void LessNoiseKeepsMoreCoefficients()
    {
        var p = Problem(200);
        var noisy = p.SignificantCoefficients(p.MaxAbs / 20).ToHashSet();
        var quiet = p.SignificantCoefficients(p.MaxAbs / 2000).ToHashSet();
        Assert.True(noisy.IsProperSubsetOf(quiet));
    }

    [Fact]
    public void UnknownNoiseKeepsEveryNumericallyNonzeroCoefficient()
    {
        var p = Problem(200);
        int expected = 0;
        foreach (var s in p.Sigma) if (s >= CompressedProblem.NoiseOnlyThreshold * p.Sigma[0, 0]) expected++;
        Assert.Equal(expected, p.SignificantCoefficients(double.NaN).Count);
        Assert.Equal(expected, p.SignificantCoefficients(0).Count);
    }

    [Fact]
    public void NegativeFactorIsRejected()
    {
        var e = Assert.Throws<NmrInputException>(() => Problem(200).SignificantCoefficients(0.01, -1));
        Assert.Equal("TruncationFactorInvalid", e.ErrorId);
    }
}
