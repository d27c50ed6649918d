using OnnxAudio.Evaluation;
using System.Security.Cryptography;
using OnnxAudio.Audio;
using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Training.Data;

namespace OnnxAudio.Training.Tests.Data;

/// <summary>Generated corpora (espeak-ng needed): manifests, split hygiene, determinism, and the readers reading them back.</summary>
public class CorpusGeneratorTests : IDisposable
{
    private static readonly string[] FourVoices = ["en", "en-us", "en-gb-scotland", "en-029"];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "onnxaudio-corpus-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    private CorpusGenerator Generator(string name, int seed = 3) => new(EspeakSynthesizer.Find(), new CorpusOptions
    {
        OutputDirectory = Path.Combine(_root, name), Seed = seed, Voices = FourVoices, RepetitionsPerWord = 1,
        UnknownPerVoice = 2, SilencePerVoice = 1, SentencesPerVoice = 2,
    });

    [RequiresToolFact("espeak-ng")]
    public void Variants_change_voices_except_where_espeak_ignores_them_and_the_catalog_keeps_only_distinct_ones()
    {
        var espeak = EspeakSynthesizer.Find();
        static string Hash(float[] x) => Convert.ToHexString(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan())));
        Assert.NotEqual(Hash(espeak.Speak("seven", "en")), Hash(espeak.Speak("seven", "en+f3")));
        Assert.NotEqual(Hash(espeak.Speak("seven", "en-us")), Hash(espeak.Speak("seven", "en-us+m5")));
        // The known pitfall: on 'en-gb' the variant is silently ignored.
        Assert.Equal(Hash(espeak.Speak("seven", "en-gb")), Hash(espeak.Speak("seven", "en-gb+f3")));
        VoiceCatalog catalog = VoiceCatalog.Build(espeak, maxVoices: 12);
        Assert.Equal(12, catalog.Voices.Count);
        var hashes = catalog.Voices.Select(v => Hash(espeak.Speak("seven left", v))).ToList();
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
    }

    [Trait("Category", "Slow")]
    [RequiresToolFact("espeak-ng")]
    public void Keyword_corpus_has_a_correct_manifest_and_no_voice_in_two_splits()
    {
        CorpusGenerator generator = Generator("kws");
        var entries = generator.GenerateKeywordSpotting();
        string root = Path.Combine(_root, "kws");
        Assert.Equal(4 * (20 + 2 + 1), entries.Count);
        Assert.Equal(entries.Count, Manifest.Read(root).Count);
        foreach (var group in entries.GroupBy(e => e.Voice))
            Assert.Single(group.Select(e => e.Split).Distinct());
        Assert.Equal(3, entries.Select(e => e.Split).Distinct().Count());
        foreach (ManifestEntry e in entries)
        {
            AudioClip clip = AudioFile.Read(Path.Combine(root, e.Path));
            Assert.Equal(new AudioFormat(16000, 1), clip.Format);
            Assert.Equal(16000, clip.Frames);
            Assert.Equal(e.Label, e.Path.Split('/')[0]);
        }

        // The lists name exactly the held-out voices' files, and the reader splits by them.
        var testFiles = File.ReadAllLines(Path.Combine(root, "testing_list.txt")).ToHashSet();
        Assert.Equal(entries.Where(e => e.Split == "test").Select(e => e.Path).ToHashSet(), testFiles);
        int total = 0;
        foreach (Split split in Enum.GetValues<Split>())
        {
            var set = new FolderPerLabelDataset(root, split, CorpusGenerator.Keywords);
            Assert.Empty(set.Skipped);
            Assert.Equal(entries.Count(e => e.Split == CorpusGenerator.Name(split)), set.Count);
            Assert.Equal(22, set.Labels.Count); // 20 keywords, _unknown_, _silence_
            total += set.Count;
        }

        Assert.Equal(entries.Count, total);
    }

    [RequiresToolFact("espeak-ng")]
    public void Denoising_pairs_have_the_recorded_snr_and_read_back_as_pairs()
    {
        var entries = Generator("dn").GenerateDenoising();
        string root = Path.Combine(_root, "dn");
        Assert.Equal(8, entries.Count);
        foreach (ManifestEntry e in entries.Where(e => e.Degradations!.Count == 0))
        {
            float[] noisy = AudioFile.ReadMono(Path.Combine(root, e.Path), 16000), clean = AudioFile.ReadMono(Path.Combine(root, e.CleanPath!), 16000);
            double signal = clean.Sum(v => (double)v * v), noise = clean.Zip(noisy, (c, n) => (double)(n - c) * (n - c)).Sum();
            // 16-bit storage adds a little noise of its own: allow 0.2 dB.
            Assert.InRange(10 * Math.Log10(signal / noise), e.SnrDb!.Value - 0.2, e.SnrDb.Value + 0.2);
        }

        string split = entries[0].Split;
        var pairs = new PairedFolderDataset(Path.Combine(root, split, "clean"), Path.Combine(root, split, "noisy"));
        Assert.Equal(entries.Count(e => e.Split == split), pairs.Count);
    }

    [RequiresToolFact("espeak-ng")]
    public void The_same_seed_writes_the_same_bytes_and_another_seed_does_not()
    {
        Generator("a", seed: 9).GenerateCodec();
        Generator("b", seed: 9).GenerateCodec();
        Generator("c", seed: 10).GenerateCodec();
        string Digest(string name) => string.Join(",", Directory.GetFiles(Path.Combine(_root, name), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(_root, name), f)).Order(StringComparer.Ordinal)
            .Select(f => f + ":" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(_root, name, f))))));
        Assert.Equal(Digest("a"), Digest("b"));
        Assert.NotEqual(Digest("a"), Digest("c"));
        Assert.Equal(8, new AudioFolderDataset(Path.Combine(_root, "a")).Count);
    }
}
