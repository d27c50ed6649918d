using OnnxAudio.Evaluation;
using System.Collections.Concurrent;
using OnnxAudio.Audio;

namespace OnnxAudio.Training.Data;

/// <summary>
/// Generates training corpora from espeak-ng speech and synthetic or user noise: keyword spotting (Speech Commands
/// layout), denoising (paired clean/noisy folders) and codec training (flat folders). Voices are split between train,
/// validation and test so that no voice is in two splits; every file is a function of (seed, its identity) only, so
/// generation runs in parallel and a re-run with the same seed writes the same bytes. Each corpus gets a
/// manifest.jsonl describing every file.
/// </summary>
public sealed class CorpusGenerator
{
    public static readonly string[] Keywords =
        ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go",
         "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    public static readonly string[] UnknownWords =
        ["bed", "bird", "cat", "dog", "happy", "house", "marvin", "sheila", "tree", "wow", "learn", "follow", "forward",
         "backward", "visual", "table", "river", "yellow", "window", "money", "paper", "garden", "music", "doctor"];

    public const string SilenceLabel = "_silence_";
    public const int SampleRate = 16000;
    public const int ClipSamples = 16000;

    private static readonly string[] Vocabulary =
        ("the a one my your this that every some our their small large old new green blue red quiet loud early late " +
         "cat dog bird house river garden window table paper music doctor teacher city morning evening water light " +
         "road train letter story song child friend market winter summer forest mountain kitchen bottle picture " +
         "opens closes finds takes leaves brings reads writes sings hears sees likes wants needs moves keeps turns " +
         "quickly slowly always never often today tomorrow again here there near across under over before after").Split(' ');

    private readonly EspeakSynthesizer _espeak;
    private readonly CorpusOptions _options;
    private readonly IReadOnlyList<string> _voices;
    private readonly IReadOnlyDictionary<string, Split> _splits;

    public CorpusGenerator(EspeakSynthesizer espeak, CorpusOptions options)
    {
        _espeak = espeak;
        _options = options;
        _voices = options.Voices ?? VoiceCatalog.Build(espeak, options.MaxVoices).Voices;
        _splits = VoiceCatalog.Of(_voices).AssignSplits(options.Seed);
    }

    public IReadOnlyList<string> Voices => _voices;

    public Split SplitOf(string voice) => _splits[voice];

    /// <summary>A sentence of 5–11 words, a function of <paramref name="random"/> only.</summary>
    public static string Sentence(Random random)
    {
        int words = 5 + random.Next(7);
        return string.Join(' ', Enumerable.Range(0, words).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]));
    }

    /// <summary>
    /// Keyword spotting: 1 s clips in one folder per word (keywords and "unknown" words) plus <c>_silence_</c> noise
    /// clips, with Speech Commands' validation_list.txt and testing_list.txt naming the held-out voices' files.
    /// </summary>
    public IReadOnlyList<ManifestEntry> GenerateKeywordSpotting(IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var jobs = new List<(string Voice, string Word, int Index)>();
        foreach (string voice in SelectedVoices())
        {
            var pick = new Random(StableHash.Combine(voice, _options.Seed, 1));
            foreach (string word in Keywords)
                for (int r = 0; r < _options.RepetitionsPerWord; r++)
                    jobs.Add((voice, word, r));
            for (int u = 0; u < _options.UnknownPerVoice; u++)
                jobs.Add((voice, UnknownWords[pick.Next(UnknownWords.Length)], 1000 + u));
            for (int s = 0; s < _options.SilencePerVoice; s++)
                jobs.Add((voice, SilenceLabel, 2000 + s));
        }

        var entries = Run(jobs, job =>
        {
            var random = new Random(StableHash.Combine($"{job.Voice}|{job.Word}", _options.Seed, job.Index));
            string file = $"{job.Word}/{Tag(job.Voice)}_{job.Index:D4}.wav";
            var entry = new ManifestEntry { Path = file, Split = Name(_splits[job.Voice]), Label = job.Word, Voice = job.Voice, DurationSeconds = 1.0 };
            float[] clip;
            if (job.Word == SilenceLabel)
            {
                NoiseType type = (NoiseType)random.Next((int)NoiseType.Crackle + 1);
                clip = NoiseGenerator.Generate(type, ClipSamples, random);
                Normalize(clip, 0.01 + 0.2 * random.NextDouble());
                entry.NoiseType = type.ToString().ToLowerInvariant();
            }
            else
            {
                int wpm = 110 + random.Next(110), pitch = 20 + random.Next(60);
                clip = PlaceInClip(TrimSilence(_espeak.Speak(job.Word, job.Voice, wpm, pitch)), random);
                entry.Text = job.Word;
                entry.WordsPerMinute = wpm;
                entry.Pitch = pitch;
            }

            Write(file, clip);
            return entry;
        }, progress, cancellationToken);

        string root = _options.OutputDirectory;
        File.WriteAllLines(Path.Combine(root, "validation_list.txt"), entries.Where(e => e.Split == "validation").Select(e => e.Path).Order(StringComparer.Ordinal));
        File.WriteAllLines(Path.Combine(root, "testing_list.txt"), entries.Where(e => e.Split == "test").Select(e => e.Path).Order(StringComparer.Ordinal));
        Manifest.Write(root, entries);
        return entries;
    }

    /// <summary>
    /// Denoising: for every sentence a clean file and a noisy one at a random SNR, with optional gain, clipping, band
    /// limiting and reverberation, as {split}/clean/ID.wav and {split}/noisy/ID.wav (the VoiceBank-DEMAND pairing).
    /// </summary>
    public IReadOnlyList<ManifestEntry> GenerateDenoising(IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        string[] userNoise = UserNoiseFiles();
        var types = new List<NoiseType> { NoiseType.White, NoiseType.Pink, NoiseType.Brown, NoiseType.Hum, NoiseType.Crackle, NoiseType.Babble };
        if (userNoise.Length > 0)
            types.Add(NoiseType.File);
        var jobs = SelectedVoices().SelectMany(v => Enumerable.Range(0, _options.SentencesPerVoice).Select(i => (Voice: v, Index: i))).ToList();

        var entries = Run(jobs, job =>
        {
            var random = new Random(StableHash.Combine($"denoise|{job.Voice}", _options.Seed, job.Index));
            Split split = _splits[job.Voice];
            string text = Sentence(random);
            int wpm = 130 + random.Next(70), pitch = 25 + random.Next(50);
            float[] clean = _espeak.Speak(text, job.Voice, wpm, pitch);
            Normalize(clean, Math.Pow(10, (-25 + 10 * random.NextDouble()) / 20), rms: true);

            NoiseType type = types[random.Next(types.Count)];
            string? source = null;
            float[] noise = type switch
            {
                NoiseType.Babble => Babble(job.Voice, split, clean.Length, random),
                NoiseType.File => UserNoise(userNoise, split, clean.Length, random, out source),
                _ => NoiseGenerator.Generate(type, clean.Length, random),
            };
            double u = random.NextDouble();
            double snr = _options.SnrLevels is { Count: > 0 } levels
                ? levels[Math.Min(levels.Count - 1, (int)(u * levels.Count))]
                : _options.MinSnrDb + (_options.MaxSnrDb - _options.MinSnrDb) * u;
            float[] noisy = NoiseMixing.MixAtSnr(clean, noise, snr);
            var applied = new List<string>();
            ApplyOptionalDegradations(ref noisy, random, applied);
            // Keep the pair inside full scale with one common gain (unless clipping was the point).
            float peak = Math.Max(MaxAbs(clean), MaxAbs(noisy));
            if (peak > 0.99f)
            {
                Degradations.Gain(clean, 20 * Math.Log10(0.99 / peak));
                Degradations.Gain(noisy, 20 * Math.Log10(0.99 / peak));
            }

            string id = $"{Tag(job.Voice)}_{job.Index:D4}";
            string splitName = Name(split);
            Write($"{splitName}/clean/{id}.wav", clean);
            Write($"{splitName}/noisy/{id}.wav", noisy);
            return new ManifestEntry
            {
                Path = $"{splitName}/noisy/{id}.wav", CleanPath = $"{splitName}/clean/{id}.wav", Split = splitName, Text = text,
                Voice = job.Voice, WordsPerMinute = wpm, Pitch = pitch, NoiseType = type.ToString().ToLowerInvariant(),
                NoiseSource = source, SnrDb = Math.Round(snr, 3), Degradations = applied, DurationSeconds = clean.Length / (double)SampleRate,
            };
        }, progress, cancellationToken);

        Manifest.Write(_options.OutputDirectory, entries);
        return entries;
    }

    /// <summary>Codec training: clean sentences as {split}/ID.wav.</summary>
    public IReadOnlyList<ManifestEntry> GenerateCodec(IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var jobs = SelectedVoices().SelectMany(v => Enumerable.Range(0, _options.SentencesPerVoice).Select(i => (Voice: v, Index: i))).ToList();
        var entries = Run(jobs, job =>
        {
            var random = new Random(StableHash.Combine($"codec|{job.Voice}", _options.Seed, job.Index));
            string text = Sentence(random);
            int wpm = 130 + random.Next(70), pitch = 25 + random.Next(50);
            float[] speech = _espeak.Speak(text, job.Voice, wpm, pitch);
            Normalize(speech, Math.Pow(10, (-26 + 12 * random.NextDouble()) / 20), rms: true);
            string splitName = Name(_splits[job.Voice]);
            string file = $"{splitName}/{Tag(job.Voice)}_{job.Index:D4}.wav";
            Write(file, speech);
            return new ManifestEntry
            {
                Path = file, Split = splitName, Text = text, Voice = job.Voice, WordsPerMinute = wpm, Pitch = pitch,
                DurationSeconds = speech.Length / (double)SampleRate,
            };
        }, progress, cancellationToken);
        Manifest.Write(_options.OutputDirectory, entries);
        return entries;
    }

    private void ApplyOptionalDegradations(ref float[] noisy, Random random, List<string> applied)
    {
        double p = _options.DegradationProbability;
        if (random.NextDouble() < p)
        {
            double db = -10 + 16 * random.NextDouble();
            Degradations.Gain(noisy, db);
            applied.Add(FormattableString.Invariant($"gain {db:0.0} dB"));
        }

        if (random.NextDouble() < p)
        {
            int cutoff = 3400 + random.Next(2600);
            noisy = Degradations.BandLimit(noisy, SampleRate, cutoff);
            applied.Add($"band limit {cutoff} Hz");
        }

        if (random.NextDouble() < p)
        {
            double rt60 = 0.2 + 0.5 * random.NextDouble();
            noisy = Degradations.Reverberate(noisy, SampleRate, rt60, random);
            applied.Add(FormattableString.Invariant($"reverb RT60 {rt60:0.00} s"));
        }

        if (random.NextDouble() < p)
        {
            float threshold = (float)((0.3 + 0.5 * random.NextDouble()) * MaxAbs(noisy));
            Degradations.Clip(noisy, threshold);
            applied.Add(FormattableString.Invariant($"clip at {threshold:0.000}"));
        }
    }

    /// <summary>Babble from 3–5 other voices of the same split, so test babble never contains training voices.</summary>
    private float[] Babble(string speaker, Split split, int length, Random random)
    {
        string[] others = _voices.Where(v => v != speaker && _splits[v] == split).ToArray();
        if (others.Length == 0)
            others = [speaker];
        var utterances = Enumerable.Range(0, 3 + random.Next(3))
            .Select(_ => _espeak.Speak(Sentence(random), others[random.Next(others.Length)], 140 + random.Next(60), 25 + random.Next(50)))
            .ToList();
        return NoiseGenerator.Babble(utterances, length, random);
    }

    /// <summary>The voices of the splits to generate.</summary>
    private IEnumerable<string> SelectedVoices() =>
        _options.Splits is { Count: > 0 } splits ? _voices.Where(v => splits.Contains(_splits[v])) : _voices;

    private string[] UserNoiseFiles()
    {
        if (_options.NoiseFolder is null)
            return [];
        if (!Directory.Exists(_options.NoiseFolder))
            throw new OnnxAudioException($"{_options.NoiseFolder}: the noise folder does not exist");
        return AudioFolderDataset.FindAudioFiles(_options.NoiseFolder).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// A random segment of a user noise file of the item's split (files are split by name, like voices; when only some
    /// splits are generated, every file serves them).
    /// </summary>
    private float[] UserNoise(string[] files, Split split, int length, Random random, out string source)
    {
        // A corpus of chosen splits only (e.g. a test set with its own noises) uses every file.
        string[] inSplit = _options.Splits is { Count: > 0 } ? files : files.Where(f => SplitOfFile(f) == split).ToArray();
        if (inSplit.Length == 0)
            inSplit = files;
        source = Path.GetRelativePath(_options.NoiseFolder!, inSplit[random.Next(inSplit.Length)]);
        float[] noise = AudioFile.ReadMono(Path.Combine(_options.NoiseFolder!, source), SampleRate);
        if (noise.Length == 0)
            return new float[length];
        var segment = new float[length];
        int offset = random.Next(noise.Length);
        for (int i = 0; i < length; i++)
            segment[i] = noise[(offset + i) % noise.Length];
        return segment;
    }

    private Split SplitOfFile(string file)
    {
        uint h = (uint)StableHash.Combine(Path.GetFileName(file), _options.Seed) % 100;
        return h < 15 ? Split.Test : h < 30 ? Split.Validation : Split.Train;
    }

    private List<ManifestEntry> Run<TJob>(List<TJob> jobs, Func<TJob, ManifestEntry> make, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_options.OutputDirectory);
        var results = new ConcurrentBag<ManifestEntry>();
        int done = 0;
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism), CancellationToken = cancellationToken }, job =>
        {
            results.Add(make(job));
            progress?.Report(Interlocked.Increment(ref done));
        });
        return results.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
    }

    private void Write(string relativePath, float[] samples)
    {
        string path = Path.Combine(_options.OutputDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AudioFile.WriteMono(path, samples, SampleRate, new WavWriterOptions { Overwrite = true });
    }

    /// <summary>A file-name-safe form of a voice name ("en-us+m3" → "en-us_m3").</summary>
    public static string Tag(string voice) => voice.Replace('+', '_').Replace('/', '_');

    public static string Name(Split split) => split.ToString().ToLowerInvariant();

    private static float MaxAbs(ReadOnlySpan<float> x) => x.Length == 0 ? 0 : Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(x));

    private static void Normalize(float[] x, double target, bool rms = false)
    {
        double level = rms ? Math.Sqrt(NoiseMixing.Power(x)) : MaxAbs(x);
        if (level <= 0)
            return;
        float g = (float)(target / level);
        for (int i = 0; i < x.Length; i++)
            x[i] *= g;
    }

    /// <summary>Drops leading and trailing frames more than 40 dB below the loudest 10 ms frame.</summary>
    internal static float[] TrimSilence(float[] x)
    {
        const int frame = 160;
        int frames = x.Length / frame;
        if (frames == 0)
            return x;
        double[] energy = Enumerable.Range(0, frames).Select(f => NoiseMixing.Power(x.AsSpan(f * frame, frame))).ToArray();
        double threshold = energy.Max() * 1e-4;
        int first = Array.FindIndex(energy, e => e > threshold), last = Array.FindLastIndex(energy, e => e > threshold);
        return first < 0 ? x : x[(first * frame)..Math.Min(x.Length, (last + 1) * frame)];
    }

    /// <summary>Places a word at a random offset in a 1 s clip (the middle second if longer) with a random peak level.</summary>
    private static float[] PlaceInClip(float[] word, Random random)
    {
        var clip = new float[ClipSamples];
        if (word.Length >= ClipSamples)
        {
            word.AsSpan((word.Length - ClipSamples) / 2, ClipSamples).CopyTo(clip);
        }
        else
        {
            word.CopyTo(clip, random.Next(ClipSamples - word.Length + 1));
        }

        Normalize(clip, 0.3 + 0.6 * random.NextDouble());
        return clip;
    }
}
