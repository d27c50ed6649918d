using System.Collections.Concurrent;
using OnnxAudio.Audio;

namespace OnnxAudio.Training.Data;

/// <summary>
/// Recordings of real people from a Debian package, with a speaker (or voice pack) and language for every clip:
/// <list type="bullet">
/// <item><b>tuxpaint</b> (<c>tuxpaint-stamps-default</c>): the spoken stamp descriptions <c>NAME_desc_LANG.ogg</c>
/// (<c>NAME_desc.ogg</c> is English); each language was recorded by its own translator, so the speaker is the language.</item>
/// <item><b>hedgewars</b> (<c>hedgewars-data</c>): the voice packs <c>Data/Sounds/voices/PACK/*.ogg</c>, a speaker each.
/// Non-word vocalisations (laughs, coughs, grunts, jumps, punches) are not speech and are left out by name.</item>
/// </list>
/// <see cref="Prepare"/> decodes every clip, resamples it to 16 kHz and cleans it with <see cref="SpeechClipFilter"/>,
/// caching the result as 16 kHz WAV (keyed by path, size and time); speakers left with fewer than
/// <see cref="MinimumClips"/> (by default) clean clips are dropped.
/// </summary>
public sealed class RecordedSpeech : ISpeechSource
{
    public const string Tuxpaint = "tuxpaint";
    public const string Hedgewars = "hedgewars";
    public const string TuxpaintRoot = "/usr/share/tuxpaint/stamps";
    public const string HedgewarsRoot = "/usr/share/games/hedgewars/Data/Sounds/voices";
    public const int MinimumClips = 20;

    /// <summary>How many of a speaker's files (in stable order) decide whether it has <see cref="MinimumClips"/> clean ones.</summary>
    public const int CensusClips = 300;

    /// <summary>Hedgewars sounds that are vocalisations, not words (matched at the start of the file name).</summary>
    public static readonly string[] HedgewarsNonWords = ["Laugh", "Ooff", "Ow", "Hmm", "Poison", "Jump", "Firepunch"];

    private static readonly Dictionary<string, string> HedgewarsLanguages = new(StringComparer.Ordinal)
    {
        ["Default_es"] = "es", ["Default_pl"] = "pl", ["Default_ru"] = "ru", ["Default_uk"] = "uk", ["Russian"] = "ru", ["Russian_pl"] = "pl",
    };

    private readonly List<(Speaker Speaker, string Path)> _all;
    private Dictionary<string, List<string>>? _accepted;

    private RecordedSpeech(string name, string root, List<(Speaker, string)> clips)
    {
        Name = name;
        Root = root;
        _all = clips;
    }

    public string Name { get; }

    public string Root { get; }

    /// <summary>Speakers with at least <see cref="MinimumClips"/> clean clips (after <see cref="Prepare"/>).</summary>
    public IReadOnlyList<Speaker> Speakers => _accepted is null
        ? throw new InvalidOperationException("call Prepare first")
        : _all.Select(c => c.Speaker).Distinct().Where(s => _accepted.ContainsKey(s.Id)).OrderBy(s => s.Id, StringComparer.Ordinal).ToArray();

    /// <summary>Every clip found, before cleaning.</summary>
    public int FileCount => _all.Count;

    public static RecordedSpeech FindTuxpaint(string root = TuxpaintRoot)
    {
        if (!Directory.Exists(root))
            throw new ExternalToolMissingException("Tux Paint stamp descriptions", "Reading recorded speech", "install the Debian/Ubuntu package 'tuxpaint-stamps-default'");
        var clips = new List<(Speaker, string)>();
        foreach (string file in Directory.EnumerateFiles(root, "*_desc*.ogg", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string stem = Path.GetFileNameWithoutExtension(file);
            int at = stem.LastIndexOf("_desc", StringComparison.Ordinal);
            string suffix = stem[(at + 5)..];
            string language = suffix.Length == 0 ? "en" : suffix.TrimStart('_');
            if (language.Contains('.') || language.Length is < 2 or > 5)
                continue; // "x_desc_da.ogg.ogg" and other stray names
            clips.Add((new Speaker(Tuxpaint, language, language[..2]), file));
        }

        return new RecordedSpeech(Tuxpaint, root, clips);
    }

    public static RecordedSpeech FindHedgewars(string root = HedgewarsRoot)
    {
        if (!Directory.Exists(root))
            throw new ExternalToolMissingException("Hedgewars voice packs", "Reading recorded speech", "install the Debian/Ubuntu package 'hedgewars-data'");
        var clips = new List<(Speaker, string)>();
        foreach (string pack in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(pack);
            var speaker = new Speaker(Hedgewars, name, HedgewarsLanguages.GetValueOrDefault(name, "en"));
            foreach (string file in Directory.EnumerateFiles(pack, "*.ogg").Order(StringComparer.Ordinal))
                clips.Add((speaker, file));
        }

        return new RecordedSpeech(Hedgewars, root, clips);
    }

    /// <summary>
    /// Decodes and cleans every clip (cached in <paramref name="cacheFolder"/>) and returns what was kept and left out.
    /// With <paramref name="maxClipsPerSpeaker"/>, each speaker keeps a stable subset of that many files first. With
    /// <paramref name="distinct"/>, a clip whose cleaned audio equals one kept before it (in speaker and stable order) is
    /// left out as a "duplicate recording": Tux Paint files one description recording under several stamps (a letter's
    /// filled, outlined, upper- and lower-case stamps), which would weigh those clips up in training and in false-alarm
    /// counts. Which speakers are kept is decided before that, so the speaker split is the same either way.
    /// </summary>
    public RecordedSpeechSummary Prepare(string cacheFolder, int parallelism = 2, int minimumClips = MinimumClips, int? maxClipsPerSpeaker = null,
        bool distinct = false, CancellationToken cancellationToken = default)
    {
        string cache = Path.Combine(cacheFolder, Name);
        Directory.CreateDirectory(cache);
        // Each speaker's files in a stable order (by the hash of their relative paths): a cap keeps the first ones, and
        // whether a speaker has enough clean clips is decided on its first CensusClips files only, so the list of
        // speakers (and with it the speaker split) is the same for every cap of at least CensusClips, or none.
        var ordered = _all.GroupBy(c => c.Speaker).ToDictionary(g => g.Key,
            g => g.OrderBy(c => (uint)StableHash.Combine(Path.GetRelativePath(Root, c.Path))).ThenBy(c => c.Path, StringComparer.Ordinal).Select(c => c.Path).ToList());
        if (maxClipsPerSpeaker is int most)
        {
            var keep = ordered.Values.SelectMany(paths => paths.Take(most)).ToHashSet(StringComparer.Ordinal);
            _all.RemoveAll(c => !keep.Contains(c.Path));
        }

        var verdicts = new ConcurrentDictionary<string, string?>(StringComparer.Ordinal);
        Parallel.ForEach(_all, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken }, clip =>
            verdicts[clip.Path] = CleanToCache(clip.Path, cache));

        var kept = _all.Where(c => verdicts[c.Path] is null).GroupBy(c => c.Speaker.Id)
            .ToDictionary(g => g.Key, g => g.Select(c => CachePath(cache, c.Path)).ToList(), StringComparer.Ordinal);
        var dropped = ordered
            .Where(o => o.Value.Take(CensusClips).Count(p => verdicts.TryGetValue(p, out string? v) && v is null) < minimumClips)
            .Select(o => o.Key.Id).Order(StringComparer.Ordinal).ToArray();
        foreach (string id in dropped)
            kept.Remove(id);
        var rejected = _all.Where(c => verdicts[c.Path] is not null)
            .Select(c => new SkippedFile(Path.GetRelativePath(Root, c.Path), verdicts[c.Path]!)).ToList();
        if (distinct)
            rejected.AddRange(RemoveDuplicates(kept, cache));
        _accepted = kept;
        return new RecordedSpeechSummary(Name, _all.Count, kept.Values.Sum(v => v.Count), rejected, dropped);
    }

    /// <summary>Removes every kept clip whose cleaned audio equals an earlier one's; returns them as skipped files.</summary>
    private List<SkippedFile> RemoveDuplicates(Dictionary<string, List<string>> kept, string cache)
    {
        var sourceOf = _all.ToDictionary(c => CachePath(cache, c.Path), c => Path.GetRelativePath(Root, c.Path), StringComparer.Ordinal);
        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        var duplicates = new List<SkippedFile>();
        foreach (string id in kept.Keys.Order(StringComparer.Ordinal).ToArray())
        {
            kept[id] = kept[id].Where(clip =>
            {
                string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(clip)));
                if (first.TryAdd(hash, sourceOf[clip]))
                    return true;
                duplicates.Add(new SkippedFile(sourceOf[clip], $"duplicate recording: the same audio as {first[hash]}"));
                return false;
            }).ToList();
        }

        return duplicates;
    }

    /// <summary>The cleaned clips of <paramref name="speaker"/> (cache paths of 16 kHz WAVs), in a stable order.</summary>
    public IReadOnlyList<string> ClipsOf(Speaker speaker) =>
        (_accepted ?? throw new InvalidOperationException("call Prepare first")).TryGetValue(speaker.Id, out var clips) ? clips : [];

    private string? CleanToCache(string file, string cache)
    {
        string target = CachePath(cache, file), rejected = target + ".rejected";
        if (File.Exists(target))
            return null;
        if (File.Exists(rejected))
            return File.ReadAllText(rejected);
        string? reason;
        float[]? cleaned;
        if (Name == Hedgewars && HedgewarsNonWords.Any(w => Path.GetFileName(file).StartsWith(w, StringComparison.Ordinal)))
        {
            (cleaned, reason) = (null, "not a word (vocalisation)");
        }
        else
        {
            try
            {
                cleaned = SpeechClipFilter.Clean(AudioFile.ReadMono(file, SynthesizerProcess.SampleRate), out reason);
            }
            catch (OnnxAudioException e)
            {
                (cleaned, reason) = (null, "unreadable: " + e.Message);
            }
        }

        if (cleaned is null)
        {
            File.WriteAllText(rejected, reason);
            return reason;
        }

        AudioFile.WriteMono(target, cleaned, SynthesizerProcess.SampleRate, new WavWriterOptions { Overwrite = true });
        return null;
    }

    /// <summary>The cache name: the relative path flattened, with the file's size and time so a changed file is redone.</summary>
    private string CachePath(string cache, string file)
    {
        var info = new FileInfo(file);
        string key = Path.GetRelativePath(Root, file).Replace('/', '~');
        return Path.Combine(cache, $"{Path.ChangeExtension(key, null)}.{info.Length}.{info.LastWriteTimeUtc.Ticks}.wav");
    }
}
