using System.Text.Json;

namespace OnnxAudio.Training.Data;

/// <summary>Reads and writes manifest.jsonl: one <see cref="ManifestEntry"/> per line, in a stable order.</summary>
public static class Manifest
{
    public const string FileName = "manifest.jsonl";

    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static void Write(string folder, IEnumerable<ManifestEntry> entries)
    {
        string path = System.IO.Path.Combine(folder, FileName), temp = path + ".tmp";
        File.WriteAllLines(temp, entries.OrderBy(e => e.Path, StringComparer.Ordinal).Select(e => JsonSerializer.Serialize(e, Options)));
        File.Move(temp, path, overwrite: true);
    }

    public static List<ManifestEntry> Read(string folder)
    {
        string path = System.IO.Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new OnnxAudioException($"{folder}: no {FileName}");
        return File.ReadLines(path).Where(l => l.Length > 0)
            .Select((l, i) => JsonSerializer.Deserialize<ManifestEntry>(l, Options) ?? throw new OnnxAudioException($"{path}:{i + 1}: empty entry"))
            .ToList();
    }
}
