using Xunit;
using NmrInversion.Engine;
using NmrInversion.Engine.Distributions;
using NmrInversion.Engine.Network;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Engine.Tests;

public class TrainingDataTests
{
    private static double[,] MapOf(NetworkGrid grid, LognormalComponent[] components) =>
        Distribution2D.FromComponents(components, grid.Relaxation1, grid.Relaxation2).Values;

    [Fact]
    public void WithoutClosePairsTheStreamDrawsThePapersRecipeMapForEachSample()
    {
        var grid = NetworkGrid.Paper(16);
        var data = new TrainingData(grid, InputSpec.Recipe);
        var gen = new RandomDistributions(grid.Relaxation1, grid.Relaxation2);
        for (long index = 0; index < 5; index++)
        {
            var (_, map) = data.Simulate(9, index);
            var expected = MapOf(grid, gen.NextComponents(new Random(NoiseModel.DeriveSeed(9, index))));
            Assert.Equal(expected, map);
        }
    }

    [Fact]
    public void ClosePairFractionSetsTheShareOfClosePairMaps()
    {
        var grid = NetworkGrid.Paper(16);
        var gen = new RandomDistributions(grid.Relaxation1, grid.Relaxation2);
        var all = new TrainingData(grid, InputSpec.Recipe, new TrainingRecipe(ClosePairFraction: 1));
        for (long index = 0; index < 5; index++)
        {
            var rng = new Random(NoiseModel.DeriveSeed(9, index));
            rng.NextDouble(); // the draw that decides between a close pair and the recipe
            Assert.Equal(MapOf(grid, gen.NextClosePair(rng)), all.Simulate(9, index).Map);
        }

        // A quarter: count the samples whose map is the close pair drawn after the deciding draw (binomial 400 x 0.25: sd 8.7).
        var quarter = new TrainingData(grid, InputSpec.Recipe, new TrainingRecipe(ClosePairFraction: 0.25));
        int pairs = 0;
        for (long index = 0; index < 400; index++)
        {
            var rng = new Random(NoiseModel.DeriveSeed(9, index));
            bool pair = rng.NextDouble() < 0.25;
            var expected = MapOf(grid, pair ? gen.NextClosePair(rng) : gen.NextComponents(rng));
            Assert.Equal(expected, quarter.Simulate(9, index).Map);
            if (pair) pairs++;
        }
        Assert.InRange(pairs, 70, 130);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void ClosePairFractionOutsideZeroToOneIsRefused(double fraction)
    {
        var e = Assert.Throws<NmrInputException>(() => new TrainingData(NetworkGrid.Paper(16), InputSpec.Recipe, new TrainingRecipe(ClosePairFraction: fraction)));
        Assert.Equal("ClosePairFractionInvalid", e.ErrorId);
    }

    /// <summary>The SNR of a simulated sample, max |K1 F K2^T| / sd(noise), estimated from its 4096 noise values (sd +- 1.1%).</summary>
    private static double MeasuredSnr(NetworkGrid grid, (double[,] Signal, double[,] Map) sample)
    {
        var clean = MatrixProducts.Sandwich(grid.Svd1.Matrix, sample.Map, grid.Svd2.Matrix);
        double sumSq = 0;
        for (int i = 0; i < clean.GetLength(0); i++)
            for (int t = 0; t < clean.GetLength(1); t++)
                sumSq += Math.Pow(sample.Signal[i, t] - clean[i, t], 2);
        return MatrixProducts.MaxAbs(clean) / Math.Sqrt(sumSq / clean.Length);
    }

    [Theory]
    [InlineData(50.0)]
    [InlineData(5000.0)]
    public void ASingleSnrRangeGivesEverySampleThatSnr(double snr)
    {
        var grid = NetworkGrid.Paper(64);
        var data = new TrainingData(grid, InputSpec.Recipe, new TrainingRecipe(MinSnr: snr, MaxSnr: snr));
        for (long index = 0; index < 4; index++)
        {
            Assert.InRange(MeasuredSnr(grid, data.Simulate(3, index)) / snr, 0.95, 1.05);
        }
    }

    [Fact]
    public void SnrsAreDrawnLogUniformInsideTheRecipesRange()
    {
        var grid = NetworkGrid.Paper(64);
        var data = new TrainingData(grid, InputSpec.Recipe, new TrainingRecipe(MinSnr: 100, MaxSnr: 1000));
        var snrs = Enumerable.Range(0, 40).Select(i => MeasuredSnr(grid, data.Simulate(5, i))).ToArray();
        Assert.All(snrs, v => Assert.InRange(v, 100 * 0.95, 1000 * 1.05));
        // log10 SNR uniform in 2..3: mean 2.5 (sd of the mean of 40: 0.046); both halves of the range are drawn.
        Assert.InRange(snrs.Average(Math.Log10), 2.36, 2.64);
        Assert.Contains(snrs, v => v < 300);
        Assert.Contains(snrs, v => v > 350);
        // The paper's range on the same stream gives other SNRs: the range is what set them.
        var paper = new TrainingData(grid, InputSpec.Recipe);
        Assert.Contains(Enumerable.Range(0, 40), i => MeasuredSnr(grid, paper.Simulate(5, i)) is < 90 or > 1100);
    }

    [Fact]
    public void ClosePairMaxLogSdDrawsNarrowPairsFromTheSameStream()
    {
        var grid = NetworkGrid.Paper(16);
        var gen = new RandomDistributions(grid.Relaxation1, grid.Relaxation2);
        var narrow = new TrainingData(grid, InputSpec.Recipe, new TrainingRecipe(ClosePairFraction: 1, ClosePairMaxLogSd: 0.1));
        var wide = new TrainingData(grid, InputSpec.Recipe, new TrainingRecipe(ClosePairFraction: 1));
        for (long index = 0; index < 5; index++)
        {
            var rng = new Random(NoiseModel.DeriveSeed(9, index));
            rng.NextDouble(); // the draw that decides between a close pair and the recipe
            var pair = gen.NextClosePair(rng, 0.1);
            Assert.All(pair, c => { Assert.InRange(c.LogSd1, 0.025, 0.1); Assert.InRange(c.LogSd2, 0.025, 0.1); });
            var map = narrow.Simulate(9, index).Map;
            Assert.Equal(MapOf(grid, pair), map);
            Assert.NotEqual(wide.Simulate(9, index).Map, map);
        }
        // The cap at the recipe's largest width is the default stream, sample for sample.
        var capped = new TrainingData(grid, InputSpec.Recipe, new TrainingRecipe(ClosePairFraction: 1, ClosePairMaxLogSd: 0.25));
        for (long index = 0; index < 5; index++)
            Assert.Equal(wide.Simulate(9, index).Map, capped.Simulate(9, index).Map);
    }

    [Fact]
    public void ClosePairMinSnrRaisesTheSnrOfClosePairsOnly()
    {
        var grid = NetworkGrid.Paper(64);
        var floored = new TrainingData(grid, InputSpec.Recipe, new TrainingRecipe(ClosePairFraction: 0.5, ClosePairMinSnr: 1000));
        var plain = new TrainingData(grid, InputSpec.Recipe, new TrainingRecipe(ClosePairFraction: 0.5));
        int pairs = 0, others = 0, lowOthers = 0;
        for (long index = 0; index < 40; index++)
        {
            bool closePair = new Random(NoiseModel.DeriveSeed(4, index)).NextDouble() < 0.5;
            var sample = floored.Simulate(4, index);
            var reference = plain.Simulate(4, index);
            // The floor moves no map: the same pairs and recipe maps as without it.
            Assert.Equal(reference.Map, sample.Map);
            double snr = MeasuredSnr(grid, sample);
            if (closePair)
            {
                pairs++;
                Assert.InRange(snr, 1000 * 0.95, 1e4 * 1.05);
            }
            else
            {
                // Recipe maps keep the recipe's SNRs, noise value for noise value.
                others++;
                Assert.Equal(reference.Signal, sample.Signal);
                if (snr < 500) lowOthers++;
            }
        }
        Assert.InRange(pairs, 10, 30);
        Assert.InRange(others, 10, 30);
        Assert.True(lowOthers > 0, "the recipe maps should still reach SNRs below the close pairs' floor");
    }

    [Theory]
    [InlineData(5.0)]
    [InlineData(2e4)]
    [InlineData(double.NaN)]
    public void AClosePairSnrFloorOutsideTheTrainingRangeIsRefused(double floor)
    {
        var e = Assert.Throws<NmrInputException>(() => new TrainingData(NetworkGrid.Paper(16), InputSpec.Recipe, new TrainingRecipe(ClosePairFraction: 0.5, ClosePairMinSnr: floor)));
        Assert.Equal("ClosePairSnrInvalid", e.ErrorId);
    }

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.3)]
    [InlineData(double.NaN)]
    public void AClosePairWidthCapOutsideTheRecipesWidthsIsRefused(double cap)
    {
        var e = Assert.Throws<NmrInputException>(() => new TrainingData(NetworkGrid.Paper(16), InputSpec.Recipe, new TrainingRecipe(ClosePairFraction: 0.5, ClosePairMaxLogSd: cap)));
        Assert.Equal("ClosePairLogSdInvalid", e.ErrorId);
    }

    [Fact]
    public void HeldOutSetsKeepThePapersSnrRangeAndNoClosePairs()
    {
        Assert.Equal(new TrainingRecipe(), new TrainingRecipe(ClosePairFraction: 0.5, ClosePairMaxLogSd: 0.1, ClosePairMinSnr: 100).HeldOut());
        var narrowed = new TrainingRecipe(MinComponents: 2, MinSnr: 100, MaxSnr: 300, ClosePairFraction: 0.5);
        Assert.Equal(new TrainingRecipe(MinComponents: 2), narrowed.HeldOut());
        Assert.Equal(new TrainingRecipe(), new TrainingRecipe().HeldOut());
    }

    [Theory]
    [InlineData(0.0, 100.0)]
    [InlineData(300.0, 100.0)]
    [InlineData(10.0, double.PositiveInfinity)]
    [InlineData(double.NaN, 100.0)]
    public void AnSnrRangeThatIsNotOneIsRefused(double min, double max)
    {
        var e = Assert.Throws<NmrInputException>(() => new TrainingData(NetworkGrid.Paper(16), InputSpec.Recipe, new TrainingRecipe(MinSnr: min, MaxSnr: max)));
        Assert.Equal("SnrRangeInvalid", e.ErrorId);
    }
}
