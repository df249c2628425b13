using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using Xunit;

namespace NmrInversion.Engine.Tests;

/// <summary>
/// The relaxation grid an acquisition resolves: t_first / 10 .. 5 t_last (D: 1 / (5 b_last) .. 10 / b_first), 16 cells a
/// decade clamped to 32..128 (1D) or 32..64 per axis (2D); and Signal2D's use of it when it is given no grid and no truth.
/// The expected cell counts below are worked out by hand from the ends.
/// </summary>
public class ResolvableRangeTests
{
    private static void AssertAxis(RelaxationAxis axis, string name, double minimum, double maximum, int count)
    {
        Assert.Equal(name, axis.Name);
        Assert.Equal(count, axis.Count);
        Assert.Equal(minimum, axis.Minimum, minimum * 1e-12);
        Assert.Equal(maximum, axis.Maximum, maximum * 1e-12);
        Assert.True(axis.IsLogSpaced);
    }

    [Fact]
    public void AnInversionRecoveryAxisGivesATenthOfTheFirstDelayToFiveTimesTheLast()
    {
        // t1 1 ms .. 10 s: T1 from 0.1 ms to 50 s, log10(5e5) = 5.70 decades x 16 = 91.2 -> 91 cells.
        var t1 = AcquisitionAxis.LogSpaced("t1", 1e-3, 10, 16);
        var (a1, a2) = ResolvableRange.For(KernelPair.For(Experiment.T1), t1, AcquisitionAxis.Single());
        AssertAxis(a1, "T1", 1e-4, 50, 91);
        // The missing second dimension is the one-point axis.
        Assert.Equal("None", a2.Name);
        Assert.Equal(1, a2.Count);
        Assert.Equal(RelaxationAxis.Single(), a2);
    }

    [Fact]
    public void AnEchoTrainAndASaturationRecoveryUseTheSameTimeRule()
    {
        // 512 echoes at 0.2 ms: t2 0.2 ms .. 102.4 ms, T2 from 20 us to 0.512 s, log10(25600) = 4.408 decades -> 70.5 -> 71.
        var t2 = AcquisitionAxis.EchoTrain(2e-4, 512);
        var (a1, _) = ResolvableRange.For(KernelPair.For(Experiment.T2), t2, AcquisitionAxis.Single());
        AssertAxis(a1, "T2", 2e-5, 0.512, 71);
        var sr = ResolvableRange.Range(KernelKind.SaturationRecovery, AcquisitionAxis.LogSpaced("t1", 0.01, 2, 8));
        Assert.Equal(1e-3, sr.Minimum, 1e-15);
        Assert.Equal(10, sr.Maximum, 1e-12);
    }

    [Fact]
    public void ADiffusionAxisGivesOneOverFiveTimesTheLastBToTenOverTheFirst()
    {
        // b 1e7 .. 1e11 s/m^2: D from 1 / 5e11 = 2e-12 to 10 / 1e7 = 1e-6 m^2/s, 5.70 decades -> 91 cells.
        var b = AcquisitionAxis.DefaultB(16);
        var (a1, _) = ResolvableRange.For(KernelPair.For(Experiment.D), b, AcquisitionAxis.Single());
        AssertAxis(a1, "D", 2e-12, 1e-6, 91);
        Assert.Equal("m^2/s", a1.Unit);
        // The slowest decay exp(-b_last D_min) and the fastest exp(-b_first D_max) sit at the same exponents as for time.
        Assert.Equal(0.2, b.Maximum * a1.Minimum, 12);
        Assert.Equal(10, b.Minimum * a1.Maximum, 12);
    }

    [Fact]
    public void AShortAcquisitionGetsTheMinimumOf32CellsAndALongOneTheMaximumOf128()
    {
        // t2 1 .. 1.5 ms: T2 0.1 ms .. 7.5 ms, 1.875 decades -> 30 -> clamped up to 32.
        var (shortAxis, _) = ResolvableRange.For(KernelPair.For(Experiment.T2), AcquisitionAxis.LogSpaced("t2", 1e-3, 1.5e-3, 8), AcquisitionAxis.Single());
        AssertAxis(shortAxis, "T2", 1e-4, 7.5e-3, 32);
        // t2 10 us .. 1000 s: 1 us .. 5000 s, 9.7 decades -> 155 -> clamped down to 128.
        var (longAxis, _) = ResolvableRange.For(KernelPair.For(Experiment.T2), AcquisitionAxis.LogSpaced("t2", 1e-5, 1e3, 64), AcquisitionAxis.Single());
        AssertAxis(longAxis, "T2", 1e-6, 5e3, 128);
        // t2 0.1 ms .. 100 s: 10 us .. 500 s, 7.70 decades -> 123.2 -> 123, inside the 1D limits.
        var (wide, _) = ResolvableRange.For(KernelPair.For(Experiment.T2), AcquisitionAxis.LogSpaced("t2", 1e-4, 1e2, 64), AcquisitionAxis.Single());
        AssertAxis(wide, "T2", 1e-5, 500, 123);
    }

    [Fact]
    public void TwoDimensionalAxesAreClampedTo64CellsEach()
    {
        var kernels = KernelPair.PaperT1T2;
        // Paper axes: T1 1e-4 .. 50 s and T2 1e-5 .. 5 s, both 5.70 decades -> 91 -> 64.
        var (paper1, paper2) = ResolvableRange.For(kernels, AcquisitionAxis.PaperT1(16), AcquisitionAxis.PaperT2(16));
        AssertAxis(paper1, "T1", 1e-4, 50, 64);
        AssertAxis(paper2, "T2", 1e-5, 5, 64);
        // t1 10 ms .. 1 s: 1 ms .. 5 s, 3.70 decades -> 59 (between the limits); t2 1 .. 1.5 ms -> 30 -> 32.
        var (mid, small) = ResolvableRange.For(kernels, AcquisitionAxis.LogSpaced("t1", 1e-2, 1, 8), AcquisitionAxis.LogSpaced("t2", 1e-3, 1.5e-3, 8));
        AssertAxis(mid, "T1", 1e-3, 5, 59);
        AssertAxis(small, "T2", 1e-4, 7.5e-3, 32);
        // D-T2: the D axis by the b rule, on the 2D clamp: b 1e8 .. 1e10 -> D 2e-11 .. 1e-7, 3.70 decades -> 59.
        var (d, t2) = ResolvableRange.For(KernelPair.For(Experiment.DT2), AcquisitionAxis.LogSpaced("b", 1e8, 1e10, 8), AcquisitionAxis.PaperT2(16));
        AssertAxis(d, "D", 2e-11, 1e-7, 59);
        AssertAxis(t2, "T2", 1e-5, 5, 64);
    }

    [Fact]
    public void ASignalWithoutGridOrTruthIsInvertedOnTheResolvableRange()
    {
        var t1 = AcquisitionAxis.LogSpaced("t1", 1e-3, 10, 16);
        var values = new double[16, 1];
        for (int i = 0; i < 16; i++) values[i, 0] = 1 - 2 * Math.Exp(-t1[i] / 0.1);
        var signal = new Signal2D(values, t1, AcquisitionAxis.Single(), KernelPair.For(Experiment.T1));
        AssertAxis(signal.RelaxationAxis1, "T1", 1e-4, 50, 91);
        Assert.Equal(RelaxationAxis.Single(), signal.RelaxationAxis2);
        Assert.True(signal.RelaxationAxesFromAcquisition);

        // A grid given by the caller is kept, and is not the acquisition's.
        var given = signal.WithRelaxationAxes(RelaxationAxis.PaperT1(32), null);
        Assert.Equal(RelaxationAxis.PaperT1(32), given.RelaxationAxis1);
        Assert.False(given.RelaxationAxesFromAcquisition);
        var direct = new Signal2D(values, t1, AcquisitionAxis.Single(), KernelPair.For(Experiment.T1), RelaxationAxis.PaperT1(32), RelaxationAxis.Single());
        Assert.False(direct.RelaxationAxesFromAcquisition);
    }

    [Fact]
    public void A2DSignalGivenOneAxisTakesTheOtherFromTheAcquisition()
    {
        var kernels = KernelPair.PaperT1T2;
        var a1 = AcquisitionAxis.LogSpaced("t1", 1e-2, 1, 8);
        var a2 = AcquisitionAxis.LogSpaced("t2", 1e-3, 1.5e-3, 8);
        var values = new double[8, 8];
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++) values[i, j] = (1 - 2 * Math.Exp(-a1[i] / 0.1)) * Math.Exp(-a2[j] / 1e-3);
        var both = new Signal2D(values, a1, a2, kernels);
        AssertAxis(both.RelaxationAxis1, "T1", 1e-3, 5, 59);
        AssertAxis(both.RelaxationAxis2, "T2", 1e-4, 7.5e-3, 32);
        Assert.True(both.RelaxationAxesFromAcquisition);

        var one = new Signal2D(values, a1, a2, kernels, relaxationAxis1: RelaxationAxis.PaperT1(16));
        Assert.Equal(RelaxationAxis.PaperT1(16), one.RelaxationAxis1);
        AssertAxis(one.RelaxationAxis2, "T2", 1e-4, 7.5e-3, 32);
        Assert.False(one.RelaxationAxesFromAcquisition);
    }

    [Fact]
    public void ASimulatedSignalUsesItsTruthsGridAndSaysSo()
    {
        var kernels = KernelPair.For(Experiment.T2);
        var t2 = AcquisitionAxis.LogSpaced("t2", 1e-3, 1.5e-3, 8);
        var grid = RelaxationAxis.LogSpaced("T2", 1e-4, 1, 16);
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-2.5, 0.2, 0, 1) }, grid, RelaxationAxis.Single());
        var simulated = ForwardModel.Simulate(truth, kernels, t2, AcquisitionAxis.Single(), null, 1);
        Assert.Equal(grid, simulated.RelaxationAxis1);
        Assert.False(simulated.RelaxationAxesFromAcquisition);

        // Even a truth that lives on the resolvable grid itself is the truth's grid, not the acquisition's.
        var (resolvable, _) = ResolvableRange.For(kernels, t2, AcquisitionAxis.Single());
        var onResolvable = Distribution2D.FromComponents(new[] { new LognormalComponent(-2.5, 0.2, 0, 1) }, resolvable, RelaxationAxis.Single());
        var same = ForwardModel.Simulate(onResolvable, kernels, t2, AcquisitionAxis.Single(), null, 1);
        Assert.Equal(resolvable, same.RelaxationAxis1);
        Assert.False(same.RelaxationAxesFromAcquisition);
        // Without its truth (as written to a file and read back), the same values are on the acquisition's grid.
        var measured = new Signal2D(same.Values, t2, AcquisitionAxis.Single(), kernels);
        Assert.True(measured.RelaxationAxesFromAcquisition);
        Assert.Equal(resolvable, measured.RelaxationAxis1);
    }
}
