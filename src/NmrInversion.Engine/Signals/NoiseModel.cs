namespace NmrInversion.Engine.Signals;

/// <summary>
/// Additive white Gaussian noise and the module's SNR definition: SNR = max |S_clean| / sigma, the largest absolute
/// value of the noiseless signal divided by the noise standard deviation (as in the paper's simulations).
/// Normal deviates come from <see cref="Random"/> (deterministic for a seed on every platform and .NET version)
/// through the Box-Muller transform, so the same seed gives bit-identical noise across runs, processes and threads.
/// </summary>
public static class NoiseModel
{
    /// <summary>The noise standard deviation that gives <paramref name="snr"/> for a signal whose largest absolute value is <paramref name="maxAbs"/>.</summary>
    public static double SigmaFor(double maxAbs, double snr)
    {
        if (double.IsNaN(snr) || double.IsInfinity(snr) || snr <= 0)
            throw new NmrInputException("SnrInvalid", $"SNR must be a finite number > 0 (max |signal| / noise sd); got {snr}.");
        return maxAbs / snr;
    }

    /// <summary>A standard normal deviate.</summary>
    public static double NextGaussian(Random rng)
    {
        // Box-Muller; 1 - NextDouble() lies in (0, 1], so the logarithm is finite.
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Adds N(0, sigma^2) noise to every element, in place.</summary>
    public static void AddTo(double[,] signal, double sigma, Random rng)
    {
        for (int i = 0; i < signal.GetLength(0); i++)
            for (int j = 0; j < signal.GetLength(1); j++)
                signal[i, j] += sigma * NextGaussian(rng);
    }

    /// <summary>A seed for the k-th signal of a run started with <paramref name="seed"/> (a SplitMix64 step, so nearby seeds give unrelated streams).</summary>
    public static int DeriveSeed(int seed, long index)
    {
        unchecked
        {
            ulong z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x632BE59BD9B4E019UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z & 0x7FFFFFFF);
        }
    }
}
