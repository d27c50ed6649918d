using TorchSharp;
using static TorchSharp.torch;

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

    /// <summary>How many of the batch's examples <paramref name="model"/> classifies right (call in eval mode, without gradients).</summary>
    public int CountCorrect(nn.Module<Tensor, Tensor> model)
    {
        // A scope per batch: the caller's scope may span a whole evaluation, and every activation of every batch would
        // live until it ends (gigabytes for a 2-D network such as BC-ResNet).
        using var scope = NewDisposeScope();
        using Tensor predicted = model.forward(tensor(Features).reshape(Shape)).argmax(1);
        long[] labels = predicted.data<long>().ToArray();
        return labels.Where((label, i) => label == Labels[i]).Count();
    }
}
