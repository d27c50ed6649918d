using OnnxAudio.Training.Compression;
using OnnxAudio.Training.Models;

namespace OnnxAudio.Training.Tests.Compression;

/// <summary>
/// The per-rate codec: quantiser dropout (one model for every bitrate) against a model trained for 6 kbit/s alone,
/// and what <c>--arch</c> builds.
/// </summary>
public sealed class CodecFamiliesTests
{
    [Fact]
    public void Quantiser_dropout_uses_every_codebook_in_about_half_the_batches_and_each_count_otherwise()
    {
        var random = new Random(5);
        int[] levels = Enumerable.Range(0, 20_000).Select(_ => CodecTask.TrainingLevels(12, quantiserDropout: true, random)).ToArray();
        Assert.All(levels, l => Assert.InRange(l, 1, 12));
        // P(12) = 1/2 + 1/2 · 1/12; every count 1…11 about 1/24.
        Assert.InRange(levels.Count(l => l == 12) / 20_000.0, 0.52, 0.56);
        for (int n = 1; n < 12; n++)
            Assert.InRange(levels.Count(l => l == n) / 20_000.0, 0.034, 0.050);
    }

    [Fact]
    public void Without_dropout_every_batch_uses_every_codebook_and_the_random_stream_is_the_same()
    {
        var a = new Random(5);
        var b = new Random(5);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(12, CodecTask.TrainingLevels(12, quantiserDropout: false, a));
            CodecTask.TrainingLevels(12, quantiserDropout: true, b);
        }

        Assert.Equal(b.Next(), a.Next());
    }

    [Fact]
    public void The_6_kbit_architecture_is_a_magnitude_codec_with_a_wider_latent_and_no_dropout()
    {
        using var perRate = (MagnitudeCodecFamily)CodecFamilies.Create("magnitude-6k");
        using var shared = (MagnitudeCodecFamily)CodecFamilies.Create("magnitude");
        Assert.False(perRate.QuantiserDropout);
        Assert.True(shared.QuantiserDropout);
        Assert.Equal(128, perRate.Model.Config.LatentDim);
        Assert.Equal(SpectralCodecOutput.Magnitude, perRate.Model.Config.Output);
        Assert.Equal(12, perRate.Spec.Codebooks);
        Assert.Equal(64, shared.Model.Config.LatentDim);
    }
}
