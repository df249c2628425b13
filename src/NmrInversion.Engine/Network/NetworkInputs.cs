using NmrInversion.Engine.Kernels;

namespace NmrInversion.Engine.Network;

/// <summary>How a signal is presented to the network and what the loss compares.</summary>
public enum InputConfiguration
{
    /// <summary>The paper's: one channel, the signal scaled to max |S| = 1; loss = MSE on maps scaled to max 1. Needs signal and map grids of the same size.</summary>
    Paper,
    /// <summary>
    /// Physics-informed channels on the distribution grid (docs/methods.md, "U-Net"): three filtered linear estimates
    /// and a noise-level channel, optionally the scaled signal; loss = chi of the map and of both projections after
    /// normalising the output to unit sum.
    /// </summary>
    Recipe,
}

/// <summary>Which input channels a network takes.</summary>
public sealed record InputSpec(InputConfiguration Configuration, bool IncludeSignal)
{
    /// <summary>Filter strengths of the recipe's filtered estimates, in units of the estimated noise level.</summary>
    public static IReadOnlyList<double> FilterFactors { get; } = new[] { 3.0, 30.0, 300.0 };

    /// <summary>Point count of the paper's 64 x 64 signal; the noise channel is expressed as if the signal had this many points.</summary>
    public const double ReferencePoints = 4096;

    /// <summary>Lower bound of the estimated relative noise level (noiseless signals).</summary>
    public const double NoiseFloor = 1e-8;

    public static InputSpec Paper { get; } = new(InputConfiguration.Paper, true);

    /// <summary>The recipe without the raw-signal channel: exists for any acquisition grid.</summary>
    public static InputSpec Recipe { get; } = new(InputConfiguration.Recipe, false);

    public int ChannelCount => ChannelNames.Count;

    public IReadOnlyList<string> ChannelNames => Configuration == InputConfiguration.Paper
        ? new[] { "signal" }
        : FilterFactors.Select(k => $"filtered_{k:0}").Append("log10_noise").Concat(IncludeSignal ? new[] { "signal" } : Array.Empty<string>()).ToArray();

    /// <summary>True when the inputs depend on the acquisition grid's size (a raw-signal channel).</summary>
    public bool NeedsAcquisitionGrid => Configuration == InputConfiguration.Paper || IncludeSignal;

    public override string ToString() => Configuration == InputConfiguration.Paper ? "paper (signal)" : $"recipe ({string.Join(", ", ChannelNames)})";
}

/// <summary>
/// Builds the network's input channels from a signal, in float64, written as float32 into a caller's buffer laid out
/// [channel, i, j] on the distribution grid (n1 x n2). With K1 = U1 s1 V1^T, K2 = U2 s2 V2^T, S scaled to max |S| = 1,
/// C = U1^T S U2 and sigma_ij = s1_i s2_j:
/// <list type="bullet">
/// <item>sigma_hat: the compressed problem's noise estimate (energy outside the kernels' range per coefficient), floored at 1e-8;</item>
/// <item>F_k = sqrt(n1 n2) V1 [sigma / (sigma^2 + (k sigma_hat)^2) .* C] V2^T for k = 3, 30, 300 (sqrt(n1 n2) = 64 on the paper grid);</item>
/// <item>log10(sigma_hat sqrt(4096 / (m1 m2))) / 4: the noise level of a 64 x 64 signal carrying the same information
/// (m1 m2 points at sigma_hat average to 4096 at sigma_hat sqrt(4096 / (m1 m2))), so grids of other sizes read alike;</item>
/// <item>optionally the scaled signal (only when the signal and map grids have the same size).</item>
/// </list>
/// The paper configuration has the single scaled-signal channel.
/// </summary>
public static class NetworkInputs
{
    /// <summary>Values per sample: channels x n1 x n2.</summary>
    public static int Length(InputSpec spec, NetworkGrid grid) => spec.ChannelCount * grid.MapSize.N1 * grid.MapSize.N2;

    /// <summary>Checks that a configuration can be built on a grid.</summary>
    public static void Check(InputSpec spec, NetworkGrid grid)
    {
        if (spec.NeedsAcquisitionGrid && (grid.SignalSize.M1 != grid.MapSize.N1 || grid.SignalSize.M2 != grid.MapSize.N2))
            throw new NmrInputException("InputChannelsNeedSquareGrid",
                $"A raw-signal input channel needs the signal grid ({grid.SignalSize.M1}x{grid.SignalSize.M2}) and the distribution grid ({grid.MapSize.N1}x{grid.MapSize.N2}) to have the same size; use the recipe inputs without the signal channel.");
    }

    /// <summary>Writes the channels for signal <paramref name="data"/> (m1 x m2) into <paramref name="destination"/>; returns the estimated relative noise level sigma_hat.</summary>
    public static double Fill(double[,] data, KernelSvd k1, KernelSvd k2, InputSpec spec, Span<float> destination)
    {
        int m1 = data.GetLength(0), m2 = data.GetLength(1);
        int n1 = k1.V.GetLength(0), n2 = k2.V.GetLength(0);
        int plane = n1 * n2;
        if (destination.Length < spec.ChannelCount * plane)
            throw new ArgumentException($"The destination holds {destination.Length} values; {spec.ChannelCount * plane} are needed.");
        double max = MatrixProducts.MaxAbs(data);
        double scale = max > 0 ? 1.0 / max : 1.0;
        var scaled = new double[m1, m2];
        for (int i = 0; i < m1; i++)
            for (int j = 0; j < m2; j++)
                scaled[i, j] = data[i, j] * scale;

        int channel = 0;
        double sigmaHat = double.NaN;
        if (spec.Configuration == InputConfiguration.Recipe)
        {
            var problem = new CompressedProblem(scaled, k1, k2);
            sigmaHat = FillRecipeChannels(problem.C, problem.Sigma, problem.NoiseEstimate, k1, k2, m1, m2, destination);
            channel = InputSpec.FilterFactors.Count + 1;
        }
        if (spec.NeedsAcquisitionGrid)
        {
            if (m1 != n1 || m2 != n2)
                throw new NmrInputException("InputChannelsNeedSquareGrid",
                    $"A raw-signal input channel needs the signal ({m1}x{m2}) and the distribution grid ({n1}x{n2}) to have the same size.", InputProblem.Data);
            var dst = destination.Slice(channel * plane, plane);
            for (int i = 0; i < m1; i++)
                for (int j = 0; j < m2; j++)
                    dst[i * m2 + j] = (float)scaled[i, j];
        }
        return sigmaHat;
    }

    /// <summary>
    /// Writes the recipe channels (no signal channel) from compressed data alone: <paramref name="c"/> = U1^T S U2 and
    /// <paramref name="outsideNormSquared"/> = ||S||^2 - ||C||^2 of a signal already scaled to max |S| = 1, with m1 x m2
    /// points. Gives the same channels as <see cref="Fill"/> on that signal; training uses it to simulate signals of any
    /// length in compressed form. Returns sigma_hat.
    /// </summary>
    public static double FillCompressed(double[,] c, double outsideNormSquared, int m1, int m2, KernelSvd k1, KernelSvd k2, InputSpec spec, Span<float> destination)
    {
        if (spec.Configuration != InputConfiguration.Recipe || spec.IncludeSignal)
            throw new ArgumentException($"Compressed inputs exist only for the recipe without the signal channel; got {spec}.");
        int plane = k1.V.GetLength(0) * k2.V.GetLength(0);
        if (destination.Length < spec.ChannelCount * plane)
            throw new ArgumentException($"The destination holds {destination.Length} values; {spec.ChannelCount * plane} are needed.");
        var sigma = CompressedProblem.ProductSingularValues(k1, k2);
        double noise = CompressedProblem.EstimateNoise(c, sigma, outsideNormSquared, (long)m1 * m2, out _);
        return FillRecipeChannels(c, sigma, noise, k1, k2, m1, m2, destination);
    }

    /// <summary>The three filtered estimates and the noise channel from scaled compressed data; returns sigma_hat (floored).</summary>
    private static double FillRecipeChannels(double[,] c, double[,] sigma, double noiseEstimate, KernelSvd k1, KernelSvd k2, int m1, int m2, Span<float> destination)
    {
        int n1 = k1.V.GetLength(0), n2 = k2.V.GetLength(0), plane = n1 * n2;
        // NaN when the grid leaves no noise-only coefficients: then the floor (treated as nearly noiseless).
        double sigmaHat = double.IsNaN(noiseEstimate) || noiseEstimate < InputSpec.NoiseFloor ? InputSpec.NoiseFloor : noiseEstimate;
        double gain = Math.Sqrt((double)n1 * n2);
        int channel = 0;
        foreach (var k in InputSpec.FilterFactors)
        {
            var f = CompressedProblem.FilteredEstimate(c, sigma, k1, k2, k * sigmaHat);
            var dst = destination.Slice(channel * plane, plane);
            for (int i = 0; i < n1; i++)
                for (int j = 0; j < n2; j++)
                    dst[i * n2 + j] = (float)(gain * f[i, j]);
            channel++;
        }
        float noise = (float)(Math.Log10(sigmaHat * Math.Sqrt(InputSpec.ReferencePoints / (m1 * (double)m2))) / 4.0);
        destination.Slice(channel * plane, plane).Fill(noise);
        return sigmaHat;
    }

    /// <summary>The channels of one signal as a new array.</summary>
    public static float[] Build(double[,] data, NetworkGrid grid, InputSpec spec)
    {
        var x = new float[Length(spec, grid)];
        Fill(data, grid.Svd1, grid.Svd2, spec, x);
        return x;
    }
}
