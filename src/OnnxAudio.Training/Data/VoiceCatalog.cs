using System.Security.Cryptography;

namespace OnnxAudio.Training.Data;

/// <summary>
/// The distinct English voices espeak-ng can produce without MBROLA, and their assignment to train / validation / test
/// so that no voice is in two splits. Candidates are the base voices and every base voice with every installed variant;
/// since espeak-ng silently ignores some combinations ('en-gb+f3' sounds exactly like 'en-gb', which is 'en'), each
/// candidate speaks a probe phrase and any that sounds identical to an earlier one is dropped.
/// </summary>
public sealed class VoiceCatalog
{
    public static readonly string[] BaseVoices = ["en", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc"];

    private VoiceCatalog(IReadOnlyList<string> voices)
    {
        Voices = voices;
    }

    public IReadOnlyList<string> Voices { get; }

    /// <summary>Builds the catalog: base voices and their variants, deduplicated by sound.</summary>
    public static VoiceCatalog Build(EspeakSynthesizer espeak, int? maxVoices = null)
    {
        var candidates = new List<string>(BaseVoices);
        foreach (string variant in espeak.Variants())
            foreach (string voice in BaseVoices)
                candidates.Add($"{voice}+{variant}");
        if (maxVoices is int m)
            candidates = candidates.Take(m * 3).ToList();

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var distinct = new List<string>();
        var fingerprints = new string[candidates.Count];
        Parallel.For(0, candidates.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            try
            {
                float[] probe = espeak.Speak("seven left", candidates[i]);
                fingerprints[i] = Convert.ToHexString(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(probe.AsSpan())));
            }
            catch (OnnxAudioException)
            {
                fingerprints[i] = ""; // a variant espeak-ng cannot load
            }
        });
        for (int i = 0; i < candidates.Count; i++)
        {
            if (fingerprints[i].Length > 0 && seen.Add(fingerprints[i]))
                distinct.Add(candidates[i]);
            if (maxVoices is int max && distinct.Count == max)
                break;
        }

        return new VoiceCatalog(distinct);
    }

    /// <summary>A catalog of the given voices as they are (for tests and users' own lists).</summary>
    public static VoiceCatalog Of(IEnumerable<string> voices) => new(voices.Distinct().ToArray());

    /// <summary>
    /// Splits voices by a seeded shuffle: the first <paramref name="testFraction"/> go to test, the next
    /// <paramref name="validationFraction"/> to validation, the rest to train. Each split gets at least one voice.
    /// </summary>
    public IReadOnlyDictionary<string, Split> AssignSplits(int seed, double validationFraction = 0.15, double testFraction = 0.15)
    {
        if (Voices.Count < 3)
            throw new OnnxAudioException($"splitting by voice needs at least 3 voices, the catalog has {Voices.Count}");
        string[] order = Voices.Order(StringComparer.Ordinal).ToArray();
        new Random(seed).Shuffle(order);
        int test = Math.Max(1, (int)Math.Round(order.Length * testFraction));
        int validation = Math.Max(1, (int)Math.Round(order.Length * validationFraction));
        var splits = new Dictionary<string, Split>(StringComparer.Ordinal);
        for (int i = 0; i < order.Length; i++)
            splits[order[i]] = i < test ? Split.Test : i < test + validation ? Split.Validation : Split.Train;
        return splits;
    }
}
