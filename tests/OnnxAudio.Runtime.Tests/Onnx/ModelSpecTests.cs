using System.Reflection;
using OnnxAudio.Dsp;
using OnnxAudio.Onnx;
using OnnxAudio.Recognition;
using OnnxAudio.Restoration;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Tests.Onnx;

/// <summary>The typed model contract: what training writes is what the engines read, field by field.</summary>
public class ModelSpecTests
{
    private static readonly PropertyInfo[] FeatureFields = typeof(LogMelOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite).ToArray();

    /// <summary>A value of the property's type that differs from <paramref name="current"/>.</summary>
    private static object? Different(Type type, object? current) => current switch
    {
        int i => i + 7,
        double d => d + 13.5,
        float f => f * 3 + 1e-7f,
        bool b => !b,
        Enum e => Enum.GetValues(type).Cast<object>().First(v => !v.Equals(e)),
        null when Nullable.GetUnderlyingType(type) == typeof(int) => 333,
        null when Nullable.GetUnderlyingType(type) == typeof(double) => 7123.25,
        _ => throw new InvalidOperationException($"no different value for {type}"),
    };

    private static LogMelOptions RoundTrip(LogMelOptions o) => FeatureDescription.Read(FeatureDescription.Write(o), o.SampleRate, "test.onnx");

    [Fact]
    public void Every_feature_setting_survives_the_metadata_one_at_a_time()
    {
        Assert.True(FeatureFields.Length >= 15, "LogMelOptions has lost fields this test relies on");
        foreach (PropertyInfo field in FeatureFields.Where(f => f.Name != nameof(LogMelOptions.SampleRate)))
        {
            var options = new LogMelOptions();
            object? changed = Different(field.PropertyType, field.GetValue(options));
            field.SetValue(options, changed);
            LogMelOptions back = RoundTrip(options);
            foreach (PropertyInfo other in FeatureFields)
                Assert.True(Equals(other.GetValue(options), other.GetValue(back)),
                    $"changing {field.Name} to {changed}: {other.Name} came back as {other.GetValue(back)}, not {other.GetValue(options)}");
        }
    }

    [Fact]
    public void Every_enum_value_of_every_feature_setting_survives()
    {
        foreach (PropertyInfo field in FeatureFields.Where(f => f.PropertyType.IsEnum))
            foreach (object value in Enum.GetValues(field.PropertyType))
            {
                var options = new LogMelOptions();
                field.SetValue(options, value);
                Assert.Equal(value, field.GetValue(RoundTrip(options)));
            }
    }

    [Fact]
    public void Features_written_before_the_full_description_read_as_the_defaults_they_were_trained_with()
    {
        // The keys the first exporter wrote (no window, centring, padding or spectrum kind).
        const string old = """
            {"kind":"log_mel","n_fft":512,"hop_length":160,"win_length":400,"n_mels":40,"f_min":20,"f_max":null,
             "mel_scale":"slaney","norm":"slaney","log":"natural","log_floor":1E-06,"layout":"batch, mels, frames"}
            """;
        LogMelOptions read = FeatureDescription.Read(old, 16000, "old.onnx");
        var expected = new LogMelOptions { NMels = 40 };
        foreach (PropertyInfo field in FeatureFields)
            Assert.Equal(field.GetValue(expected), field.GetValue(read));
    }

    [Theory]
    [InlineData("""{"kind":"mfcc","n_fft":512,"hop_length":160,"n_mels":40}""", "unknown feature kind 'mfcc'")]
    [InlineData("""{"kind":"log_mel","n_fft":512,"hop_length":160,"n_mels":40,"window":"kaiser"}""", "unknown window 'kaiser'")]
    [InlineData("""{"kind":"log_mel","hop_length":160,"n_mels":40}""", "unreadable")]
    [InlineData("""not json""", "unreadable")]
    public void Bad_feature_descriptions_are_refused_naming_the_model(string json, string problem)
    {
        var e = Assert.Throws<OnnxAudioException>(() => FeatureDescription.Read(json, 16000, "bad.onnx"));
        Assert.Contains("bad.onnx", e.Message);
        Assert.Contains(problem, e.Message);
    }

    private static ModelInfo Written(ModelSpec spec)
    {
        var metadata = new Dictionary<string, string>();
        spec.WriteTo(metadata);
        return ModelInfo.From("spec.onnx", metadata);
    }

    [Fact]
    public void A_recognition_spec_reads_back_equal()
    {
        var spec = new RecognitionSpec
        {
            SampleRate = 8000, Labels = ["yes", "no", "_unknown_"], ClipSamples = 12000, Temperature = 1.37, Architecture = "BcResNet", DetectionThreshold = 0.83,
            Parameters = 123456, Features = new LogMelOptions { SampleRate = 8000, NMels = 32, NFft = 256, HopLength = 80, WinLength = 200, Center = false, Spectrum = SpectrumKind.Magnitude },
        };
        RecognitionSpec back = RecognitionSpec.Read(Written(spec));
        Assert.Equal(spec.Labels, back.Labels);
        Assert.Equal(spec with { Labels = back.Labels, Features = back.Features }, back);
        foreach (PropertyInfo field in FeatureFields)
            Assert.Equal(field.GetValue(spec.Features), field.GetValue(back.Features));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("0")]
    [InlineData("high")]
    public void A_bad_detection_threshold_is_refused_naming_the_model(string value)
    {
        var metadata = new Dictionary<string, string>();
        new RecognitionSpec { SampleRate = 16000, Labels = ["yes", "no"], ClipSamples = 16000, Features = new LogMelOptions() }.WriteTo(metadata);
        Assert.False(metadata.ContainsKey(RecognitionSpec.DetectionThresholdKey)); // none unless calibrated
        metadata[RecognitionSpec.DetectionThresholdKey] = value;
        var e = Assert.Throws<OnnxAudioException>(() => RecognitionSpec.Read(ModelInfo.From("bad.onnx", metadata)));
        Assert.Contains("bad.onnx", e.Message);
        Assert.Contains("detection_threshold", e.Message);
    }

    [Theory]
    [InlineData(RestorationKind.Denoise, 0)]
    [InlineData(RestorationKind.Declip, 3)]
    public void A_restoration_spec_reads_back_equal(RestorationKind kind, int lookAhead)
    {
        var spec = new RestorationSpec
        {
            SampleRate = 16000, Kind = kind, NFft = 512, HopLength = 128, StateLayers = 2, StateHidden = 96,
            LookAheadFrames = lookAhead, MaskBound = 1.75, ClipConsistency = kind == RestorationKind.Declip, Parameters = 98765,
        };
        Assert.Equal(spec, RestorationSpec.Read(Written(spec)));
    }

    [Theory]
    [InlineData("look_ahead_frames", "9", "look_ahead_frames")]
    [InlineData("state_shape", "2", "state_shape")]
    [InlineData("restoration", "dereverb", "unknown restoration 'dereverb'")]
    [InlineData("window", "hann", "window 'hann'")]
    [InlineData("hop_length", "1024", "exceeds n_fft")]
    [InlineData("task", "recognition", "not a restoration model")]
    public void A_bad_restoration_entry_is_refused_naming_the_model_and_the_key(string key, string value, string problem)
    {
        var metadata = new Dictionary<string, string>();
        new RestorationSpec { SampleRate = 16000, Kind = RestorationKind.Denoise, NFft = 512, HopLength = 128, StateLayers = 1, StateHidden = 8 }.WriteTo(metadata);
        metadata[key] = value;
        var e = Assert.Throws<OnnxAudioException>(() => RestorationSpec.Read(ModelInfo.From("bad.onnx", metadata)));
        Assert.Contains("bad.onnx", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void The_shipped_models_read_through_their_specs()
    {
        using var classifier = AudioClassifier.Load(ShippedFiles.Path("kws.onnx"));
        Assert.Equal(16000, classifier.Spec.ClipSamples);
        Assert.Contains("_unknown_", classifier.Spec.Labels);
        using var denoiser = Restorer.Load(ShippedFiles.Path("denoise.onnx"));
        Assert.Equal(RestorationKind.Denoise, denoiser.Spec.Kind);
        Assert.False(denoiser.Spec.ClipConsistency);
        using var declipper = Restorer.Load(ShippedFiles.Path("declip.onnx"));
        Assert.True(declipper.Spec.ClipConsistency);
    }

    [Fact]
    public void A_clip_is_fitted_by_its_middle_or_padded_at_the_end()
    {
        float[] longer = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        var clip = new float[4];
        RecognitionSpec.FitClip(longer, clip);
        Assert.Equal([3f, 4f, 5f, 6f], clip);
        clip.AsSpan().Fill(9);
        RecognitionSpec.FitClip(longer.AsSpan(0, 2), clip);
        Assert.Equal([0f, 1f, 0f, 0f], clip);
    }
}
