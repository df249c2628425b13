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
}
