using OnnxAudio.Recognition;

namespace OnnxAudio.Tests.Recognition;

/// <summary>
/// The runtime classifier on the committed tone classifier (sine, square, sawtooth, noise burst; 0.5 s clips) and the
/// one rule that fits any input to the model's clip, <see cref="RecognitionSpec.FitClip"/>.
/// </summary>
public sealed class AudioClassifierTests : IDisposable
{
    private static readonly string[] Labels = ["sine", "square", "sawtooth", "noise_burst"];
    private readonly AudioClassifier _classifier = AudioClassifier.Load(TestModels.Tones);

    public void Dispose() => _classifier.Dispose();

    [Fact]
    public void The_model_describes_itself()
    {
        Assert.Equal(Labels, _classifier.Labels);
        Assert.Equal(16_000, _classifier.SampleRate);
        Assert.Equal(8_000, _classifier.ClipSamples);
    }

    [Fact]
    public void Tones_are_named_and_scores_are_probabilities()
    {
        int correct = 0;
        for (int i = 0; i < 40; i++)
        {
            string label = Labels[i % 4];
            ClassificationResult result = _classifier.Classify(Signals.ToneClass(label, 200 * Math.Pow(2, (i % 10) * 0.3), i));
            Assert.Equal(1f, result.Ranked.Sum(r => r.Score), 4);
            Assert.True(result.Ranked.Zip(result.Ranked.Skip(1)).All(p => p.First.Score >= p.Second.Score), "ranked best first");
            if (result.Label == label)
                correct++;
        }

        Assert.True(correct >= 36, $"{correct} of 40");
    }

    [Fact]
    public void A_longer_input_is_judged_by_its_middle()
    {
        // 1.5 s: sine, then the square wave in the middle half second, then sine again.
        float[] sine = Signals.ToneClass("sine", 440, 1), square = Signals.ToneClass("square", 440, 2);
        float[] input = [.. sine, .. square, .. sine];
        Assert.Equal("square", _classifier.Classify(input).Label);
        Assert.Equal("sine", _classifier.Classify(input.AsSpan(0, 8_000)).Label);
    }

    [Fact]
    public void FitClip_takes_the_middle_or_pads_at_the_end()
    {
        float[] clip = new float[4];
        RecognitionSpec.FitClip([1, 2, 3, 4, 5, 6, 7], clip);
        Assert.Equal([2f, 3, 4, 5], clip);
        RecognitionSpec.FitClip([9, 8], clip);
        Assert.Equal([9f, 8, 0, 0], clip);
        RecognitionSpec.FitClip([1, 2, 3, 4], clip);
        Assert.Equal([1f, 2, 3, 4], clip);
    }
}
