using Xunit;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Network;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Tests;

public class GridTranslationTests
{
    private const int N = 16;

    /// <summary>A T2-T2 model grid: t2 1e-4..1 s on both axes, T2 1e-4..1 s.</summary>
    private static NetworkGrid T2T2Grid() => new(KernelPair.For(Experiment.T2T2),
        AcquisitionAxis.LogSpaced("t2", 1e-4, 1, N), AcquisitionAxis.LogSpaced("t2", 1e-4, 1, N),
        RelaxationAxis.LogSpaced("T2", 1e-4, 1, N), RelaxationAxis.LogSpaced("T2", 1e-4, 1, N));

    /// <summary>The matching model-grid distribution of a signal-grid map: the same cells, flipped along reversed dimensions, on the model's axes (written independently of GridTranslation.ToSignalAxes).</summary>
    private static Distribution2D OnModelAxes(Distribution2D truth, NetworkGrid grid, bool flip1, bool flip2)
    {
        var v = new double[N, N];
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                v[i, j] = truth.Values[flip1 ? N - 1 - i : i, flip2 ? N - 1 - j : j];
        return new Distribution2D(v, grid.Relaxation1, grid.Relaxation2);
    }

    [Fact]
    public void DT2SignalMapsOntoT2T2ModelWithTheSameNetworkInput()
    {
        var grid = T2T2Grid();
        // b 1e7..1e11 s/m^2 (4 decades, like t2 1e-4..1 s) and t2 1e-3..10 s (the model's t2 shifted by one decade).
        var b = AcquisitionAxis.LogSpaced("b", 1e7, 1e11, N);
        var t2 = AcquisitionAxis.LogSpaced("t2", 1e-3, 10, N);
        var kernels = KernelPair.For(Experiment.DT2);
        // Preserving b D = t/T2 and t/T2: D = 1e-11 / T2_model reversed -> 1e-11..1e-7 m^2/s; T2 = 10 T2_model -> 1e-3..10 s.
        var probe = new Signal2D(new double[N, N], b, t2, kernels);
        var translation = GridTranslation.Find(grid, probe, out string? why);
        Assert.NotNull(translation);
        Assert.Null(why);
        Assert.True(translation!.Dimension1.Reversed);
        Assert.False(translation.Dimension2.Reversed);
        Assert.Equal("D", translation.RelaxationAxis1.Name);
        Assert.Equal(1e-11, translation.RelaxationAxis1.Minimum, 1e-20);
        Assert.Equal(1e-7, translation.RelaxationAxis1.Maximum, 1e-16);
        Assert.Equal(1e-3, translation.RelaxationAxis2.Minimum, 1e-12);
        Assert.Equal(10, translation.RelaxationAxis2.Maximum, 1e-9);
        Assert.Equal(-1, translation.Dimension2.Decades, 9);

        // A D-T2 distribution on those axes, its signal, and the model-grid T2-T2 signal of the matching distribution.
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-9, 0.3, -1, 0.3), new LognormalComponent(-10, 0.2, 0, 0.2, 0.5) },
            translation.RelaxationAxis1, translation.RelaxationAxis2);
        var signal = ForwardModel.Simulate(truth, kernels, b, t2, 300, 7);
        var twin = OnModelAxes(truth, grid, flip1: true, flip2: false);
        var clean = ForwardModel.Apply(twin, grid.Kernels, grid.Acquisition1, grid.Acquisition2);
        var noiseless = ForwardModel.Apply(truth, kernels, b, t2);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                Assert.Equal(clean[i, j], noiseless[i, j], 1e-12);

        // Same data -> same network input as the model-grid signal carrying the same values.
        var viaTranslation = GridTranslation.Find(grid, signal, out _)!;
        var modelGridSignal = new Signal2D(signal.Values, grid.Acquisition1, grid.Acquisition2, grid.Kernels, grid.Relaxation1, grid.Relaxation2);
        var x1 = NetworkInputs.Build(viaTranslation.OnModelGrid.Values, grid, InputSpec.Recipe);
        var x2 = NetworkInputs.Build(modelGridSignal.Values, grid, InputSpec.Recipe);
        Assert.Equal(x2, x1);
        // And from the model-grid signal of the matching distribution, with the same noise added to both: identical input up to rounding.
        // (Noise keeps the estimated sigma well away from the floor at which a noiseless input amplifies rounding differences.)
        var rng = new Random(11);
        var noisy1 = new double[N, N];
        var noisy2 = new double[N, N];
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
            {
                double e = 1e-3 * (rng.NextDouble() - 0.5);
                noisy1[i, j] = noiseless[i, j] + e;
                noisy2[i, j] = clean[i, j] + e;
            }
        var y1 = NetworkInputs.Build(noisy1, grid, InputSpec.Recipe);
        var y2 = NetworkInputs.Build(noisy2, grid, InputSpec.Recipe);
        for (int k = 0; k < 3 * N * N; k++) Assert.Equal(y2[k], y1[k], 1e-4f);

        // The model's map of the twin relabels back to the truth on the signal's axes.
        var back = viaTranslation.ToSignalAxes(twin);
        Assert.Equal(truth.Axis1, back.Axis1);
        Assert.Equal(truth.Axis2, back.Axis2);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                Assert.Equal(truth.Values[i, j], back.Values[i, j], 1e-15);
    }

    [Fact]
    public void T1DSignalMapsOntoT1T2ModelPreservingProducts()
    {
        var grid = NetworkGrid.Paper(N);
        var t1 = AcquisitionAxis.LogSpaced("t1", 1e-2, 1e2, N); // the model's t1 (1e-3..10) times 10
        var b = AcquisitionAxis.LogSpaced("b", 1e8, 1e12, N);   // 4 decades like t2 1e-4..1
        var kernels = KernelPair.For(Experiment.T1D);
        var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(0, 0.3, -10, 0.3) },
            RelaxationAxis.LogSpaced("T1", 1e-2, 1e2, N), RelaxationAxis.LogSpaced("D", 1e-12, 1e-8, N));
        var signal = ForwardModel.Simulate(truth, kernels, t1, b, null, 1);
        var translation = GridTranslation.Find(grid, signal, out string? why);
        Assert.NotNull(translation);
        Assert.False(translation!.Dimension1.Reversed);
        Assert.True(translation.Dimension2.Reversed);
        // t1 / T1 preserved: T1_signal = 10 T1_model; b D = t2 / T2_model: D = 1e-12 / T2_model reversed.
        for (int j = 0; j < N; j++)
        {
            Assert.Equal(t1[3] / translation.RelaxationAxis1[j], grid.Acquisition1[3] / grid.Relaxation1[j], 1e-9);
            Assert.Equal(b[5] * translation.RelaxationAxis2[j], grid.Acquisition2[5] / grid.Relaxation2[N - 1 - j], 1e-9);
        }
        var twin = OnModelAxes(new Distribution2D(truth.Values, translation.RelaxationAxis1, translation.RelaxationAxis2), grid, false, true);
        var clean = ForwardModel.Apply(twin, grid.Kernels, grid.Acquisition1, grid.Acquisition2);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                Assert.Equal(clean[i, j], signal.Values[i, j], 1e-12);
    }

    [Fact]
    public void KernelsOfAnotherShapeOrAxesNotShiftedAreNotTranslated()
    {
        var grid = NetworkGrid.Paper(N); // InversionRecovery x T2Decay
        // T2 decay cannot stand for inversion recovery.
        var t2t2 = new Signal2D(new double[N, N], AcquisitionAxis.LogSpaced("t2", 1e-3, 10, N), AcquisitionAxis.LogSpaced("t2", 1e-4, 1, N), KernelPair.For(Experiment.T2T2));
        Assert.Null(GridTranslation.Find(grid, t2t2, out string? why1));
        Assert.Contains("shape", why1);
        // Saturation recovery is not inversion recovery.
        var sat = new Signal2D(new double[N, N], grid.Acquisition1, grid.Acquisition2, KernelPair.For(Experiment.T1T2, T1Recovery.Saturation));
        Assert.Null(GridTranslation.Find(grid, sat, out _));
        // Another log spacing (5 decades over 16 points) is not a translation.
        var wide = new Signal2D(new double[N, N], AcquisitionAxis.LogSpaced("t1", 1e-3, 1e2, N), grid.Acquisition2, grid.Kernels);
        Assert.Null(GridTranslation.Find(grid, wide, out string? why2));
        Assert.Contains("shifted", why2);
        // Another point count.
        var longer = new Signal2D(new double[N, 20], grid.Acquisition1, AcquisitionAxis.LogSpaced("t2", 1e-4, 1, 20), grid.Kernels);
        Assert.Null(GridTranslation.Find(grid, longer, out string? why3));
        Assert.Contains("20", why3);
        // An imperfect inversion, 1 - 1.7 exp(-t/T1), is not 1 - 2 exp(-t/T1), on the model's own axes or shifted ones.
        var kappa = new Signal2D(new double[N, N], grid.Acquisition1, grid.Acquisition2, grid.Kernels.WithInversionEfficiency(0.7));
        Assert.Null(GridTranslation.Find(grid, kappa, out string? why4));
        Assert.Contains("inversion efficiency 0.7", why4);
        // Recovery kernels onto themselves: kernel shape is the same, SameShape says so.
        Assert.True(GridTranslation.SameShape(KernelKind.Diffusion, KernelKind.T2Decay));
        Assert.False(GridTranslation.SameShape(KernelKind.InversionRecovery, KernelKind.SaturationRecovery));
        Assert.False(GridTranslation.SameShape(KernelKind.InversionRecovery, KernelKind.T2Decay));
    }
}
