using OnnxAudio.Evaluation;
using System.Collections.Concurrent;
using OnnxAudio.Audio;

namespace OnnxAudio.Training.Data;

/// <summary>
/// Noise from real recordings in Debian packages, for mixing with speech (<c>data denoise --noise-folder</c>): sound
/// effects and machines (hedgewars-data's Data/Sounds, tuxpaint-data's tool sounds, sound-theme-freedesktop) and music
/// (hedgewars-data's Data/Music). Files that contain speech are left out by name. Each file is decoded to 16 kHz mono,
/// trimmed of silence, cut to at most 60 s and normalised to −1 dBFS peak, then assigned to train, validation or test by
/// a seeded hash of its name (70/15/15), and written as DIR/{split}/{source}-{name}.wav with a manifest.
/// </summary>
public static class NoiseCorpus
{
    private static readonly (string Source, string Folder, string Pattern, string[] Speech)[] Sources =
    [
        ("hedgewars-effects", "/usr/share/games/hedgewars/Data/Sounds", "*.ogg", ["hell_", "hogchant", "Yoohoo", "Kiss", "countdown"]),
        ("hedgewars-music", "/usr/share/games/hedgewars/Data/Music", "*.ogg", []),
        ("tuxpaint-effects", "/usr/share/tuxpaint/sounds", "*.wav", ["areyousure", "youcannot", "giggle", "tuxok"]),
        ("freedesktop", "/usr/share/sounds/freedesktop/stereo", "*.oga", ["audio-channel", "audio-test-signal"]),
    ];

    /// <summary>True when <paramref name="folder"/> holds a noise corpus split into train/validation/test folders.</summary>
    public static bool IsSplit(string folder) => File.Exists(Path.Combine(folder, Manifest.FileName)) &&
        Enum.GetValues<Split>().Any(s => Directory.Exists(Path.Combine(folder, CorpusGenerator.Name(s))));

    /// <summary>Writes the noise corpus; sources whose package is not installed are skipped (and named on the list).</summary>
    public static IReadOnlyList<ManifestEntry> Generate(string output, int seed, out IReadOnlyList<string> missing, CancellationToken cancellationToken = default)
    {
        var jobs = new List<(string Source, string File)>();
        var absent = new List<string>();
        foreach (var (source, folder, pattern, speech) in Sources)
        {
            if (!Directory.Exists(folder))
            {
                absent.Add($"{source} ({folder})");
                continue;
            }

            jobs.AddRange(Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal)
                .Where(f => !speech.Any(s => Path.GetFileName(f).StartsWith(s, StringComparison.Ordinal)))
                .Select(f => (source, f)));
        }

        missing = absent;
        if (jobs.Count == 0)
            throw new OnnxAudioException("no noise recordings found: install hedgewars-data, tuxpaint-data or sound-theme-freedesktop");
        var entries = new ConcurrentBag<ManifestEntry>();
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, job =>
        {
            float[] noise = CorpusGenerator.TrimSilence(AudioFile.ReadMono(job.File, 16000));
            if (noise.Length > 60 * 16000)
                noise = noise[..(60 * 16000)];
            float peak = noise.Length == 0 ? 0 : noise.Max(MathF.Abs);
            if (noise.Length < 1600 || peak < 1e-4f)
                return;
            for (int i = 0; i < noise.Length; i++)
                noise[i] *= 0.891f / peak;
            string name = $"{job.Source}-{Path.GetFileNameWithoutExtension(job.File)}";
            uint h = (uint)StableHash.Combine(name, seed) % 100;
            Split split = h < 15 ? Split.Test : h < 30 ? Split.Validation : Split.Train;
            string relative = $"{CorpusGenerator.Name(split)}/{name}.wav";
            string path = Path.Combine(output, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AudioFile.WriteMono(path, noise, 16000, new WavWriterOptions { Overwrite = true });
            entries.Add(new ManifestEntry
            {
                Path = relative, Split = CorpusGenerator.Name(split), Source = job.Source, NoiseType = "file", NoiseSource = job.File,
                DurationSeconds = noise.Length / 16000.0,
            });
        });
        var list = entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        Manifest.Write(output, list);
        return list;
    }
}
