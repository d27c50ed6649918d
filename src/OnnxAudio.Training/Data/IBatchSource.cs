namespace OnnxAudio.Training.Data;

/// <summary>Batches by epoch, in an order that depends only on the seed and the epoch.</summary>
public interface IBatchSource<out TBatch>
{
    int BatchesPerEpoch { get; }

    IEnumerable<TBatch> Epoch(int epoch, int skip = 0, CancellationToken cancellationToken = default);
}
