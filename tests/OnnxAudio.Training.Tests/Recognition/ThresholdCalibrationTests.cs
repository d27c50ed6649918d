using OnnxAudio.Audio;
using OnnxAudio.Recognition;
using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Training.Recognition;

namespace OnnxAudio.Training.Tests.Recognition;

/// <summary>
/// The threshold sweep against counts known by construction: a stand-in classifier whose keyword probability is the
/// loudest sample in its window, over audio with bursts of known height, so every threshold's false alarms and found
/// clips follow from the burst heights alone.
/// </summary>
public sealed class ThresholdCalibrationTests : IDisposable
{
    private const int Rate = 16_000;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "onnxaudio-threshold-" + Guid.NewGuid().ToString("N"));

    public ThresholdCalibrationTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>P(yes) = the window's peak, the rest to _unknown_.</summary>
    private sealed class PeakClassifier : IClipClassifier
    {
        public int SampleRate => Rate;

        public int ClipSamples => Rate;

        public IReadOnlyList<string> Labels { get; } = ["_silence_", "_unknown_", "yes"];

        public int Calls { get; private set; }

        public void Probabilities(ReadOnlySpan<float> samples, Span<float> probabilities)
        {
            Calls++;
            float peak = 0;
            foreach (float s in samples)
                peak = Math.Max(peak, Math.Abs(s));
            probabilities[0] = 0;
            probabilities[1] = 1 - peak;
            probabilities[2] = peak;
        }
    }

    /// <summary>Two minutes: ten bursts at 0.45 and five at 0.75 (0.3 s each, 8 s apart), silence between.</summary>
    private string NonKeywordAudio()
    {
        var samples = new float[120 * Rate];
        for (int b = 0; b < 15; b++)
        {
            float height = b % 3 == 2 ? 0.75f : 0.45f;
            int start = (2 + 8 * b) * Rate;
            for (int i = 0; i < (int)(0.3 * Rate); i++)
                samples[start + i] = height * (i % 2 == 0 ? 1 : -1);
        }

        string path = Path.Combine(_folder, "stream.wav");
        AudioFile.WriteMono(path, samples, Rate);
        return path;
    }

    private IReadOnlyList<(string File, string Label)> KeywordClips(float height, int count)
    {
        string dir = Path.Combine(_folder, "clips", "yes");
        Directory.CreateDirectory(dir);
        Directory.CreateDirectory(Path.Combine(_folder, "clips", "_unknown_"));
        AudioFile.WriteMono(Path.Combine(_folder, "clips", "_unknown_", "ignored.wav"), new float[Rate], Rate);
        for (int c = 0; c < count; c++)
        {
            var clip = new float[Rate];
            for (int i = 4000; i < 9000; i++)
                clip[i] = height;
            AudioFile.WriteMono(Path.Combine(dir, $"{c}.wav"), clip, Rate);
        }

        return ThresholdCalibration.KeywordClips(Path.Combine(_folder, "clips"), ["yes"]);
    }

    [Fact]
    public void False_alarms_and_found_clips_at_every_threshold_follow_the_burst_heights()
    {
        var classifier = new PeakClassifier();
        var clips = KeywordClips(0.6f, 4);
        Assert.Equal(4, clips.Count); // the _unknown_ folder is not a keyword
        var sweep = ThresholdCalibration.Sweep(classifier, NonKeywordAudio(), clips, [0.3f, 0.5f, 0.7f, 0.8f]);

        // 15 bursts in 2 min = 450 per hour above 0.45; the five at 0.75 = 150 per hour; none above.
        Assert.Equal([450.0, 150.0, 150.0, 0.0], sweep.Select(p => Math.Round(p.FalseAlarmsPerHour, 6)));
        Assert.Equal([1.0, 1.0, 0.0, 0.0], sweep.Select(p => p.Recall));
        Assert.Equal(0.5f, ThresholdCalibration.Choose(sweep, 200)!.Threshold);
        Assert.Equal(0.8f, ThresholdCalibration.Choose(sweep, 1)!.Threshold);
        Assert.Null(ThresholdCalibration.Choose(sweep.Take(3).ToList(), 1));
    }

    [Fact]
    public void The_classifier_runs_once_however_many_thresholds_are_swept()
    {
        string audio = NonKeywordAudio();
        var once = new PeakClassifier();
        ThresholdCalibration.Sweep(once, audio, [], [0.5f]);
        var many = new PeakClassifier();
        var sweep = ThresholdCalibration.Sweep(many, audio, [], ThresholdCalibration.DefaultGrid);
        Assert.Equal(once.Calls, many.Calls);
        Assert.Equal(ThresholdCalibration.DefaultGrid.Count, sweep.Count);
        Assert.All(sweep, p => Assert.True(double.IsNaN(p.Recall)));
    }

    [Fact]
    public void The_default_grid_holds_the_decimals_it_prints()
    {
        // The chosen threshold is written into the model as its shortest round-trip text: 0.98 must read 0.98, not 0.97999996.
        var grid = ThresholdCalibration.DefaultGrid;
        Assert.Equal(0.30f, grid[0]);
        Assert.Equal(0.98f, grid[34]);
        Assert.All(grid, t => Assert.True(t.ToString("R", System.Globalization.CultureInfo.InvariantCulture).Length <= 5, $"{t:R}"));
    }

    [Fact]
    public void The_chosen_threshold_is_written_into_a_new_model_and_used_by_default()
    {
        string output = Path.Combine(_folder, "calibrated.onnx");
        var chosen = new ThresholdPoint(0.86f, 0.5, 0.9);
        ThresholdCalibration.Write(TestModels.Tones, output, chosen, "test");
        using var original = AudioClassifier.Load(TestModels.Tones);
        using var calibrated = AudioClassifier.Load(output);
        Assert.Null(original.Spec.DetectionThreshold);
        Assert.Equal(DetectorOptions.FallbackThreshold, original.DetectionThreshold);
        Assert.Equal(0.86, calibrated.Spec.DetectionThreshold!.Value, 6);
        Assert.Equal(0.86f, ((IClipClassifier)calibrated).DetectionThreshold);
        Assert.Equal(original.Labels, calibrated.Labels);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void Refuses_to_overwrite_its_input_and_names_missing_or_short_audio()
    {
        string copy = Path.Combine(_folder, "model.onnx");
        File.Copy(TestModels.Tones, copy);
        byte[] before = File.ReadAllBytes(copy);
        var e = Assert.Throws<OnnxAudioException>(() => ThresholdCalibration.Write(copy, copy, new ThresholdPoint(0.7f, 0, 1), "test"));
        Assert.Contains("not over its input", e.Message);
        Assert.Equal(before, File.ReadAllBytes(copy));

        string shortAudio = Path.Combine(_folder, "short.wav");
        AudioFile.WriteMono(shortAudio, new float[Rate * 5], Rate);
        var tooShort = Assert.Throws<OnnxAudioException>(() => ThresholdCalibration.Sweep(new PeakClassifier(), shortAudio, [], [0.5f]));
        Assert.Contains("short.wav", tooShort.Message);
        Assert.Contains("at least a minute", tooShort.Message);
        Assert.Contains("no such folder", Assert.Throws<OnnxAudioException>(() => ThresholdCalibration.KeywordClips(Path.Combine(_folder, "none"), ["yes"])).Message);
    }
}
