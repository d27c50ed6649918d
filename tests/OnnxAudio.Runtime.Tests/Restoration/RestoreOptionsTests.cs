using OnnxAudio.Audio;
using OnnxAudio.Compression;
using OnnxAudio.Restoration;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Tests.Restoration;

/// <summary>The engines take options objects and any audio source, converting it as the model needs.</summary>
public class RestoreOptionsTests
{
    private static float[] Speech() => AudioFile.ReadMono(ShippedFiles.SpeechSamples()[0].Noisy, 16000)[..32000];

    /// <summary>The same signal as stereo at 48 kHz: both channels equal, resampled by the runtime's own resampler.</summary>
    private static MemoryAudioSource Stereo48k(float[] mono)
    {
        using var up = new MemoryAudioSource(mono, new AudioFormat(16000, 1)).ResampleTo(48000);
        float[] high = up.ReadAll().Samples;
        var interleaved = new float[2 * high.Length];
        for (int i = 0; i < high.Length; i++)
            interleaved[2 * i] = interleaved[2 * i + 1] = high[i];
        return new MemoryAudioSource(interleaved, new AudioFormat(48000, 2));
    }

    private static float[] Restore(Restorer restorer, IAudioSource source, RestoreOptions? options = null)
    {
        var output = new List<float>();
        restorer.Process(source, s => output.AddRange(s.ToArray()), options);
        return output.ToArray();
    }

    [Fact]
    public void The_restorer_converts_a_stereo_48_kHz_source_as_opening_it_mono_at_16_kHz_would()
    {
        using Restorer restorer = Restorer.Load(ShippedFiles.Path("denoise.onnx"));
        float[] mono = Speech();
        using MemoryAudioSource stereo = Stereo48k(mono);
        using IAudioSource reference = Stereo48k(mono).ToMono().ResampleTo(16000);
        float[] expected = Restore(restorer, reference);
        float[] actual = Restore(restorer, stereo);
        Assert.Equal(expected.Length, actual.Length);
        Assert.InRange(Math.Abs(actual.Length - mono.Length), 0, 2);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void A_strength_outside_0_to_1_is_refused_by_the_engine(float strength)
    {
        using Restorer restorer = Restorer.Load(ShippedFiles.Path("denoise.onnx"));
        using var source = new MemoryAudioSource(new float[1600], new AudioFormat(16000, 1));
        var e = Assert.Throws<OnnxAudioException>(() => restorer.Process(source, _ => { }, new RestoreOptions { Strength = strength }));
        Assert.Contains("strength", e.Message);
    }

    [Fact]
    public void Strength_0_returns_the_input()
    {
        using Restorer restorer = Restorer.Load(ShippedFiles.Path("denoise.onnx"));
        float[] input = Speech();
        float[] output = Restore(restorer, new MemoryAudioSource(input, new AudioFormat(16000, 1)), new RestoreOptions { Strength = 0 });
        // Analysis and synthesis with sqrt-Hann windows at 50 % overlap reconstruct the input.
        for (int i = 512; i < input.Length - 512; i++)
            Assert.True(Math.Abs(input[i] - output[i]) < 1e-4, $"sample {i}: {output[i]} vs {input[i]}");
    }

    [Fact]
    public void A_declipper_detects_the_level_of_a_file_in_a_first_pass_and_reports_it()
    {
        using Restorer restorer = Restorer.Load(ShippedFiles.Path("declip.onnx"));
        float[] speech = Speech();
        float peak = speech.Max(MathF.Abs), level = 0.4f * peak;
        float[] clipped = speech.Select(v => Math.Clamp(v, -level, level)).ToArray();
        int atLevel = clipped.Count(v => MathF.Abs(v) >= level);
        string path = Path.Combine(Path.GetTempPath(), $"onnxaudio-clipped-{Guid.NewGuid():N}.wav");
        try
        {
            AudioFile.WriteMono(path, clipped, 16000, new WavWriterOptions { Encoding = WavSampleEncoding.Float32 });
            var output = new List<float>();
            RestoreResult result = restorer.ProcessFile(path, s => output.AddRange(s.ToArray()));
            Assert.Equal(level, result.ClipLevel!.Value, 6);
            Assert.Equal(atLevel, result.SamplesAtClipLevel);
            Assert.Equal(clipped.Length, output.Count);
            // The given level gives the same output; unclipped samples are kept as they are.
            using var again = new MemoryAudioSource(clipped, new AudioFormat(16000, 1));
            float[] given = Restore(restorer, again, new RestoreOptions { Clip = ClipHandling.Given, ClipLevel = level });
            Assert.Equal(output, given);
            for (int i = 0; i < clipped.Length; i++)
                if (MathF.Abs(clipped[i]) < level * (1 - ClipRepair.Tolerance))
                    Assert.Equal(clipped[i], given[i]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_codec_converts_a_stereo_48_kHz_source_as_opening_it_mono_at_16_kHz_would()
    {
        using SpeechCodec codec = SpeechCodec.Load(ShippedFiles.Path("codec.encoder.onnx"));
        float[] mono = Speech();
        using var stereo = Stereo48k(mono);
        using var converted = Stereo48k(mono).ToMono().ResampleTo(16000);
        using var a = new MemoryStream();
        using var b = new MemoryStream();
        codec.Compress(stereo, a, 3);
        codec.Compress(converted, b, 3);
        Assert.Equal(b.ToArray(), a.ToArray());
    }
}
