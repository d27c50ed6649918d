namespace OnnxAudio.Training.Recognition;

/// <summary>A batch of log-mel features [batch, mels, frames] and class labels.</summary>
public sealed record FeatureBatch(float[] Features, long[] Shape, long[] Labels)
{
    /// <summary>Stacks examples of equal length.</summary>
    public static FeatureBatch Collate(IReadOnlyList<FeatureExample> examples)
    {
        int frames = examples[0].Frames, mels = examples[0].Features.Length / frames;
        var features = new float[examples.Count * mels * frames];
        var labels = new long[examples.Count];
        for (int i = 0; i < examples.Count; i++)
        {
            examples[i].Features.CopyTo(features, i * mels * frames);
            labels[i] = examples[i].Label;
        }

        return new FeatureBatch(features, [examples.Count, mels, frames], labels);
    }
}
