namespace OnnxAudio.Training.Data;

/// <summary>
/// Indexed examples. <see cref="Get"/> may augment with <paramref name="random"/>, which the loader seeds per example
/// from the run's seed, epoch and index, so the same run produces the same examples in any thread order.
/// </summary>
public interface IDataset<out TExample>
{
    int Count { get; }

    TExample Get(int index, Random random);
}
