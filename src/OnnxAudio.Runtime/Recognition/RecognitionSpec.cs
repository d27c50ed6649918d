using System.Text.Json;
using OnnxAudio.Dsp;
using OnnxAudio.Onnx;

namespace OnnxAudio.Recognition;

/// <summary>
/// What a recognition model (keywords, sound classes) is: its labels, the clip it looks at and its log-mel front end.
/// Training writes it at export, <see cref="AudioClassifier"/> reads it; <see cref="FitClip"/> is how both turn a
/// clip of any length into the model's input.
/// </summary>
public sealed record RecognitionSpec : ModelSpec
{
    public const string TaskName = "recognition";
    public const string LabelsKey = "labels", ClipSamplesKey = "clip_samples", FeaturesKey = "features",
        TemperatureKey = "temperature", ArchitectureKey = "architecture", DetectionThresholdKey = "detection_threshold";

    public override string Task => TaskName;

    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Samples the model looks at.</summary>
    public required int ClipSamples { get; init; }

    public required LogMelOptions Features { get; init; }

    /// <summary>The softmax temperature already folded into the model's logits (for information; 1: none).</summary>
    public double Temperature { get; init; } = 1;

    public string? Architecture { get; init; }

    /// <summary>
    /// The streaming detection threshold chosen for this model from its false alarms on speech without keywords
    /// (<c>onnxaudio-train threshold</c>); null: <see cref="DetectorOptions.FallbackThreshold"/>.
    /// </summary>
    public double? DetectionThreshold { get; init; }

    public override void WriteTo(IDictionary<string, string> metadata)
    {
        if (Features.SampleRate != SampleRate)
            throw new ArgumentException($"the features' sample rate {Features.SampleRate} differs from the model's {SampleRate}");
        base.WriteTo(metadata);
        metadata[LabelsKey] = JsonSerializer.Serialize(Labels.ToArray(), RecognitionJson.Default.StringArray);
        metadata[ClipSamplesKey] = Text(ClipSamples);
        metadata[FeaturesKey] = FeatureDescription.Write(Features);
        metadata[TemperatureKey] = Text(Temperature);
        if (Architecture is not null)
            metadata[ArchitectureKey] = Architecture;
        if (DetectionThreshold is double t)
            metadata[DetectionThresholdKey] = t is > 0 and <= 1 ? Text(t) : throw new ArgumentException($"a detection threshold is in (0, 1], not {t}");
    }

    public static RecognitionSpec Read(ModelInfo m)
    {
        RequireTask(m, TaskName);
        if (m.Labels.Count < 2)
            throw new OnnxAudioException($"{m.Name}: a classifier needs at least two labels in its metadata");
        return new RecognitionSpec
        {
            SampleRate = m.SampleRate,
            Parameters = OptionalLong(m, ParametersKey),
            Labels = m.Labels,
            ClipSamples = m.Get(ClipSamplesKey) is null ? m.SampleRate : Int(m, ClipSamplesKey, 1, 60 * m.SampleRate),
            Features = m.Features ?? throw new OnnxAudioException($"{m.Name}: the model's metadata has no feature settings"),
            Temperature = OptionalDouble(m, TemperatureKey, 1),
            Architecture = m.Get(ArchitectureKey),
            DetectionThreshold = m.Get(DetectionThresholdKey) is null ? null
                : OptionalDouble(m, DetectionThresholdKey, 0) is var t and > 0 and <= 1 ? t
                : throw new OnnxAudioException($"{m.Name}: invalid {DetectionThresholdKey} '{m.Get(DetectionThresholdKey)}' (a score in (0, 1])"),
        };
    }

    /// <summary>
    /// Fits samples of any length to <paramref name="clip"/> (the model's input length): a longer input gives its middle,
    /// a shorter one is placed at the start and padded with silence. Training and inference both use this.
    /// </summary>
    public static void FitClip(ReadOnlySpan<float> samples, Span<float> clip)
    {
        clip.Clear();
        if (samples.Length >= clip.Length)
            samples.Slice((samples.Length - clip.Length) / 2, clip.Length).CopyTo(clip);
        else
            samples.CopyTo(clip);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]), TypeInfoPropertyName = "StringArray")]
internal sealed partial class RecognitionJson : System.Text.Json.Serialization.JsonSerializerContext;
