using OnnxAudio.Training.Data;

namespace OnnxAudio.Training.Tests.Data;

public class DataLoaderTests
{
    private sealed class Numbers(int count, int failAt = -1) : IDataset<int>
    {
        public int Count => count;

        public int Get(int index, Random random)
        {
            if (index == failAt)
                throw new InvalidDataException($"example {index} is broken");
            Thread.Sleep(index % 3); // workers finish out of order
            return index;
        }
    }

    private static DataLoader<int, int[]> Loader(int count = 100, int seed = 7, int failAt = -1) =>
        new(new Numbers(count, failAt), 8, batch => batch.ToArray(), seed, workers: 3);

    [Fact]
    public void An_epoch_is_a_permutation_in_batches_of_the_requested_size()
    {
        var batches = Loader().Epoch(0).ToList();
        Assert.Equal(12, batches.Count); // 100 / 8, last partial batch dropped
        Assert.All(batches, b => Assert.Equal(8, b.Length));
        Assert.Equal(96, batches.SelectMany(b => b).Distinct().Count());
    }

    [Fact]
    public void The_order_depends_only_on_seed_and_epoch_not_on_worker_timing()
    {
        int[] first = Loader().Epoch(3).SelectMany(b => b).ToArray();
        int[] again = Loader().Epoch(3).SelectMany(b => b).ToArray();
        Assert.Equal(first, again);
        Assert.Equal(first, Loader().Order(3).Take(96).ToArray());
        Assert.NotEqual(first, Loader().Epoch(4).SelectMany(b => b).ToArray());
        Assert.NotEqual(first, Loader(seed: 8).Epoch(3).SelectMany(b => b).ToArray());
    }

    [Fact]
    public void Skipping_resumes_mid_epoch_with_the_same_batches()
    {
        var all = Loader().Epoch(1).ToList();
        var rest = Loader().Epoch(1, skip: 5).ToList();
        Assert.Equal(all.Skip(5), rest);
    }

    [Fact]
    public void A_failing_example_surfaces_with_its_message()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Loader(failAt: 50).Epoch(0).ToList());
        Assert.Contains("example 50 is broken", e.Message);
    }

    [Fact]
    public void Stopping_early_stops_the_workers()
    {
        var loader = Loader(count: 10_000);
        Assert.Single(loader.Epoch(0).Take(1));
        // Nothing to assert beyond returning promptly: the producers are cancelled by the enumerator's disposal.
    }
}
