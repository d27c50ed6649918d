using OnnxAudio.Audio;
using OnnxAudio.Recognition;

namespace OnnxAudio.Tests.Recognition;

/// <summary>
/// The detector's windowing, smoothing, hysteresis and timing against a scripted classifier whose answer is known for
/// every window: P(beep) = the fraction of the window's samples that are not silent.
/// </summary>
public class KeywordDetectorTests
{
    private sealed class ScriptedClassifier(float? threshold = null) : IClipClassifier
    {
        public int SampleRate => 16_000;

        public float DetectionThreshold => threshold ?? DetectorOptions.FallbackThreshold;

        public int ClipSamples => 16_000;

        public IReadOnlyList<string> Labels { get; } = ["_silence_", "beep"];

        public void Probabilities(ReadOnlySpan<float> samples, Span<float> probabilities)
        {
            int loud = 0;
            foreach (float v in samples)
                if (MathF.Abs(v) > 0.01f)
                    loud++;
            probabilities[1] = loud / (float)samples.Length;
            probabilities[0] = 1 - probabilities[1];
        }
    }

    /// <summary>6 s of silence with a constant 0.5 from 3.0 to 3.5 s.</summary>
    private static float[] Beep()
    {
        var x = new float[6 * 16_000];
        x.AsSpan(48_000, 8_000).Fill(0.5f);
        return x;
    }

    [Fact]
    public void A_beep_is_reported_over_the_windows_that_see_it()
    {
        // Window ends at 0.1 s steps; P(beep) = overlap of [end − 1 s, end] with [3.0, 3.5] s. It reaches 0.45 first at the
        // window ending at 3.5 s (which starts at 2.5 s), stays at or above half of that (0.225) up to the window
        // ending at 4.2 s (overlap 0.3 s) and drops below at 4.3 s (0.2 s). The peak is 0.5.
        var detector = new KeywordDetector(new ScriptedClassifier(), new DetectorOptions { Threshold = 0.45f, SmoothingWindows = 1 });
        Detection detection = Assert.Single(detector.Detect(new MemoryAudioSource(Beep(), new AudioFormat(16_000, 1))));
        Assert.Equal("beep", detection.Label);
        Assert.Equal(2.5, detection.Start, 6);
        Assert.Equal(4.2, detection.End, 6);
        Assert.Equal(0.5f, detection.Score, 4);
    }

    [Theory]
    [InlineData(0.45f, 1)]
    [InlineData(0.55f, 0)]
    public void Without_options_the_classifiers_own_threshold_decides(float threshold, int detections)
    {
        // The smoothed beep peaks at 0.5: found at the model's 0.45, not at its 0.55 (the fallback 0.6 would miss it too).
        var detector = new KeywordDetector(new ScriptedClassifier(threshold));
        Assert.Equal(detections, detector.Detect(new MemoryAudioSource(Beep(), new AudioFormat(16_000, 1))).Count());
        Assert.Empty(new KeywordDetector(new ScriptedClassifier()).Detect(new MemoryAudioSource(Beep(), new AudioFormat(16_000, 1))));
    }

    [Fact]
    public void Smoothing_averages_the_last_windows_before_the_threshold()
    {
        // Averaged over 3 windows the beep first reaches 0.45 at the window ending at 3.6 s ((0.3 + 0.4 + 0.5) / 3 = 0.4
        // at 3.5 s; (0.4 + 0.5 + 0.5) / 3 ≈ 0.467 at 3.6 s).
        var detector = new KeywordDetector(new ScriptedClassifier(), new DetectorOptions { Threshold = 0.45f, SmoothingWindows = 3 });
        Detection detection = Assert.Single(detector.Detect(new MemoryAudioSource(Beep(), new AudioFormat(16_000, 1))));
        Assert.Equal(2.6, detection.Start, 6);
        Assert.Equal(0.5f, detection.Score, 4);
    }

    [Fact]
    public void Any_source_is_converted_to_the_classifiers_rate_and_channels()
    {
        // The same beep as 48 kHz stereo: the detector down-mixes and resamples, and finds it at the same times.
        float[] mono = Resampler.Resample(Beep(), 16_000, 48_000);
        float[] stereo = mono.SelectMany(v => new[] { v, v }).ToArray();
        var detector = new KeywordDetector(new ScriptedClassifier(), new DetectorOptions { Threshold = 0.45f, SmoothingWindows = 1 });
        Detection detection = Assert.Single(detector.Detect(new MemoryAudioSource(stereo, new AudioFormat(48_000, 2))));
        Assert.Equal(2.5, detection.Start, 6);
        Assert.Equal(4.2, detection.End, 6);
        Assert.InRange(detection.Score, 0.49f, 0.52f); // resampling rings a few samples past the edges
    }

    [Fact]
    public void Ignored_labels_and_silence_report_nothing()
    {
        var detector = new KeywordDetector(new ScriptedClassifier(), new DetectorOptions { IgnoredLabels = ["_silence_", "beep"] });
        Assert.Empty(detector.Detect(new MemoryAudioSource(Beep(), new AudioFormat(16_000, 1))));
        Assert.Empty(new KeywordDetector(new ScriptedClassifier()).Detect(new MemoryAudioSource(new float[48_000], new AudioFormat(16_000, 1))));
    }

    [Theory]
    [InlineData(0f, 100, 3)]
    [InlineData(1.5f, 100, 3)]
    [InlineData(0.5f, 5, 3)]
    [InlineData(0.5f, 100, 0)]
    public void Settings_out_of_range_are_refused(float threshold, int hopMs, int smoothing) =>
        Assert.Throws<ArgumentException>(() => new KeywordDetector(new ScriptedClassifier(),
            new DetectorOptions { Threshold = threshold, HopMs = hopMs, SmoothingWindows = smoothing }));
}
