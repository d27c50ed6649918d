using System.Globalization;

namespace OnnxAudio.Training.Data;

/// <summary>
/// The speech sources of a corpus, each with a weight (how many items per speaker, relative to the default), and the
/// split of every speaker. Splits are assigned per source, by a seeded shuffle of its speakers, so a speaker has the
/// same split in every corpus made with the same seed whatever else the corpus contains:
/// <list type="bullet">
/// <item>espeak-ng: 15 % test, 15 % validation (the assignment earlier corpora used);</item>
/// <item>other synthesizers: 15 % validation among their non-English voices (their English voices are the only other
/// voices that can say the keywords, so they train), no test voices;</item>
/// <item>recorded speakers: 20 % test, 15 % validation (at least one each);</item>
/// <item>a held-out source (default: flite): every voice is test, so no training or validation corpus ever hears it.
/// It is the unseen-synthesizer evaluation set.</item>
/// </list>
/// Disposing the set disposes the sources that hold resources (Festival's speaking sessions).
/// </summary>
public sealed class SpeechSet : IDisposable
{
    public static readonly string[] DefaultHeldOut = [FliteSynthesizer.SourceName];
    public static readonly string[] SourceNames =
        [EspeakSynthesizer.SourceName, FliteSynthesizer.SourceName, FestivalSynthesizer.SourceName, RecordedSpeech.Tuxpaint, RecordedSpeech.Hedgewars];

    private readonly Dictionary<string, (ISpeechSource Source, double Weight)> _bySpeaker = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Split> _splits = new(StringComparer.Ordinal);

    /// <param name="sources">The sources and their weights.</param>
    /// <param name="seed">The corpus seed: espeak-ng voices are split by it, as earlier corpora were.</param>
    /// <param name="heldOut">Sources whose every speaker is test only (default: flite).</param>
    /// <param name="splitSeed">The seed of every other source's speaker split, the same for all corpora by default, so
    /// that a real speaker held out of one corpus is held out of every corpus whatever its own seed.</param>
    public SpeechSet(IReadOnlyList<(ISpeechSource Source, double Weight)> sources, int seed, IReadOnlyCollection<string>? heldOut = null, int splitSeed = 1)
    {
        heldOut ??= DefaultHeldOut;
        Sources = sources;
        HeldOut = heldOut.ToArray();
        foreach (var (source, weight) in sources)
        {
            foreach (Speaker s in source.Speakers)
                _bySpeaker[s.Id] = (source, weight);
            int sourceSeed = source.Name == EspeakSynthesizer.SourceName ? seed : splitSeed;
            foreach (var (id, split) in AssignSplits(source, sourceSeed, heldOut.Contains(source.Name)))
                _splits[id] = split;
        }

        Speakers = sources.SelectMany(s => s.Source.Speakers).ToArray();
    }

    public IReadOnlyList<(ISpeechSource Source, double Weight)> Sources { get; }

    public IReadOnlyList<string> HeldOut { get; }

    public IReadOnlyList<Speaker> Speakers { get; }

    public Split SplitOf(Speaker speaker) => _splits[speaker.Id];

    public double WeightOf(Speaker speaker) => _bySpeaker[speaker.Id].Weight;

    public ISpeechSource SourceOf(Speaker speaker) => _bySpeaker[speaker.Id].Source;

    public void Dispose()
    {
        foreach (var (source, _) in Sources)
            (source as IDisposable)?.Dispose();
    }

    /// <summary>
    /// Parses "espeak,flite:0.5,festival" (a source name and an optional weight, default 1) into (name, weight) pairs.
    /// </summary>
    public static IReadOnlyList<(string Name, double Weight)> ParseSpec(string spec)
    {
        var result = new List<(string, double)>();
        foreach (string part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] pieces = part.Split(':');
            string name = pieces[0].ToLowerInvariant();
            if (!SourceNames.Contains(name))
                throw new OnnxAudioException($"unknown speech source '{pieces[0]}' (one of {string.Join(", ", SourceNames)})");
            double weight = 1;
            if (pieces.Length > 2 || (pieces.Length == 2 && (!double.TryParse(pieces[1], NumberStyles.Float, CultureInfo.InvariantCulture, out weight) || weight <= 0 || weight > 100)))
                throw new OnnxAudioException($"'{part}': a speech source's weight is a number above 0 and at most 100 (e.g. festival:0.5)");
            if (result.Any(r => r.Item1 == name))
                throw new OnnxAudioException($"speech source '{name}' is named twice");
            result.Add((name, weight));
        }

        return result.Count == 0 ? throw new OnnxAudioException("--speech names no source") : result;
    }

    private static IEnumerable<(string Id, Split Split)> AssignSplits(ISpeechSource source, int seed, bool heldOut)
    {
        if (heldOut)
            return source.Speakers.Select(s => (s.Id, Split.Test));
        if (source.Name == EspeakSynthesizer.SourceName)
        {
            var espeak = VoiceCatalog.Of(source.Speakers.Select(s => s.Name)).AssignSplits(seed);
            return source.Speakers.Select(s => (s.Id, espeak[s.Name]));
        }

        // A seed of its own per source: adding a source to a corpus moves nobody else.
        var random = new Random(StableHash.Combine(source.Name, seed));
        if (source is ISpeechSynthesizer)
        {
            string[] others = source.Speakers.Where(s => s.Language != "en").Select(s => s.Id).Order(StringComparer.Ordinal).ToArray();
            random.Shuffle(others);
            var validation = others.Take((int)Math.Round(others.Length * 0.15)).ToHashSet();
            return source.Speakers.Select(s => (s.Id, validation.Contains(s.Id) ? Split.Validation : Split.Train));
        }

        string[] order = source.Speakers.Select(s => s.Id).Order(StringComparer.Ordinal).ToArray();
        random.Shuffle(order);
        int test = Math.Max(1, (int)Math.Round(order.Length * 0.20)), val = Math.Max(1, (int)Math.Round(order.Length * 0.15));
        if (order.Length < 3)
            (test, val) = (order.Length > 1 ? 1 : 0, 0);
        return order.Select((id, i) => (id, i < test ? Split.Test : i < test + val ? Split.Validation : Split.Train));
    }
}
