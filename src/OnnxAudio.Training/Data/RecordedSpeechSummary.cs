namespace OnnxAudio.Training.Data;

/// <summary>What <see cref="RecordedSpeech.Prepare"/> kept and left out of one recorded source, for the corpus summary.</summary>
public sealed record RecordedSpeechSummary(string Source, int Files, int Kept, IReadOnlyList<SkippedFile> Rejected, IReadOnlyList<string> DroppedSpeakers)
{
    /// <summary>How many clips each rule removed ("no quiet floor" and "tonal" counted without their figures).</summary>
    public IReadOnlyDictionary<string, int> RejectedByRule =>
        Rejected.GroupBy(r => r.Reason.Split(" (")[0].Split(':')[0]).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
}
