using OnnxAudio.Training.Models;
using OnnxAudio.Training.Recognition;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Recognition;

/// <summary>
/// Counting a batch's correct predictions frees that batch's tensors at once: evaluation runs inside one scope for the
/// whole pass, and a BC-ResNet's 2-D activations of every batch kept until its end ran a 24 GB machine out of memory.
/// </summary>
public class FeatureBatchTests
{
    [Fact]
    public void Counting_correct_predictions_leaves_no_tensor_in_the_callers_scope()
    {
        using var model = new BcResNetKws(new KwsModelConfig(40, 5, Channels: 32));
        model.eval();
        var random = new Random(1);
        var examples = Enumerable.Range(0, 4)
            .Select(i => new FeatureExample(Enumerable.Range(0, 40 * 101).Select(_ => (float)random.NextDouble()).ToArray(), 101, i % 5)).ToArray();
        FeatureBatch batch = FeatureBatch.Collate(examples);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int correct = batch.CountCorrect(model);
        Assert.InRange(correct, 0, 4);
        Assert.Equal(0, scope.DisposablesCount);
    }
}
