using System.Text.Json;

namespace OnnxAudio.Evaluation;

/// <summary>Reads and writes manifest.jsonl: one <see cref="ManifestEntry"/> per line, in a stable order.</summary>
public static class Manifest
{
    public const string FileName = "manifest.jsonl";

    public static void Write(string folder, IEnumerable<ManifestEntry> entries)
    {
        string path = System.IO.Path.Combine(folder, FileName), temp = path + ".tmp";
        File.WriteAllLines(temp, entries.OrderBy(e => e.Path, StringComparer.Ordinal).Select(e => JsonSerializer.Serialize(e, ManifestJson.Default.ManifestEntry)));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Every entry of <paramref name="folder"/>'s manifest; errors name the file and the line.</summary>
    public static List<ManifestEntry> Read(string folder)
    {
        string path = System.IO.Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new OnnxAudioException($"{folder}: no {FileName}");
        var entries = new List<ManifestEntry>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0)
                continue;
            try
            {
                ManifestEntry entry = JsonSerializer.Deserialize(line, ManifestJson.Default.ManifestEntry) ?? throw new JsonException("null entry");
                entries.Add(entry.Path.Length > 0 ? entry : throw new JsonException("no path"));
            }
            catch (JsonException e)
            {
                throw new OnnxAudioException($"{path}:{number}: not a manifest entry ({e.Message})", e);
            }
        }

        return entries;
    }

    /// <summary>The clean/noisy pairs of a split (entries with a clean reference).</summary>
    public static IEnumerable<ManifestEntry> Pairs(IEnumerable<ManifestEntry> entries, string split) =>
        entries.Where(e => e.Split == split && e.CleanPath is not null);
}
