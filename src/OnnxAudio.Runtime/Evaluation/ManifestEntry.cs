using System.Text.Json.Serialization;

namespace OnnxAudio.Evaluation;

/// <summary>
/// One file of a corpus, as a line of its manifest.jsonl: what the corpus generators write and what training, the
/// <c>eval</c> commands and the peer harness read.
/// </summary>
public sealed class ManifestEntry
{
    /// <summary>Path relative to the corpus folder, with '/' separators.</summary>
    [JsonPropertyName("path")] public string Path { get; set; } = "";

    [JsonPropertyName("split")] public string Split { get; set; } = "";

    [JsonPropertyName("label")] public string? Label { get; set; }

    [JsonPropertyName("text")] public string? Text { get; set; }

    [JsonPropertyName("voice")] public string? Voice { get; set; }

    /// <summary>The speech source: espeak, flite, festival, tuxpaint or hedgewars.</summary>
    [JsonPropertyName("source")] public string? Source { get; set; }

    /// <summary>"source/voice": the unit corpora are split by.</summary>
    [JsonPropertyName("speaker")] public string? Speaker { get; set; }

    [JsonPropertyName("language")] public string? Language { get; set; }

    /// <summary>For recorded speech: the original clips (relative to the source's folder) joined into this file.</summary>
    [JsonPropertyName("clips")] public List<string>? Clips { get; set; }

    [JsonPropertyName("words_per_minute")] public int? WordsPerMinute { get; set; }

    [JsonPropertyName("pitch")] public int? Pitch { get; set; }

    [JsonPropertyName("noise_type")] public string? NoiseType { get; set; }

    [JsonPropertyName("noise_source")] public string? NoiseSource { get; set; }

    [JsonPropertyName("snr_db")] public double? SnrDb { get; set; }

    /// <summary>For noisy files: the clean reference.</summary>
    [JsonPropertyName("clean_path")] public string? CleanPath { get; set; }

    [JsonPropertyName("degradations")] public List<string>? Degradations { get; set; }

    [JsonPropertyName("duration_s")] public double DurationSeconds { get; set; }
}

/// <summary>The manifest's JSON (source-generated: the NativeAOT command line reads manifests too).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ManifestEntry))]
internal sealed partial class ManifestJson : JsonSerializerContext;
