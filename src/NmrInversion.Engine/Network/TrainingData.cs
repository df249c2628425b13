using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Network;

/// <summary>
/// How training signals are drawn (paper section 5): 1..5 lognormal components with log standard deviations 0.025..0.25
/// (see <see cref="RandomDistributions"/> for means and weights), SNR = max |S| / sigma log-uniform in 10..1e4.
/// </summary>
public sealed record TrainingRecipe(int MinComponents = 1, int MaxComponents = 5, double MinLogSd = 0.025, double MaxLogSd = 0.25,
    double MinSnr = 10, double MaxSnr = 1e4)
{
    public void Validate()
    {
        if (!(MinSnr > 0) || !(MaxSnr >= MinSnr) || double.IsInfinity(MaxSnr))
            throw new NmrInputException("SnrRangeInvalid", $"The training SNR range must satisfy 0 < minimum <= maximum < infinity; got {MinSnr}..{MaxSnr}.");
        _ = new RandomDistributions(Grids.RelaxationAxis.PaperT1(4), Grids.RelaxationAxis.PaperT2(4), MinComponents, MaxComponents, MinLogSd, MaxLogSd);
    }
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
    private readonly RandomDistributions _distributions;
    private readonly double[,] _k1, _k2;

    public TrainingData(NetworkGrid grid, InputSpec inputs, TrainingRecipe? recipe = null)
    {
        Grid = grid;
        Inputs = inputs;
        Recipe = recipe ?? new TrainingRecipe();
        Recipe.Validate();
        NetworkInputs.Check(inputs, grid);
        _distributions = new RandomDistributions(grid.Relaxation1, grid.Relaxation2, Recipe.MinComponents, Recipe.MaxComponents, Recipe.MinLogSd, Recipe.MaxLogSd);
        _k1 = grid.Svd1.Matrix;
        _k2 = grid.Svd2.Matrix;
    }

    public NetworkGrid Grid { get; }
    public InputSpec Inputs { get; }
    public TrainingRecipe Recipe { get; }

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

    /// <summary>The noisy signal and the unit-sum distribution of sample <paramref name="index"/> of stream <paramref name="seed"/>.</summary>
    public (double[,] Signal, double[,] Map) Simulate(int seed, long index)
    {
        var rng = new Random(NoiseModel.DeriveSeed(seed, index));
        var components = _distributions.NextComponents(rng);
        var map = Distribution2D.FromComponents(components, Grid.Relaxation1, Grid.Relaxation2).Values;
        var s = MatrixProducts.Sandwich(_k1, map, _k2);
        double snr = Recipe.MinSnr * Math.Pow(Recipe.MaxSnr / Recipe.MinSnr, rng.NextDouble());
        double sigma = NoiseModel.SigmaFor(MatrixProducts.MaxAbs(s), snr);
        NoiseModel.AddTo(s, sigma, rng);
        return (s, map);
    }
}
