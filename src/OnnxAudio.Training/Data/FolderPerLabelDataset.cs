namespace OnnxAudio.Training.Data;

/// <summary>
/// A classification set with one folder per label (the Google Speech Commands layout): files listed in
/// validation_list.txt belong to the validation split, those in testing_list.txt to the test split, all others to
/// train. The <c>_background_noise_</c> folder is not a class; its files are offered as <see cref="NoiseFiles"/>.
/// Labels not in <paramref name="keywords"/> map to <see cref="UnknownLabel"/> when keywords are given.
/// </summary>
public sealed class FolderPerLabelDataset : IDataset<AudioClipExample>
{
    public const string UnknownLabel = "_unknown_";
    public const string BackgroundNoiseFolder = "_background_noise_";

    private readonly (string Path, int Label)[] _items;

    public FolderPerLabelDataset(string root, Split split, IReadOnlyList<string>? keywords = null, int sampleRate = 16000, int clipSamples = 16000)
    {
        if (!Directory.Exists(root))
            throw new OnnxAudioException($"{root}: no such folder");
        Root = root;
        SampleRate = sampleRate;
        ClipSamples = clipSamples;
        HashSet<string> validation = ReadList(Path.Combine(root, "validation_list.txt"));
        HashSet<string> testing = ReadList(Path.Combine(root, "testing_list.txt"));

        string[] folders = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>()
            .Where(n => n != BackgroundNoiseFolder && !n.StartsWith('.')).Order(StringComparer.Ordinal).ToArray();
        Labels = keywords is null ? folders.ToList() : KeywordLabels(keywords, folders);

        var items = new List<(string, int)>();
        var skipped = new List<SkippedFile>();
        foreach (string folder in folders)
        {
            string label = keywords is null || keywords.Contains(folder) || folder == CorpusGenerator.SilenceLabel ? folder : UnknownLabel;
            int labelIndex = Labels.IndexOf(label);
            var files = Directory.EnumerateFiles(Path.Combine(root, folder))
                .Where(f => AudioFolderDataset.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal);
            foreach (string file in files)
            {
                string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                Split fileSplit = testing.Contains(relative) ? Split.Test : validation.Contains(relative) ? Split.Validation : Split.Train;
                if (fileSplit != split)
                    continue;
                if (AudioFolderDataset.Probe(file) is string problem)
                    skipped.Add(new SkippedFile(file, problem));
                else
                    items.Add((file, labelIndex));
            }
        }

        _items = items.ToArray();
        Skipped = skipped;
        string noiseFolder = Path.Combine(root, BackgroundNoiseFolder);
        NoiseFiles = Directory.Exists(noiseFolder) ? AudioFolderDataset.FindAudioFiles(noiseFolder).Order(StringComparer.Ordinal).ToArray() : [];
    }

    public string Root { get; }

    public int SampleRate { get; }

    /// <summary>Clips are fitted to this many samples as the runtime fits them (RecognitionSpec.FitClip).</summary>
    public int ClipSamples { get; }

    public List<string> Labels { get; }

    public int Count => _items.Length;

    public IReadOnlyList<SkippedFile> Skipped { get; }

    public IReadOnlyList<string> NoiseFiles { get; }

    public IEnumerable<(string Path, string Label)> Items => _items.Select(i => (i.Path, Labels[i.Label]));

    public AudioClipExample Get(int index, Random random)
    {
        var (path, label) = _items[index];
        float[] samples = Audio.AudioFile.ReadMono(path, SampleRate);
        var clip = new float[ClipSamples];
        global::OnnxAudio.Recognition.RecognitionSpec.FitClip(samples, clip);
        return new AudioClipExample(path, clip, Labels[label], label);
    }

    /// <summary>The keywords, then "_unknown_" if other words are present, then "_silence_" if that folder exists.</summary>
    private static List<string> KeywordLabels(IReadOnlyList<string> keywords, string[] folders)
    {
        var labels = new List<string>(keywords);
        if (folders.Any(f => !keywords.Contains(f) && f != CorpusGenerator.SilenceLabel))
            labels.Add(UnknownLabel);
        if (folders.Contains(CorpusGenerator.SilenceLabel) && !labels.Contains(CorpusGenerator.SilenceLabel))
            labels.Add(CorpusGenerator.SilenceLabel);
        return labels;
    }

    private static HashSet<string> ReadList(string path) =>
        File.Exists(path) ? File.ReadLines(path).Select(l => l.Trim().Replace('\\', '/')).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal) : [];
}
