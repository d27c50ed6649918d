using System.Globalization;
using System.Text.Json;
using OnnxAudio.Dsp;

namespace OnnxAudio.Onnx;

/// <summary>
/// What an OnnxAudio model says about itself in its ONNX metadata_props: its job ("recognition", "restoration",
/// "compression"), sample rate, labels, front-end settings and provenance. Engines configure themselves from it.
/// </summary>
public sealed class ModelInfo
{
    private ModelInfo(string name, IReadOnlyDictionary<string, string> all)
    {
        Name = name;
        All = all;
        Task = Get("task") ?? throw new OnnxAudioException($"{name}: not an OnnxAudio model (its metadata names no task)");
        string rate = Get("sample_rate") ?? throw new OnnxAudioException($"{name}: the model's metadata has no sample_rate");
        SampleRate = int.TryParse(rate, CultureInfo.InvariantCulture, out int r) && r > 0 ? r : throw new OnnxAudioException($"{name}: invalid sample_rate '{rate}'");
        Labels = Get("labels") is string labels ? ParseLabels(labels) : [];
        ClipSamples = Get("clip_samples") is string clip && int.TryParse(clip, CultureInfo.InvariantCulture, out int c) ? c : null;
        Features = Get("features") is string features ? FeatureDescription.Read(features, SampleRate, name) : null;
    }

    /// <summary>The file or name the model was loaded from, for messages.</summary>
    public string Name { get; }

    public string Task { get; }

    public int SampleRate { get; }

    public IReadOnlyList<string> Labels { get; }

    /// <summary>Samples per input clip for clip models (null: any length).</summary>
    public int? ClipSamples { get; }

    /// <summary>The log-mel front end the model was trained with, if it takes features.</summary>
    public LogMelOptions? Features { get; }

    public IReadOnlyDictionary<string, string> All { get; }

    public string? Get(string key) => All.TryGetValue(key, out string? v) ? v : null;

    /// <summary>A required positive integer entry, with an error naming the model and the key when it is missing or malformed.</summary>
    public int GetPositiveInt(string key) =>
        Get(key) is string text && int.TryParse(text, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new OnnxAudioException($"{Name}: the model's metadata has no valid '{key}' (a positive integer)");

    /// <summary>A required entry, with an error naming the model and the key when it is missing.</summary>
    public string GetRequired(string key) =>
        Get(key) ?? throw new OnnxAudioException($"{Name}: the model's metadata has no '{key}'");

    /// <summary>Reads metadata entries already taken from a model (ONNX metadata_props), for <paramref name="name"/>.</summary>
    public static ModelInfo From(string name, IReadOnlyDictionary<string, string> metadata) => new(name, metadata);

    private IReadOnlyList<string> ParseLabels(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.EnumerateArray().Select(e => e.GetString() ?? "").ToArray();
        }
        catch (JsonException e)
        {
            throw new OnnxAudioException($"{Name}: the model's labels are not a JSON array of strings", e);
        }
    }
}
