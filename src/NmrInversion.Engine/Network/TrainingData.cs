using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Kernels;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Network;

/// <summary>
/// How training signals are drawn (paper section 5): 1..5 lognormal components with log standard deviations 0.025..0.25
/// (see <see cref="RandomDistributions"/> for means and weights), SNR = max |S| / sigma log-uniform in 10..1e4.
/// <see cref="ClosePairFraction"/> of the maps are instead close pairs (<see cref="RandomDistributions.NextClosePair(Random, double)"/>);
/// the paper's recipe has none; <see cref="ClosePairMaxLogSd"/> (null: <see cref="MaxLogSd"/>) caps their widths, so
/// that narrow pairs (log sd 0.025-0.1, the paper's presets A-C) may be emphasised, and <see cref="ClosePairMinSnr"/>
/// (null: <see cref="MinSnr"/>) keeps them to the SNRs at which they can be resolved. <see cref="MinSnr"/>..<see cref="MaxSnr"/>
/// may narrow the SNRs to those a lab measures.
/// </summary>
public sealed record TrainingRecipe(int MinComponents = 1, int MaxComponents = 5, double MinLogSd = 0.025, double MaxLogSd = 0.25,
    double MinSnr = 10, double MaxSnr = 1e4, double ClosePairFraction = 0, double? ClosePairMaxLogSd = null, double? ClosePairMinSnr = null)
{
    public void Validate()
    {
        if (!(ClosePairFraction >= 0 && ClosePairFraction <= 1))
            throw new NmrInputException("ClosePairFractionInvalid", $"The fraction of close-pair training maps must lie in 0..1; got {ClosePairFraction}.");
        if (!(MinSnr > 0) || !(MaxSnr >= MinSnr) || double.IsInfinity(MaxSnr))
            throw new NmrInputException("SnrRangeInvalid", $"The training SNR range must satisfy 0 < minimum <= maximum < infinity; got {MinSnr}..{MaxSnr}.");
        var distributions = new RandomDistributions(Grids.RelaxationAxis.PaperT1(4), Grids.RelaxationAxis.PaperT2(4), MinComponents, MaxComponents, MinLogSd, MaxLogSd);
        if (ClosePairMaxLogSd is { } cap) distributions.CheckClosePairMaxLogSd(cap);
        if (ClosePairMinSnr is { } floor && !(floor >= MinSnr && floor <= MaxSnr))
            throw new NmrInputException("ClosePairSnrInvalid", $"The lowest SNR of the close pairs must lie in the training SNR range {MinSnr}..{MaxSnr}; got {floor}.");
    }

    /// <summary>
    /// The recipe of a run's validation and test sets: these maps' components and widths, but no close pairs and the
    /// paper's SNR range, so that held-out losses compare across runs whatever they emphasised in training.
    /// </summary>
    public TrainingRecipe HeldOut() => this with { ClosePairFraction = 0, ClosePairMaxLogSd = null, ClosePairMinSnr = null, MinSnr = Paper.MinSnr, MaxSnr = Paper.MaxSnr };

    private static readonly TrainingRecipe Paper = new();
}

/// <summary>A batch of simulated samples: inputs [count, channels, n1, n2], unit-sum target maps [count, 1, n1, n2].</summary>
public sealed record TrainingBatch(float[] Inputs, float[] Targets, int Count, int Channels, int Rows, int Columns);

/// <summary>
/// Simulates training samples on the fly with the forward model: a random distribution, S = K1 F K2^T plus white noise
/// at a random SNR, then the network inputs. Sample k of a stream seeded s depends only on (s, k)
/// (<see cref="NoiseModel.DeriveSeed"/>), so batches are reproducible in any order, on any thread, after a resume.
/// Thread-safe.
/// </summary>
public sealed class TrainingData
{
    /// <summary>With an acquisition family, consecutive blocks of this many samples share one random acquisition grid (one batch at the default batch size).</summary>
    public const int GridBlock = 32;

    /// <summary>Signal columns (acquisition axis 2, from its start) over which max |S| is taken for the SNR of a family sample.</summary>
    public const int PeakColumns = 4;

    private readonly RandomDistributions _distributions;
    private readonly double[,] _k1, _k2;

    /// <param name="grid">The kernels and distribution grid (and, without a family, the acquisition grid).</param>
    /// <param name="inputs">The network's input channels.</param>
    /// <param name="recipe">How distributions and SNRs are drawn (default: the paper's).</param>
    /// <param name="family">When set, each block of <see cref="GridBlock"/> samples is acquired on a random grid of this
    /// family (the inputs must not include the signal channel) and simulated in compressed form.</param>
    public TrainingData(NetworkGrid grid, InputSpec inputs, TrainingRecipe? recipe = null, AcquisitionFamily? family = null)
    {
        Grid = grid;
        Inputs = inputs;
        Recipe = recipe ?? new TrainingRecipe();
        Recipe.Validate();
        NetworkInputs.Check(inputs, grid);
        if (family is not null)
        {
            family.Validate();
            if (inputs.NeedsAcquisitionGrid)
                throw new NmrInputException("InputChannelsNeedFixedGrid", $"Training on a family of acquisition grids needs inputs that do not depend on the grid (recipe without the signal channel); got {inputs}.");
        }
        Family = family;
        _distributions = new RandomDistributions(grid.Relaxation1, grid.Relaxation2, Recipe.MinComponents, Recipe.MaxComponents, Recipe.MinLogSd, Recipe.MaxLogSd);
        _k1 = grid.Svd1.Matrix;
        _k2 = grid.Svd2.Matrix;
    }

    public NetworkGrid Grid { get; }
    public InputSpec Inputs { get; }
    public TrainingRecipe Recipe { get; }
    public AcquisitionFamily? Family { get; }

    /// <summary>Threads simulating a batch (default: the core count).</summary>
    public int MaxThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Samples <paramref name="first"/> .. first + count - 1 of the stream seeded <paramref name="seed"/>.</summary>
    public TrainingBatch Make(int seed, long first, int count)
    {
        var (n1, n2) = Grid.MapSize;
        int channels = Inputs.ChannelCount;
        int inLength = channels * n1 * n2, plane = n1 * n2;
        var x = new float[count * inLength];
        var y = new float[count * plane];
        if (Family is not null) return MakeOnFamily(seed, first, count);
        var svd1 = Grid.Svd1;
        var svd2 = Grid.Svd2;
        // Samples are independent (seeded by index), so they are simulated in parallel: the network is idle meanwhile.
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = MaxThreads }, b =>
        {
            var (signal, map) = Simulate(seed, first + b);
            NetworkInputs.Fill(signal, svd1, svd2, Inputs, x.AsSpan(b * inLength, inLength));
            var dst = y.AsSpan(b * plane, plane);
            for (int i = 0; i < n1; i++)
                for (int j = 0; j < n2; j++)
                    dst[i * n2 + j] = (float)map[i, j];
        });
        return new TrainingBatch(x, y, count, channels, n1, n2);
    }

    /// <summary>The acquisition grid of sample block <paramref name="block"/> of stream <paramref name="seed"/> (family training only), with its kernels' SVDs.</summary>
    public (KernelSvd Svd1, KernelSvd Svd2) BlockGrid(int seed, long block)
    {
        if (Family is null) throw new InvalidOperationException("This training data has no acquisition family.");
        var rng = new Random(NoiseModel.DeriveSeed(NoiseModel.DeriveSeed(seed, -2), block));
        var (a1, a2) = Family.Sample(Grid.Acquisition1.Name, Grid.Acquisition2.Name, rng);
        // Not cached: a training run draws thousands of grids, each used for one block.
        return (new KernelSvd(Grid.Kernels.Kernel1, a1, Grid.Relaxation1, Grid.Kernels.EfficiencyOf(1)),
                new KernelSvd(Grid.Kernels.Kernel2, a2, Grid.Relaxation2, Grid.Kernels.EfficiencyOf(2)));
    }

    private TrainingBatch MakeOnFamily(int seed, long first, int count)
    {
        var (n1, n2) = Grid.MapSize;
        int channels = Inputs.ChannelCount, plane = n1 * n2, inLength = channels * plane;
        var x = new float[count * inLength];
        var y = new float[count * plane];
        long firstBlock = first / GridBlock, lastBlock = (first + count - 1) / GridBlock;
        var grids = new (KernelSvd, KernelSvd)[lastBlock - firstBlock + 1];
        Parallel.For(0, grids.Length, new ParallelOptions { MaxDegreeOfParallelism = MaxThreads }, k => grids[k] = BlockGrid(seed, firstBlock + k));
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = MaxThreads }, b =>
        {
            long index = first + b;
            var (svd1, svd2) = grids[index / GridBlock - firstBlock];
            var (c, outside, map, _, _) = SimulateCompressed(seed, index, svd1, svd2);
            NetworkInputs.FillCompressed(c, outside, svd1.U.GetLength(0), svd2.U.GetLength(0), svd1, svd2, Inputs, x.AsSpan(b * inLength, inLength));
            var dst = y.AsSpan(b * plane, plane);
            for (int i = 0; i < n1; i++)
                for (int j = 0; j < n2; j++)
                    dst[i * n2 + j] = (float)map[i, j];
        });
        return new TrainingBatch(x, y, count, channels, n1, n2);
    }

    /// <summary>
    /// Sample <paramref name="index"/> of stream <paramref name="seed"/> acquired on the grid of <paramref name="svd1"/>,
    /// <paramref name="svd2"/>, in compressed form and scaled to max |S| = 1: C = U1^T S U2 and ||S||^2 - ||C||^2, with
    /// the unit-sum map, the noise sd after scaling and the scale (1 / max |S|).
    /// Exact in distribution for white Gaussian noise: U1^T N U2 has independent N(0, sigma^2) entries (orthonormal
    /// columns) and the noise outside the kernels' range has energy sigma^2 chi^2(m1 m2 - r1 r2), drawn here by its
    /// normal approximation (the degrees of freedom are in the hundreds or more). max |S| for the SNR is taken over the
    /// first <see cref="PeakColumns"/> columns, where a decaying second kernel puts it; the scaling to max 1 uses the
    /// noisy maximum as inference does (the noisy first columns, or sigma sqrt(2 ln(m1 m2)), the typical largest of the
    /// noise values, if larger).
    /// </summary>
    public (double[,] C, double OutsideNormSquared, double[,] Map, double Sigma, double Scale) SimulateCompressed(int seed, long index, KernelSvd svd1, KernelSvd svd2)
    {
        var (rng, map, snr) = Draw(seed, index);

        int m1 = svd1.U.GetLength(0), m2 = svd2.U.GetLength(0), r1 = svd1.Rank, r2 = svd2.Rank;
        int n2 = svd2.V.GetLength(0), h = Math.Min(m2, PeakColumns);
        var head = new double[h, n2];
        for (int t = 0; t < h; t++)
            for (int j = 0; j < n2; j++)
                head[t, j] = svd2.Matrix[t, j];
        var peak = MatrixProducts.Sandwich(svd1.Matrix, map, head);
        double cleanMax = MatrixProducts.MaxAbs(peak);
        double sigmaAbs = NoiseModel.SigmaFor(cleanMax, snr);
        // Inference scales a measured signal by its noisy maximum: the noisy head, or the largest of m1 m2 noise values.
        double max = sigmaAbs * Math.Sqrt(2 * Math.Log((double)m1 * m2));
        foreach (var v in peak) max = Math.Max(max, Math.Abs(v + sigmaAbs * NoiseModel.NextGaussian(rng)));
        double scale = max > 0 ? 1.0 / max : 1.0;
        double sigma = sigmaAbs * scale;

        var p = CompressedProblem.Project(svd1, svd2, map);
        var c = new double[r1, r2];
        for (int i = 0; i < r1; i++)
            for (int j = 0; j < r2; j++)
                c[i, j] = svd1.S[i] * svd2.S[j] * p[i, j] * scale + sigma * NoiseModel.NextGaussian(rng);
        double dof = (double)m1 * m2 - (double)r1 * r2;
        double outside = dof > 0 ? sigma * sigma * Math.Max(0, dof + Math.Sqrt(2 * dof) * NoiseModel.NextGaussian(rng)) : 0;
        return (c, outside, map, sigma, scale);
    }

    /// <summary>The noisy signal and the unit-sum distribution of sample <paramref name="index"/> of stream <paramref name="seed"/>.</summary>
    /// <summary>The unit-sum map and SNR of sample <paramref name="index"/>, with the sample's generator positioned for its noise.</summary>
    private (Random Rng, double[,] Map, double Snr) Draw(int seed, long index)
    {
        var rng = new Random(NoiseModel.DeriveSeed(seed, index));
        // The fraction is drawn only when it is set, so that streams of the plain recipe stay as they were.
        bool closePair = Recipe.ClosePairFraction > 0 && rng.NextDouble() < Recipe.ClosePairFraction;
        var components = closePair
            ? _distributions.NextClosePair(rng, Recipe.ClosePairMaxLogSd ?? Recipe.MaxLogSd)
            : _distributions.NextComponents(rng);
        var map = Distribution2D.FromComponents(components, Grid.Relaxation1, Grid.Relaxation2).Values;
        // A close pair's SNR is drawn from the same uniform number, log-uniform above its own floor.
        double lowest = closePair ? Recipe.ClosePairMinSnr ?? Recipe.MinSnr : Recipe.MinSnr;
        double snr = lowest * Math.Pow(Recipe.MaxSnr / lowest, rng.NextDouble());
        return (rng, map, snr);
    }

    public (double[,] Signal, double[,] Map) Simulate(int seed, long index)
    {
        var (rng, map, snr) = Draw(seed, index);
        var s = MatrixProducts.Sandwich(_k1, map, _k2);
        double sigma = NoiseModel.SigmaFor(MatrixProducts.MaxAbs(s), snr);
        NoiseModel.AddTo(s, sigma, rng);
        return (s, map);
    }
}
