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
        Features = Get("features") is string features ? ParseFeatures(features, SampleRate) : null;
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

    internal static ModelInfo From(string name, IReadOnlyDictionary<string, string> metadata) => new(name, metadata);

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

    private LogMelOptions ParseFeatures(string json, int sampleRate)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            JsonElement f = doc.RootElement;
            if (f.GetProperty("kind").GetString() != "log_mel")
                throw new OnnxAudioException($"{Name}: unknown feature kind '{f.GetProperty("kind").GetString()}'");
            return new LogMelOptions
            {
                SampleRate = sampleRate,
                NFft = f.GetProperty("n_fft").GetInt32(),
                HopLength = f.GetProperty("hop_length").GetInt32(),
                WinLength = f.TryGetProperty("win_length", out JsonElement w) && w.ValueKind == JsonValueKind.Number ? w.GetInt32() : null,
                NMels = f.GetProperty("n_mels").GetInt32(),
                FMin = f.TryGetProperty("f_min", out JsonElement fmin) ? fmin.GetDouble() : 0,
                FMax = f.TryGetProperty("f_max", out JsonElement fmax) && fmax.ValueKind == JsonValueKind.Number ? fmax.GetDouble() : null,
                Scale = f.TryGetProperty("mel_scale", out JsonElement s) && s.GetString() == "htk" ? MelScale.Htk : MelScale.Slaney,
                Normalization = f.TryGetProperty("norm", out JsonElement n) && n.GetString() == "none" ? MelNormalization.None : MelNormalization.Slaney,
                Log = f.TryGetProperty("log", out JsonElement l) && l.GetString() == "db" ? LogCompression.Decibels : LogCompression.Natural,
                LogFloor = f.TryGetProperty("log_floor", out JsonElement floor) ? floor.GetSingle() : 1e-6f,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new OnnxAudioException($"{Name}: the model's feature settings are unreadable: {e.Message}", e);
        }
    }
}
