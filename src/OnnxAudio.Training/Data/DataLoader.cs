using System.Collections.Concurrent;

namespace OnnxAudio.Training.Data;

/// <summary>
/// Shuffles, batches and prefetches a dataset. Examples are loaded and collated on background threads into managed
/// batches (feature extraction runs there too), a bounded number ahead of the training loop; the training thread turns
/// them into tensors. The order is a function of (seed, epoch) only, so a resumed run sees the same batches.
/// </summary>
public sealed class DataLoader<TExample, TBatch> : IBatchSource<TBatch>
{
    private readonly IDataset<TExample> _dataset;
    private readonly Func<IReadOnlyList<TExample>, TBatch> _collate;

    public DataLoader(IDataset<TExample> dataset, int batchSize, Func<IReadOnlyList<TExample>, TBatch> collate,
        int seed, bool shuffle = true, bool dropLast = true, int prefetchBatches = 4, int workers = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (dataset.Count == 0)
            throw new ArgumentException("The dataset is empty.", nameof(dataset));
        _dataset = dataset;
        _collate = collate;
        BatchSize = batchSize;
        Seed = seed;
        Shuffle = shuffle;
        DropLast = dropLast && dataset.Count >= batchSize;
        PrefetchBatches = Math.Max(1, prefetchBatches);
        Workers = Math.Max(1, workers);
    }

    public int BatchSize { get; }

    public int Seed { get; }

    public bool Shuffle { get; }

    public bool DropLast { get; }

    public int PrefetchBatches { get; }

    public int Workers { get; }

    public int BatchesPerEpoch => DropLast ? _dataset.Count / BatchSize : (_dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>The example order of <paramref name="epoch"/>: a Fisher–Yates shuffle seeded by (seed, epoch).</summary>
    public int[] Order(int epoch)
    {
        int[] order = Enumerable.Range(0, _dataset.Count).ToArray();
        if (Shuffle)
            new Random(StableHash.Combine(Seed, epoch, 0x5EED)).Shuffle(order);
        return order;
    }

    /// <summary>The batches of <paramref name="epoch"/>, starting at batch <paramref name="skip"/>, prefetched in the background.</summary>
    public IEnumerable<TBatch> Epoch(int epoch, int skip = 0, CancellationToken cancellationToken = default)
    {
        int[] order = Order(epoch);
        int count = BatchesPerEpoch;
        using var ready = new BlockingCollection<(int Index, TBatch Batch)>(PrefetchBatches);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int next = skip;
        Exception? failure = null;
        var pending = new SortedDictionary<int, TBatch>();
        var producers = Enumerable.Range(0, Workers).Select(_ => Task.Run(() =>
        {
            try
            {
                int index;
                while ((index = Interlocked.Increment(ref next) - 1) < count && !stop.IsCancellationRequested)
                    ready.Add((index, MakeBatch(order, epoch, index)), stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                failure = e;
                stop.Cancel();
            }
        })).ToArray();
        Task.WhenAll(producers).ContinueWith(_ => ready.CompleteAdding(), TaskScheduler.Default);

        try
        {
            // Workers finish out of order: hand batches out in index order.
            for (int wanted = skip; wanted < count; wanted++)
            {
                while (!pending.ContainsKey(wanted) && TakeOne(ready, pending, stop.Token, () => failure, cancellationToken))
                {
                }

                if (!pending.Remove(wanted, out TBatch? batch))
                    break;
                yield return batch;
            }
        }
        finally
        {
            stop.Cancel();
            try
            {
                Task.WaitAll(producers);
            }
            catch (AggregateException)
            {
            }
        }

        if (failure is not null)
            throw new InvalidOperationException($"Loading a batch failed: {failure.Message}", failure);
    }

    /// <summary>Moves one prefetched batch into <paramref name="pending"/>; false when no more will come.</summary>
    private static bool TakeOne(BlockingCollection<(int Index, TBatch Batch)> ready, SortedDictionary<int, TBatch> pending,
        CancellationToken stop, Func<Exception?> failure, CancellationToken user)
    {
        try
        {
            if (!ready.TryTake(out var item, Timeout.Infinite, stop))
                return false;
            pending[item.Index] = item.Batch;
            return true;
        }
        catch (OperationCanceledException) when (!user.IsCancellationRequested)
        {
            if (failure() is { } e)
                throw new InvalidOperationException($"Loading a batch failed: {e.Message}", e);
            return false;
        }
    }

    private TBatch MakeBatch(int[] order, int epoch, int batchIndex)
    {
        int start = batchIndex * BatchSize;
        int end = Math.Min(start + BatchSize, order.Length);
        var examples = new List<TExample>(end - start);
        for (int i = start; i < end; i++)
            examples.Add(_dataset.Get(order[i], new Random(StableHash.Combine(Seed, epoch, order[i]))));
        return _collate(examples);
    }
}
