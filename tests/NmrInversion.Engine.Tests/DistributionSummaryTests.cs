using MathNet.Numerics.Distributions;
using NmrInversion.Engine.Analysis;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Regularization;
using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

public class DistributionSummaryTests
{
    // A lognormal T2 peak: log10 T2 ~ N(mu, sd^2) on a fine grid (256 points over 5 decades, 0.02 decade spacing).
    private const double Mu = -1.5, Sd = 0.2;

    private static Distribution2D LognormalT2(double mu = Mu, double sd = Sd) =>
        Distribution2D.FromComponents(new[] { new LognormalComponent(mu, sd, 0, 1) }, RelaxationAxis.LogSpaced("T2", 1e-4, 1e1, 256), RelaxationAxis.Single());

    [Fact]
    public void ALognormalPeaksGeometricMeanIsTenToItsLogMean()
    {
        var d = LognormalT2();
        Assert.Equal(Math.Pow(10, Mu), DistributionSummary.GeometricMean(d.Projection1(), d.Axis1), 1e-10);
    }

    [Theory]
    [InlineData(0.0)]    // at the median: half the mass below
    [InlineData(1.0)]    // one sd above: Phi(1) below
    [InlineData(-1.5)]
    [InlineData(2.3)]
    public void TheFractionBelowACutoffIsTheLognormalsCdf(double z)
    {
        var d = LognormalT2();
        double cutoff = Math.Pow(10, Mu + z * Sd);
        double below = DistributionSummary.ShareBelow(d.Projection1(), d.Axis1, cutoff);
        // Cells are split in log10 at the cutoff, so the fraction follows the CDF to the midpoint rule's accuracy.
        Assert.Equal(Normal.CDF(0, 1, z), below, 3e-4);
    }

    [Fact]
    public void AFractionMovesContinuouslyWithTheCutoffInsideACell()
    {
        var d = LognormalT2();
        var axis = d.Axis1;
        // Between two grid points the fraction rises strictly (a cell is split in proportion), not in one jump.
        double a = DistributionSummary.ShareBelow(d.Projection1(), axis, axis[100] * 1.01);
        double b = DistributionSummary.ShareBelow(d.Projection1(), axis, axis[100] * 1.03);
        Assert.True(b > a, $"{a} then {b}");
        Assert.Equal(0.0, DistributionSummary.ShareBelow(d.Projection1(), axis, 1e-9));
        Assert.Equal(1.0, DistributionSummary.ShareBelow(d.Projection1(), axis, 1e6));
    }

    /// <summary>A T1-T2 map of two separated peaks: 0.3 at (T1 10^-2, T2 10^-3 s), 0.7 at (T1 10^-0.5, T2 10^-1 s).</summary>
    private static MtgvResult TwoPeakResult(double amplitude)
    {
        var d = Distribution2D.FromComponents(new[]
        {
            new LognormalComponent(-2.0, 0.1, -3.0, 0.1, 0.3),
            new LognormalComponent(-0.5, 0.1, -1.0, 0.1, 0.7),
        }, RelaxationAxis.PaperT1(), RelaxationAxis.PaperT2(), "two peaks");
        var kp = KernelPair.PaperT1T2;
        var (a1, a2) = kp.DefaultAcquisitionAxes();
        var signal = ForwardModel.Simulate(d, kp, a1, a2, 100, seed: 1);
        var result = new MtgvResult(d, signal, 1.0, 2.0, signal.NoiseSigma, 1234.0, 0.25, new SearchCurve("BRD", new[] { new SearchPoint(1234.0, 0.25, 1.0, 2.0, 100) }, 0),
            Array.Empty<SearchCurve>(), 100, true, amplitude);
        result.AddWarning(new NmrWarning("EdgeMass", "test"));
        result.AddWarning(new NmrWarning("HighMisfit", "test"));
        return result;
    }

    [Fact]
    public void ATwoPeakMapSplitsAtATCutoffBetweenItsPeaks()
    {
        var s = DistributionSummary.Of(TwoPeakResult(2.5), new SummaryOptions { Cutoff = 0.01, CalibrationAmplitude = 5.0 });
        Assert.Equal("T2", s.CutoffAxis);               // the default axis of a T1-T2 map
        Assert.Equal(0.3, s.FractionBelow!.Value, 6);
        Assert.Equal(0.7, s.FractionAbove!.Value, 6);
        Assert.Equal(Math.Pow(10, 0.3 * -3.0 + 0.7 * -1.0), s.LogMeanT2!.Value, 6);
        Assert.Equal(Math.Pow(10, 0.3 * -2.0 + 0.7 * -0.5), s.LogMeanT1!.Value, 6);
        Assert.Null(s.LogMeanD);
        Assert.Equal(0.5, s.Porosity!.Value, 12);
        Assert.Equal(2.5, s.Amplitude);
        Assert.Equal("MTGV", s.Method);
        Assert.Equal(1234.0, s.Alpha);
        Assert.Equal(0.25, s.Beta);
        Assert.Equal("EdgeMass;HighMisfit", s.Warnings);
        Assert.Equal("T1T2", s.Experiment);
    }

    [Fact]
    public void ACutoffOnT1SplitsTheMapByItsT1Projection()
    {
        // T1 cutoff 10^-1.25 lies 7.5 sd from both peaks: the same 0.3 / 0.7 split.
        var s = DistributionSummary.Of(TwoPeakResult(1), new SummaryOptions { Cutoff = Math.Pow(10, -1.25), CutoffAxis = "T1" });
        Assert.Equal("T1", s.CutoffAxis);
        Assert.Equal(0.3, s.FractionBelow!.Value, 6);
        Assert.Null(s.Porosity);
    }

    [Fact]
    public void ACutoffOnAnAxisTheMapLacksIsRefused()
    {
        var e = Assert.Throws<NmrInputException>(() => DistributionSummary.Of(TwoPeakResult(1), new SummaryOptions { Cutoff = 1e-9, CutoffAxis = "D" }));
        Assert.Equal("CutoffAxisUnknown", e.ErrorId);
        Assert.Equal("CalibrationInvalid", Assert.Throws<NmrInputException>(() => DistributionSummary.Of(TwoPeakResult(1), new SummaryOptions { CalibrationAmplitude = 0 })).ErrorId);
    }

    [Fact]
    public void WithoutACutoffTheFractionsAreEmpty()
    {
        var s = DistributionSummary.Of(TwoPeakResult(1));
        Assert.Null(s.FractionBelow);
        Assert.Null(s.FractionAbove);
        Assert.Null(s.CutoffAxis);
    }
}
