namespace OnnxAudio.Training.Restoration;

/// <summary>A degraded recording, its clean reference and (for declipping) the clipping level; all segments equally long.</summary>
public sealed record RestorationExample(float[] Degraded, float[] Clean, float ClipLevel);

/// <summary>A batch of <see cref="RestorationExample"/>s stacked as [batch, samples].</summary>
public sealed record RestorationBatch(float[] Degraded, float[] Clean, float[] ClipLevels, int Count, int Samples)
{
    public static RestorationBatch Collate(IReadOnlyList<RestorationExample> examples)
    {
        int n = examples[0].Clean.Length;
        var degraded = new float[examples.Count * n];
        var clean = new float[examples.Count * n];
        for (int i = 0; i < examples.Count; i++)
        {
            examples[i].Degraded.CopyTo(degraded, i * n);
            examples[i].Clean.CopyTo(clean, i * n);
        }

        return new RestorationBatch(degraded, clean, examples.Select(e => e.ClipLevel).ToArray(), examples.Count, n);
    }
}
