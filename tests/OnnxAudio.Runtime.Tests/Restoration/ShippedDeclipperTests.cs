using OnnxAudio.Audio;
using OnnxAudio.Evaluation;
using OnnxAudio.Onnx;
using OnnxAudio.Restoration;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Tests.Restoration;

/// <summary>The shipped declipper (models/declip.onnx) on held-out speech clipped here, scored against the original.</summary>
public class ShippedDeclipperTests
{
    [Fact]
    public void Restores_clipped_speech_and_keeps_every_reliable_sample()
    {
        using var declipper = Restorer.Load(ShippedFiles.Path("declip.onnx"), new InferenceOptions { IntraOpThreads = 1 });
        Assert.Equal(RestorationKind.Declip, declipper.Kind);
        Assert.True(declipper.ClipConsistency);
        double gain = 0;
        var samples = ShippedFiles.SpeechSamples();
        foreach (var (_, cleanPath, _) in samples)
        {
            float[] clean = AudioFile.ReadMono(cleanPath, 16000);
            float level = 0.25f * clean.Max(MathF.Abs);
            float[] clipped = clean.Select(v => Math.Clamp(v, -level, level)).ToArray();
            float[] restored = declipper.Process(clipped);
            Assert.Equal(clipped.Length, restored.Length);
            for (int i = 0; i < clipped.Length; i++)
            {
                if (!ClipRepair.IsClipped(clipped[i], level))
                    Assert.Equal(clipped[i], restored[i]);
                else
                    Assert.True(restored[i] * Math.Sign(clipped[i]) >= level * 0.999f);
            }

            gain += SignalMetrics.SiSdr(clean, restored) - SignalMetrics.SiSdr(clean, clipped);
        }

        Assert.True(gain / samples.Length >= 2, $"mean SI-SDR improvement {gain / samples.Length:0.00} dB");
    }

    [Fact]
    public void Audio_without_clipping_passes_through_unchanged()
    {
        using var declipper = Restorer.Load(ShippedFiles.Path("declip.onnx"), new InferenceOptions { IntraOpThreads = 1 });
        float[] clean = AudioFile.ReadMono(ShippedFiles.SpeechSamples()[1].Clean, 16000);
        Assert.Equal(clean, declipper.Process(clean));
    }

    [Fact]
    public void Clip_level_detection_finds_the_plateau_and_ignores_clean_audio()
    {
        float[] clean = AudioFile.ReadMono(ShippedFiles.SpeechSamples()[0].Clean, 16000);
        Assert.Null(ClipRepair.DetectLevel(clean));
        float level = 0.3f * clean.Max(MathF.Abs);
        float? found = ClipRepair.DetectLevel(clean.Select(v => Math.Clamp(v, -level, level)).ToArray());
        Assert.NotNull(found);
        Assert.Equal(level, found!.Value, 6);
    }
}
