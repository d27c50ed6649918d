namespace OnnxAudio.Recognition;

/// <summary>One label and its probability.</summary>
public readonly record struct LabelScore(string Label, float Score);

/// <summary>Every label of a classifier with its probability, most likely first.</summary>
public sealed class ClassificationResult(IReadOnlyList<LabelScore> ranked)
{
    public IReadOnlyList<LabelScore> Ranked { get; } = ranked;

    public string Label => Ranked[0].Label;

    public float Score => Ranked[0].Score;

    public IEnumerable<LabelScore> Top(int k) => Ranked.Take(k);
}
