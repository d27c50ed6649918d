using OnnxAudio.Evaluation;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnnxAudio.Training.Data;

/// <summary>
/// summary.json beside a corpus's manifest: per source its held-out state and weight, per speaker its language, split
/// and file count, and for recorded sources the cleaning rule with what it removed (counts and files).
/// </summary>
public static class CorpusSummary
{
    public const string FileName = "summary.json";

    public static void Write(string folder, SpeechSet speech, IReadOnlyList<ManifestEntry> entries, IReadOnlyList<RecordedSpeechSummary> recorded)
    {
        var counts = entries.Where(e => e.Speaker is not null).GroupBy(e => e.Speaker!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var sources = new JsonArray();
        foreach (var (source, weight) in speech.Sources)
        {
            var speakers = new JsonArray();
            foreach (Speaker s in source.Speakers)
                speakers.Add(new JsonObject
                {
                    ["speaker"] = s.Id, ["language"] = s.Language, ["split"] = CorpusGenerator.Name(speech.SplitOf(s)),
                    ["files"] = counts.GetValueOrDefault(s.Id),
                });
            var node = new JsonObject
            {
                ["source"] = source.Name, ["weight"] = weight, ["held_out"] = speech.HeldOut.Contains(source.Name), ["speakers"] = speakers,
            };
            if (recorded.FirstOrDefault(r => r.Source == source.Name) is { } r)
            {
                node["cleaning_rule"] = SpeechClipFilter.Rule + $"; speakers with fewer than {RecordedSpeech.MinimumClips} clean clips are dropped";
                node["files_found"] = r.Files;
                node["files_kept"] = r.Kept;
                node["removed_by_rule"] = JsonSerializer.SerializeToNode(r.RejectedByRule);
                node["dropped_speakers"] = JsonSerializer.SerializeToNode(r.DroppedSpeakers);
                node["removed"] = JsonSerializer.SerializeToNode(r.Rejected.Select(f => new Dictionary<string, string> { ["file"] = f.Path, ["reason"] = f.Reason }));
            }

            sources.Add(node);
        }

        var summary = new JsonObject
        {
            ["files"] = entries.Count,
            ["hours"] = Math.Round(entries.Sum(e => e.DurationSeconds) / 3600, 3),
            ["splits"] = JsonSerializer.SerializeToNode(entries.GroupBy(e => e.Split).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count())),
            ["sources"] = sources,
        };
        string path = Path.Combine(folder, FileName);
        File.WriteAllText(path + ".tmp", summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
