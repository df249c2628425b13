using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;
using Xunit;
using Xunit.Abstractions;

namespace NmrInversion.Engine.Tests;

/// <summary>
/// <see cref="InversionResult.Amplitude"/> and <see cref="InversionResult.FittedSignal"/> of Tikhonov and MTGV results:
/// a noiseless simulated signal (unit-sum truth, so its amplitude is the factor it is scaled by) is fitted to a small
/// relative error, and the fitted signal is Amplitude x K1 F K2^T computed here from the kernel matrices.
/// </summary>
public class InversionResultTests(ITestOutputHelper output)
{
    /// <summary>
    /// A noiseless simulated signal times <paramref name="scale"/>, on its truth's grid, with a stated noise level of 1e-4
    /// of its maximum (MTGV needs one): a 1D T2 decay (128 echoes, 48 cells) or a 16x48 T1-T2 signal on a 16x16 grid.
    /// </summary>
    private static Signal2D Noiseless(bool twoD, double scale, double kappa = 1, double? snr = null)
    {
        Signal2D s;
        if (twoD)
        {
            var r1 = RelaxationAxis.LogSpaced("T1", 1e-4, 1e2, 16);
            var r2 = RelaxationAxis.LogSpaced("T2", 1e-5, 10, 16);
            var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-1, 0.2, -2, 0.2, 1), new LognormalComponent(-0.3, 0.2, -1.2, 0.2, 1) }, r1, r2);
            s = ForwardModel.Simulate(truth, KernelPair.PaperT1T2.WithInversionEfficiency(kappa), AcquisitionAxis.PaperT1(16), AcquisitionAxis.EchoTrain(1e-3, 48), snr, 1);
        }
        else
        {
            var grid = RelaxationAxis.LogSpaced("T2", 1e-5, 10, 48);
            var truth = Distribution2D.FromComponents(new[] { new LognormalComponent(-2.3, 0.15, 0, 1, 1), new LognormalComponent(-1, 0.2, 0, 1, 2) }, grid, RelaxationAxis.Single());
            s = ForwardModel.Simulate(truth, KernelPair.For(Experiment.T2), AcquisitionAxis.EchoTrain(5e-4, 128), AcquisitionAxis.Single(), snr, 1);
        }
        Assert.Equal(1.0, s.Truth!.Sum, 12);
        var v = (double[,])s.Values.Clone();
        for (int i = 0; i < v.GetLength(0); i++)
            for (int j = 0; j < v.GetLength(1); j++) v[i, j] *= scale;
        double sigma = (s.NoiseSigma ?? 1e-4 * s.MaxAbs) * scale;
        return new Signal2D(v, s.Axis1, s.Axis2, s.Kernels, s.RelaxationAxis1, s.RelaxationAxis2, sigma, null, s.Truth);
    }

    private static double Norm(double[,] a, double[,]? b = null)
    {
        double s = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) { double d = a[i, j] - (b?[i, j] ?? 0); s += d * d; }
        return Math.Sqrt(s);
    }

    /// <summary>Amplitude x K1 F K2^T from the kernel matrices (the first with the signal's inversion efficiency).</summary>
    private static double[,] ByHand(InversionResult r)
    {
        var s = r.Signal;
        var k1 = Kernel.Matrix(s.Kernels.Kernel1, s.Axis1, r.Distribution.Axis1, s.Kernels.InversionEfficiency);
        var k2 = Kernel.Matrix(s.Kernels.Kernel2, s.Axis2, r.Distribution.Axis2);
        var f = r.Distribution.Values;
        var fit = new double[s.Axis1.Count, s.Axis2.Count];
        for (int i = 0; i < fit.GetLength(0); i++)
            for (int j = 0; j < fit.GetLength(1); j++)
            {
                double sum = 0;
                for (int a = 0; a < f.GetLength(0); a++)
                    for (int b = 0; b < f.GetLength(1); b++) sum += k1[i, a] * f[a, b] * k2[j, b];
                fit[i, j] = r.Amplitude * sum;
            }
        return fit;
    }

    private void AssertFits(InversionResult r, double scale, double fitTolerance, double amplitudeTolerance)
    {
        double relative = Norm(r.Signal.Values, r.FittedSignal()) / Norm(r.Signal.Values);
        output.WriteLine($"{r.Method} {r.Signal.Size} x{scale:G4}: amplitude / scale {r.Amplitude / scale:G8}, relative fit error {relative:G3}");
        Assert.True(relative < fitTolerance, $"relative fit error {relative:G3}");
        Assert.Equal(1.0, r.Amplitude / scale, amplitudeTolerance);
        var byHand = ByHand(r);
        Assert.True(Norm(r.FittedSignal(), byHand) <= 1e-12 * Norm(byHand), "FittedSignal is not Amplitude x K1 F K2^T");
        // The distribution itself is unit sum: the amplitude carries the scale.
        Assert.Equal(1.0, r.Distribution.Sum, 10);
    }

    [Theory]
    [InlineData(false, 1.0)]
    [InlineData(false, 250.0)]
    [InlineData(true, 1.0)]
    [InlineData(true, 250.0)]
    public void ATikhonovFitOfANoiselessSignalIsTheSignalAndItsAmplitudeIsTheScale(bool twoD, double scale)
    {
        // Observed: relative fit error 4e-8 (1D) and 2e-8 (2D); amplitude / scale 1 + 2e-7 and 1 + 3e-5.
        AssertFits(TikhonovInversion.Invert(Noiseless(twoD, scale)), scale, 1e-5, 1e-3);
    }

    [Fact]
    public void TheFittedSignalUsesTheSignalsInversionEfficiency()
    {
        var signal = Noiseless(twoD: true, 1.0, kappa: 0.75);
        var r = TikhonovInversion.Invert(signal);
        AssertFits(r, 1.0, 1e-5, 1e-3);
        // The perfect-inversion kernel would predict -1 at the first delay, not the -0.75 the data start at.
        var perfect = ForwardModel.Apply(r.Distribution, KernelPair.PaperT1T2, signal.Axis1, signal.Axis2);
        Assert.True(Norm(signal.Values, perfect) > 100 * Norm(signal.Values, r.FittedSignal()));
    }

    [Fact]
    public void AHugeSignalIsFittedInItsOwnUnits()
    {
        // 2^300 times the noiseless decay: the solver works on a copy scaled by a power of two; amplitude and fit come back.
        double scale = Math.ScaleB(1.0, 300);
        AssertFits(TikhonovInversion.Invert(Noiseless(twoD: false, scale)), scale, 1e-5, 1e-3);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(250.0)]
    public void AnMtgvFitOfANoiselessSignalIsTheSignalAndItsAmplitudeIsTheScale(double scale)
    {
        // Observed: relative fit error 7e-6 (scale 1) and 6e-5 (scale 250, a different alpha, beta: MTGV's search on a
        // signal this clean is sensitive to rounding); amplitude / scale 1 + 2.3e-4 and 1 + 3e-5.
        AssertFits(MtgvInversion.Invert(Noiseless(twoD: false, scale)), scale, 1e-3, 2e-3);
    }

    [Fact]
    public void TheResidualNormIsTheDistanceOfTheFittedSignalFromTheData()
    {
        // On a noisy signal (SNR 200) both methods report ResidualNorm = ||S - FittedSignal()||.
        var signal = Noiseless(twoD: false, 3.0, snr: 200);
        foreach (InversionResult r in new InversionResult[] { TikhonovInversion.Invert(signal), MtgvInversion.Invert(signal) })
        {
            double own = Norm(signal.Values, r.FittedSignal());
            output.WriteLine($"{r.Method}: ResidualNorm {r.ResidualNorm:G8}, ||S - fit|| {own:G8}, misfit {r.Misfit:G4}");
            Assert.Equal(own, r.ResidualNorm, 1e-6 * own);
            Assert.InRange(r.Misfit, 0.7, 1.3);
            Assert.Equal(3.0, r.Amplitude, 0.05 * 3.0);
        }
    }
}
