using OnnxAudio.Evaluation;

namespace OnnxAudio.Training.Data;

/// <summary>
/// Draws training clips so that the speech source does not predict the class. A corpus of several sources is lopsided
/// by construction: the synthesizers say the keywords, the recorded people only other words (nobody says the keywords in
/// an allowed recording), and a natural voice becomes a shortcut to <c>_unknown_</c> that a model learns instead of the
/// words — then calls an unseen synthesizer's natural-sounding keywords <c>_unknown_</c>.
/// <para>
/// Each source keeps its share of the corpus times its weight (<c>festival:3</c> triples the Festival voices' draws);
/// within every source that says keywords, keywords, other words and silence are drawn in the proportions they have over
/// all such sources together, whatever that source's own mix. Sources without keywords (the recordings) keep their share.
/// Every draw is a function of the loader's seeded random.
/// </para>
/// </summary>
public sealed class SourceBalancedSampler
{
    private readonly double[] _cumulative;

    /// <param name="sources">Each item's source (null where the manifest has none).</param>
    /// <param name="groups">Each item's class group: keyword, other word or silence.</param>
    /// <param name="weights">Source name → weight (missing: 1).</param>
    public SourceBalancedSampler(IReadOnlyList<string?> sources, IReadOnlyList<ClassGroup> groups, IReadOnlyDictionary<string, double> weights)
    {
        if (sources.Count != groups.Count || sources.Count == 0)
            throw new ArgumentException("one source and one class group per item, at least one item");
        string Source(int i) => sources[i] ?? "";
        var cells = Enumerable.Range(0, sources.Count).GroupBy(i => (Source(i), groups[i])).ToDictionary(g => g.Key, g => g.Count());
        var bySource = Enumerable.Range(0, sources.Count).GroupBy(Source).ToDictionary(g => g.Key, g => g.Count());
        var speaking = bySource.Keys.Where(s => cells.ContainsKey((s, ClassGroup.Keyword))).ToHashSet();
        // The class-group mix over all keyword-speaking sources together.
        var mix = Enum.GetValues<ClassGroup>().ToDictionary(g => g, g => (double)speaking.Sum(s => cells.GetValueOrDefault((s, g))));
        var weight = new double[sources.Count];
        for (int i = 0; i < sources.Count; i++)
        {
            string s = Source(i);
            double sourceMass = bySource[s] * weights.GetValueOrDefault(s, 1.0);
            if (!speaking.Contains(s))
            {
                weight[i] = sourceMass / bySource[s];
                continue;
            }

            double present = Enum.GetValues<ClassGroup>().Where(g => cells.ContainsKey((s, g))).Sum(g => mix[g]);
            weight[i] = sourceMass * (mix[groups[i]] / present) / cells[(s, groups[i])];
        }

        _cumulative = new double[weight.Length];
        double sum = 0;
        for (int i = 0; i < weight.Length; i++)
            _cumulative[i] = sum += weight[i];
        Shares = cells.Keys.ToDictionary(c => c, c => Enumerable.Range(0, sources.Count).Where(i => (Source(i), groups[i]) == c).Sum(i => weight[i]) / sum);
    }

    /// <summary>The share of draws each (source, class group) receives.</summary>
    public IReadOnlyDictionary<(string Source, ClassGroup Group), double> Shares { get; }

    /// <summary>An item index, drawn with probability proportional to its weight.</summary>
    public int Draw(Random random)
    {
        double u = random.NextDouble() * _cumulative[^1];
        int i = Array.BinarySearch(_cumulative, u);
        i = i < 0 ? ~i : i + 1;
        return Math.Min(i, _cumulative.Length - 1);
    }

    /// <summary>
    /// The sampler for a keyword corpus's training clips: sources from its manifest.jsonl, weights from a spec such as
    /// "festival:3" (or "all" for every source at 1).
    /// </summary>
    public static SourceBalancedSampler ForCorpus(FolderPerLabelDataset clips, IReadOnlyList<string> keywords, string spec)
    {
        Dictionary<string, string?> sourceOf;
        try
        {
            sourceOf = Manifest.Read(clips.Root).ToDictionary(e => e.Path, e => e.Source, StringComparer.Ordinal);
        }
        catch (OnnxAudioException e)
        {
            throw new OnnxAudioException($"balancing by source needs the corpus's manifest with each clip's source: {e.Message}");
        }

        var sources = new List<string?>();
        var groups = new List<ClassGroup>();
        foreach (var (path, label) in clips.Items)
        {
            sources.Add(sourceOf.GetValueOrDefault(Path.GetRelativePath(clips.Root, path).Replace('\\', '/')));
            groups.Add(label == CorpusGenerator.SilenceLabel ? ClassGroup.Silence : keywords.Contains(label) ? ClassGroup.Keyword : ClassGroup.Other);
        }

        if (sources.All(s => s is null))
            throw new OnnxAudioException($"{clips.Root}: the manifest names no clip's source; balancing by source needs them");
        var weights = spec.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)
            ? new Dictionary<string, double>()
            : SpeechSet.ParseSpec(spec).ToDictionary(p => p.Name, p => p.Weight);
        return new SourceBalancedSampler(sources, groups, weights);
    }
}

/// <summary>What a keyword-spotting clip holds: a keyword, another word (<c>_unknown_</c>), or no speech.</summary>
public enum ClassGroup
{
    Keyword,
    Other,
    Silence,
}
