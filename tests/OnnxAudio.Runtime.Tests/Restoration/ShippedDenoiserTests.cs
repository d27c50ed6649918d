using OnnxAudio.Audio;
using OnnxAudio.Evaluation;
using OnnxAudio.Onnx;
using OnnxAudio.Restoration;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Tests.Restoration;

/// <summary>The shipped denoiser (models/denoise.onnx) on the shipped held-out samples, scored against their clean originals.</summary>
public class ShippedDenoiserTests
{
    private static Restorer Load() => Restorer.Load(ShippedFiles.Path("denoise.onnx"), new InferenceOptions { IntraOpThreads = 1 });

    [Fact]
    public void Describes_itself_from_metadata()
    {
        using Restorer restorer = Load();
        Assert.Equal(RestorationKind.Denoise, restorer.Kind);
        Assert.Equal(16000, restorer.SampleRate);
        Assert.True(restorer.AlgorithmicLatency.TotalMilliseconds <= 32, $"latency {restorer.AlgorithmicLatency.TotalMilliseconds} ms");
        // One frame of look-ahead: the 320-sample window plus one 160-sample hop at 16 kHz.
        Assert.Equal(1, restorer.LookAheadFrames);
        Assert.Equal(30, restorer.AlgorithmicLatency.TotalMilliseconds, 6);
        Assert.Equal(320, restorer.DelaySamples);
        Assert.False(restorer.ClipConsistency);
    }

    [Fact]
    public void Raises_si_sdr_and_stoi_on_held_out_voices()
    {
        using Restorer restorer = Load();
        double gain = 0, stoiGain = 0;
        var samples = ShippedFiles.SpeechSamples();
        foreach (var (_, cleanPath, noisyPath) in samples)
        {
            float[] clean = AudioFile.ReadMono(cleanPath, 16000), noisy = AudioFile.ReadMono(noisyPath, 16000);
            float[] denoised = restorer.Process(noisy);
            Assert.Equal(noisy.Length, denoised.Length);
            gain += SignalMetrics.SiSdr(clean, denoised) - SignalMetrics.SiSdr(clean, noisy);
            stoiGain += Stoi.Compute(clean, denoised, 16000) - Stoi.Compute(clean, noisy, 16000);
        }

        Assert.True(gain / samples.Length >= 3, $"mean SI-SDR improvement {gain / samples.Length:0.00} dB");
        Assert.True(stoiGain > 0, $"STOI change {stoiGain / samples.Length:0.000}");
    }

    [Fact]
    public void Strength_zero_gives_back_the_input_and_streaming_equals_offline_with_the_pitch_filter()
    {
        using Restorer restorer = Load();
        float[] noisy = AudioFile.ReadMono(ShippedFiles.SpeechSamples()[0].Noisy, 16000);
        // A unity mask: the sqrt-Hann analysis/synthesis pair must reconstruct perfectly.
        float[] unchanged = restorer.Process(noisy, strength: 0f);
        Assert.True(noisy.Zip(unchanged, (a, b) => Math.Abs(a - b)).Max() < 1e-4);
        AssertStreamingEqualsOffline(restorer, noisy, pitchFilter: true);
    }

    [Fact]
    public void Without_the_pitch_filter_streaming_equals_offline_and_the_filter_is_on_by_default()
    {
        using Restorer restorer = Load();
        Assert.True(restorer.PitchFilterByDefault);
        float[] noisy = AudioFile.ReadMono(ShippedFiles.SpeechSamples()[0].Noisy, 16000);
        Assert.NotEqual(restorer.Process(noisy), restorer.Process(noisy, new RestoreOptions { PitchFilter = false }));
        Assert.Equal(restorer.Process(noisy, new RestoreOptions { PitchFilter = true }), restorer.Process(noisy));
        AssertStreamingEqualsOffline(restorer, noisy, pitchFilter: false);
    }

    /// <summary>
    /// One-hop pushes (the filter and the model frame by frame) against offline processing (8,192-sample blocks, 51
    /// frames per model call), after removing the stream's delay.
    /// </summary>
    private static void AssertStreamingEqualsOffline(Restorer restorer, float[] noisy, bool pitchFilter)
    {
        float[] offline = restorer.Process(noisy, new RestoreOptions { PitchFilter = pitchFilter });
        using RestorationStream stream = restorer.CreateStream(pitchFilter: pitchFilter);
        var streamed = new List<float>();
        var output = new float[stream.MaxOutputSamples(160)];
        for (int offset = 0; offset < noisy.Length; offset += 160)
            streamed.AddRange(output.AsSpan(0, stream.Push(noisy.AsSpan(offset, Math.Min(160, noisy.Length - offset)), output)).ToArray());
        streamed.AddRange(output.AsSpan(0, stream.Flush(output)).ToArray());
        float[] aligned = streamed.Skip(restorer.DelaySamples).ToArray();
        Assert.Equal(offline.Length, aligned.Length);
        Assert.True(offline.Zip(aligned, (a, b) => Math.Abs(a - b)).Max() < 1e-5);
    }

    [Fact]
    public void Refuses_models_of_other_jobs()
    {
        var e = Assert.Throws<OnnxAudioException>(() => Restorer.Load(ShippedFiles.Path("kws.onnx")));
        Assert.Contains("not a restoration model", e.Message);
    }
}
