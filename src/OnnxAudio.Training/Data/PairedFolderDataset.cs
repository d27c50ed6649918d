using OnnxAudio.Audio;

namespace OnnxAudio.Training.Data;

/// <summary>
/// Paired clean and noisy folders with the same relative file names (the VoiceBank-DEMAND layout, e.g.
/// clean_trainset_wav/p226_001.wav and noisy_trainset_wav/p226_001.wav). Noisy files without a clean partner, and
/// unreadable files, are listed in <see cref="Skipped"/>. Lengths that differ are cut to the shorter.
/// </summary>
public sealed class PairedFolderDataset : IDataset<PairedAudioExample>
{
    private readonly (string Noisy, string Clean)[] _pairs;

    public PairedFolderDataset(string cleanFolder, string noisyFolder, int sampleRate = 16000)
    {
        foreach (string folder in new[] { cleanFolder, noisyFolder })
            if (!Directory.Exists(folder))
                throw new OnnxAudioException($"{folder}: no such folder");
        SampleRate = sampleRate;
        var pairs = new List<(string, string)>();
        var skipped = new List<SkippedFile>();
        foreach (string noisy in AudioFolderDataset.FindAudioFiles(noisyFolder).Order(StringComparer.Ordinal))
        {
            string clean = Path.Combine(cleanFolder, Path.GetRelativePath(noisyFolder, noisy));
            if (!File.Exists(clean))
                skipped.Add(new SkippedFile(noisy, "no clean file of the same name"));
            else if (AudioFolderDataset.Probe(noisy) is string p1)
                skipped.Add(new SkippedFile(noisy, p1));
            else if (AudioFolderDataset.Probe(clean) is string p2)
                skipped.Add(new SkippedFile(clean, p2));
            else
                pairs.Add((noisy, clean));
        }

        if (pairs.Count == 0)
            throw new OnnxAudioException($"{noisyFolder}: no noisy file has a readable clean partner in {cleanFolder} ({skipped.Count} skipped)");
        _pairs = pairs.ToArray();
        Skipped = skipped;
    }

    public int SampleRate { get; }

    public int Count => _pairs.Length;

    public IReadOnlyList<SkippedFile> Skipped { get; }

    public PairedAudioExample Get(int index, Random random)
    {
        var (noisyPath, cleanPath) = _pairs[index];
        float[] noisy = AudioFile.ReadMono(noisyPath, SampleRate), clean = AudioFile.ReadMono(cleanPath, SampleRate);
        int n = Math.Min(noisy.Length, clean.Length);
        return new PairedAudioExample(noisyPath, noisy[..n], clean[..n]);
    }
}
