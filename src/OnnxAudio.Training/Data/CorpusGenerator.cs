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

    private readonly CorpusOptions _options;
    private readonly SpeechSet _speech;
    private readonly IReadOnlyList<Speaker> _speakers;

    /// <summary>A generator on espeak-ng voices only: <see cref="CorpusOptions.Voices"/>, or the distinct-voice catalog.</summary>
    public CorpusGenerator(EspeakSynthesizer espeak, CorpusOptions options)
        : this(new SpeechSet([(espeak.WithVoices(options.Voices ?? VoiceCatalog.Build(espeak, options.MaxVoices).Voices), 1.0)], options.Seed), options)
    {
    }

    public CorpusGenerator(SpeechSet speech, CorpusOptions options)
    {
        _options = options;
        _speech = speech;
        _speakers = speech.Speakers;
    }

    public IReadOnlyList<Speaker> Voices => _speakers;

    public SpeechSet Speech => _speech;

    public Split SplitOf(Speaker speaker) => _speech.SplitOf(speaker);

    /// <summary>An English sentence of 5–11 words, a function of <paramref name="random"/> only.</summary>
    public static string Sentence(Random random) => SentenceText.Sentence(random);

    /// <summary>
    /// Keyword spotting: 1 s clips in one folder per word plus <c>_silence_</c> noise clips, with Speech Commands'
    /// validation_list.txt and testing_list.txt naming the held-out speakers' files. English synthesizer voices say the
    /// keywords and English "unknown" words; other-language voices say words of their language, and recorded speakers
    /// give cleaned clips of theirs, both into <c>_unknown_</c>. With <see cref="CorpusOptions.AccentedKeywords"/>
    /// other-language synthesizer voices also say the keywords, respelled in their language (<see cref="AccentedKeywords"/>).
    /// </summary>
    public IReadOnlyList<ManifestEntry> GenerateKeywordSpotting(IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var jobs = new List<(Speaker Speaker, string Word, int Index, string? Clip)>();
        foreach (Speaker speaker in SelectedSpeakers())
        {
            double weight = _speech.WeightOf(speaker);
            var pick = new Random(StableHash.Combine(Key(speaker), _options.Seed, 1));
            if (_speech.SourceOf(speaker) is RecordedSpeech recorded)
            {
                string[] clips = recorded.ClipsOf(speaker).ToArray();
                pick.Shuffle(clips);
                int n = Math.Min(clips.Length, Scaled(_options.UnknownPerRecordedSpeaker, weight));
                for (int u = 0; u < n; u++)
                    jobs.Add((speaker, UnknownFolder, 3000 + u, clips[u]));
            }
            else
            {
                // English voices say the keywords, and with the option every voice whose spelling has them respelled.
                bool english = speaker.Language == "en";
                if (english || (_options.AccentedKeywords && AccentedKeywords.Covers(speaker.Language)))
                    foreach (string word in Keywords)
                        for (int r = 0; r < Scaled(_options.RepetitionsPerWord, weight); r++)
                            jobs.Add((speaker, word, r, null));
                for (int u = 0; u < Scaled(_options.UnknownPerVoice, weight); u++)
                    jobs.Add((speaker, english ? UnknownWords[pick.Next(UnknownWords.Length)] : UnknownFolder, 1000 + u, null));
            }

            if (_speech.SourceOf(speaker) is ISpeechSynthesizer)
                for (int s = 0; s < Scaled(_options.SilencePerVoice, weight); s++)
                    jobs.Add((speaker, SilenceLabel, 2000 + s, null));
        }

        var entries = Run(jobs, job =>
        {
            var random = new Random(StableHash.Combine($"{Key(job.Speaker)}|{job.Word}", _options.Seed, job.Index));
            string file = $"{job.Word}/{job.Speaker.Tag}_{job.Index:D4}.wav";
            var entry = Entry(file, job.Speaker);
            entry.Label = job.Word;
            entry.DurationSeconds = 1.0;
            float[] clip;
            if (job.Word == SilenceLabel)
            {
                NoiseType type = (NoiseType)random.Next((int)NoiseType.Crackle + 1);
                clip = NoiseGenerator.Generate(type, ClipSamples, random);
                Normalize(clip, 0.01 + 0.2 * random.NextDouble());
                entry.NoiseType = type.ToString().ToLowerInvariant();
                entry.Text = null;
            }
            else if (job.Clip is not null)
            {
                clip = PlaceInClip(AudioFile.ReadMono(job.Clip, SampleRate), random);
                entry.NoiseSource = null;
            }
            else
            {
                int wpm = 110 + random.Next(110), pitch = 20 + random.Next(60);
                bool keyword = Array.IndexOf(Keywords, job.Word) >= 0;
                string text = job.Word == UnknownFolder ? SentenceText.Word(random, job.Speaker.Language)
                    : keyword ? AccentedKeywords.Of(job.Speaker.Language, job.Word) ?? job.Word
                    : job.Word;
                entry.Text = text;
                entry.WordsPerMinute = wpm;
                entry.Pitch = pitch;
                // Every entry field is drawn before the audio is made, so an earlier run's file can stand (--resume).
                if (_options.Resume && File.Exists(Path.Combine(_options.OutputDirectory, file)))
                    return entry;
                // A keyword is never replaced by another word (its label would be wrong): it is tried at other speeds,
                // and a voice that cannot say it at all stops the run.
                float[] spoken = SpeakWithRetry(job.Speaker, text, wpm, pitch, keyword ? null : retry => SentenceText.Word(retry, job.Speaker.Language), entry);
                clip = PlaceInClip(TrimSilence(spoken), random);
            }

            if (job.Word != SilenceLabel)
                Normalize(clip, PeakLevel(random, 0.3, 0.9));
            Write(file, clip);
            return entry;
        }, progress, cancellationToken);

        string root = _options.OutputDirectory;
        File.WriteAllLines(Path.Combine(root, "validation_list.txt"), entries.Where(e => e.Split == "validation").Select(e => e.Path).Order(StringComparer.Ordinal));
        File.WriteAllLines(Path.Combine(root, "testing_list.txt"), entries.Where(e => e.Split == "test").Select(e => e.Path).Order(StringComparer.Ordinal));
        Finish(entries);
        return entries;
    }

    /// <summary>
    /// Denoising: for every utterance a clean file and a noisy one at a random SNR, with optional gain, clipping, band
    /// limiting and reverberation, as {split}/clean/ID.wav and {split}/noisy/ID.wav (the VoiceBank-DEMAND pairing).
    /// </summary>
    public IReadOnlyList<ManifestEntry> GenerateDenoising(IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        string[] userNoise = UserNoiseFiles();
        var types = new List<NoiseType> { NoiseType.White, NoiseType.Pink, NoiseType.Brown, NoiseType.Hum, NoiseType.Crackle, NoiseType.Babble };
        if (userNoise.Length > 0)
            types.Add(NoiseType.File);
        if (_options.NoiseTypes is { Count: > 0 } chosen)
        {
            if (chosen.Contains(NoiseType.File) && userNoise.Length == 0)
                throw new OnnxAudioException("noise type 'file' needs --noise-folder");
            types = chosen.Distinct().ToList();
        }

        var entries = Run(UtteranceJobs(), job =>
        {
            var random = new Random(StableHash.Combine($"denoise|{Key(job.Speaker)}", _options.Seed, job.Index));
            Split split = _speech.SplitOf(job.Speaker);
            var entry = Entry("", job.Speaker);
            float[] clean = Utterance(job.Speaker, random, entry);
            if (_options.PeakLevelDbfs is null)
                Normalize(clean, Math.Pow(10, (-25 + 10 * random.NextDouble()) / 20), rms: true);

            NoiseType type = types[random.Next(types.Count)];
            string? source = null;
            float[] noise = type switch
            {
                NoiseType.Babble => Babble(job.Speaker, split, clean.Length, random),
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
            // One common gain for the pair: the chosen peak level, or (by default) just inside full scale.
            float peak = Math.Max(MaxAbs(clean), MaxAbs(noisy));
            double target = _options.PeakLevelDbfs is null ? Math.Min(peak, 0.99) : PeakLevel(random, 0, 0);
            if (peak > 0 && target != peak)
            {
                Degradations.Gain(clean, 20 * Math.Log10(target / peak));
                Degradations.Gain(noisy, 20 * Math.Log10(target / peak));
            }

            string id = $"{job.Speaker.Tag}_{job.Index:D4}";
            string splitName = Name(split);
            Write($"{splitName}/clean/{id}.wav", clean);
            Write($"{splitName}/noisy/{id}.wav", noisy);
            entry.Path = $"{splitName}/noisy/{id}.wav";
            entry.CleanPath = $"{splitName}/clean/{id}.wav";
            entry.NoiseType = type.ToString().ToLowerInvariant();
            entry.NoiseSource = source;
            entry.SnrDb = Math.Round(snr, 3);
            entry.Degradations = applied;
            entry.DurationSeconds = clean.Length / (double)SampleRate;
            return entry;
        }, progress, cancellationToken);

        Finish(entries);
        return entries;
    }

    /// <summary>Codec training: clean utterances as {split}/ID.wav.</summary>
    public IReadOnlyList<ManifestEntry> GenerateCodec(IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var entries = Run(UtteranceJobs(), job =>
        {
            var random = new Random(StableHash.Combine($"codec|{Key(job.Speaker)}", _options.Seed, job.Index));
            var entry = Entry("", job.Speaker);
            float[] speech = Utterance(job.Speaker, random, entry);
            if (_options.PeakLevelDbfs is null)
                Normalize(speech, Math.Pow(10, (-26 + 12 * random.NextDouble()) / 20), rms: true);
            else
                Normalize(speech, PeakLevel(random, 0, 0));
            string splitName = Name(_speech.SplitOf(job.Speaker));
            entry.Path = $"{splitName}/{job.Speaker.Tag}_{job.Index:D4}.wav";
            Write(entry.Path, speech);
            entry.DurationSeconds = speech.Length / (double)SampleRate;
            return entry;
        }, progress, cancellationToken);
        Finish(entries);
        return entries;
    }

    /// <summary>Sentences per synthesizer voice, clip groups per recorded speaker, each scaled by its source's weight.</summary>
    private List<(Speaker Speaker, int Index)> UtteranceJobs() => SelectedSpeakers()
        .SelectMany(s =>
        {
            double weight = _speech.WeightOf(s);
            int count = _speech.SourceOf(s) is RecordedSpeech recorded
                ? Math.Min(Scaled(_options.RecordedPerSpeaker, weight), Math.Max(1, recorded.ClipsOf(s).Count / 2))
                : Scaled(_options.SentencesPerVoice, weight);
            return Enumerable.Range(0, count).Select(i => (s, i));
        }).ToList();

    /// <summary>
    /// One utterance of <paramref name="speaker"/>: a sentence in its language from a synthesizer (speed and pitch drawn
    /// first, as earlier corpora did), or 1–3 of a recorded speaker's clean clips with 0.1–0.4 s pauses between them.
    /// </summary>
    private float[] Utterance(Speaker speaker, Random random, ManifestEntry entry)
    {
        if (_speech.SourceOf(speaker) is RecordedSpeech recorded)
        {
            IReadOnlyList<string> clips = recorded.ClipsOf(speaker);
            var parts = new List<float>();
            var used = new List<string>();
            int n = 1 + random.Next(3);
            for (int i = 0; i < n; i++)
            {
                string clip = clips[random.Next(clips.Count)];
                if (i > 0)
                    parts.AddRange(new float[(int)(SampleRate * (0.1 + 0.3 * random.NextDouble()))]);
                parts.AddRange(AudioFile.ReadMono(clip, SampleRate));
                used.Add(RecordedName(clip));
            }

            entry.Text = null;
            entry.NoiseSource = null;
            entry.Clips = used;
            return parts.ToArray();
        }

        string text = SentenceText.Sentence(random, speaker.Language);
        int wpm = 130 + random.Next(70), pitch = 25 + random.Next(50);
        entry.Text = text;
        entry.WordsPerMinute = wpm;
        entry.Pitch = pitch;
        return SpeakWithRetry(speaker, text, wpm, pitch, retry => SentenceText.Sentence(retry, speaker.Language), entry);
    }

    /// <summary>
    /// Speaks <paramref name="text"/>; if the synthesizer fails on it (Festival's diphone voices crash on some letter
    /// sequences and speeds), up to three other texts drawn from a generator seeded by the text, so the corpus stays a
    /// function of the seed — or, without <paramref name="another"/>, the same text at up to three other speeds; the
    /// text and speed used are recorded in <paramref name="entry"/>.
    /// </summary>
    private float[] SpeakWithRetry(Speaker speaker, string text, int wpm, int pitch, Func<Random, string>? another, ManifestEntry entry)
    {
        var retry = new Random(StableHash.Combine(text, _options.Seed));
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                float[] audio = Synthesizer(speaker).Speak(text, speaker, wpm, pitch);
                entry.Text = text;
                return audio;
            }
            catch (OnnxAudioException) when (attempt < 3)
            {
                if (another is null)
                {
                    // The words must stay (a keyword): Festival's diphone voices crash at some duration stretches only
                    // (lp_diphone on "tu" at 121, 122 and 201–205 words per minute), so try another speed.
                    wpm = 110 + new Random(StableHash.Combine($"{text}|{wpm}", _options.Seed, attempt)).Next(110);
                    entry.WordsPerMinute = wpm;
                }
                else
                {
                    text = another(retry);
                }
            }
        }
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

    /// <summary>Babble from 3–5 other speakers of the same split, so test babble never contains training speakers.</summary>
    private float[] Babble(Speaker speaker, Split split, int length, Random random)
    {
        Speaker[] others = _speakers.Where(v => v != speaker && _speech.SplitOf(v) == split).ToArray();
        if (others.Length == 0)
            others = [speaker];
        var utterances = Enumerable.Range(0, 3 + random.Next(3)).Select(_ =>
        {
            Speaker other = others[random.Next(others.Length)];
            return _speech.SourceOf(other) is RecordedSpeech
                ? Utterance(other, random, new ManifestEntry())
                : Synthesizer(other).Speak(SentenceText.Sentence(random, other.Language), other, 140 + random.Next(60), 25 + random.Next(50));
        }).ToList();
        return NoiseGenerator.Babble(utterances, length, random);
    }

    /// <summary>The speakers of the splits to generate.</summary>
    private IEnumerable<Speaker> SelectedSpeakers() =>
        _options.Splits is { Count: > 0 } splits ? _speakers.Where(v => splits.Contains(_speech.SplitOf(v))) : _speakers;

    private ISpeechSynthesizer Synthesizer(Speaker speaker) => (ISpeechSynthesizer)_speech.SourceOf(speaker);

    /// <summary>The seed key of a speaker: espeak voices keep their bare names, so earlier corpora regenerate unchanged.</summary>
    private static string Key(Speaker speaker) => speaker.Source == EspeakSynthesizer.SourceName ? speaker.Name : speaker.Id;

    private static int Scaled(int count, double weight) => (int)Math.Round(count * weight);

    /// <summary>A peak level drawn from <see cref="CorpusOptions.PeakLevelDbfs"/>, or uniformly from [low, high] without it.</summary>
    private double PeakLevel(Random random, double low, double high) => _options.PeakLevelDbfs is (double min, double max)
        ? Math.Pow(10, (min + (max - min) * random.NextDouble()) / 20)
        : low + (high - low) * random.NextDouble();

    private ManifestEntry Entry(string path, Speaker speaker) => new()
    {
        Path = path, Split = Name(_speech.SplitOf(speaker)), Voice = speaker.Name, Source = speaker.Source, Speaker = speaker.Id,
        Language = speaker.Language,
    };

    /// <summary>A recorded clip's cache file named by its original (relative) path.</summary>
    private static string RecordedName(string cachePath)
    {
        string name = Path.GetFileNameWithoutExtension(cachePath);
        int cut = name.LastIndexOf('.', name.LastIndexOf('.') - 1);
        return name[..cut].Replace('~', '/');
    }

    private void Finish(List<ManifestEntry> entries)
    {
        Manifest.Write(_options.OutputDirectory, entries);
        CorpusSummary.Write(_options.OutputDirectory, _speech, entries, _options.RecordedSummaries);
    }

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
        // A noise corpus split into folders (data noise) gives each split its own files; otherwise files are split by
        // name, except that a corpus of chosen splits only (e.g. a test set with its own noises) uses every file.
        string splitFolder = Path.Combine(_options.NoiseFolder!, Name(split)) + Path.DirectorySeparatorChar;
        string[] inSplit = NoiseCorpus.IsSplit(_options.NoiseFolder!) ? files.Where(f => f.StartsWith(splitFolder, StringComparison.Ordinal)).ToArray()
            : _options.Splits is { Count: > 0 } ? files : files.Where(f => SplitOfFile(f) == split).ToArray();
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
        try
        {
            Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism), CancellationToken = cancellationToken }, job =>
            {
                results.Add(make(job));
                progress?.Report(Interlocked.Increment(ref done));
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<OnnxAudioException>().FirstOrDefault() is { } first)
        {
            // The user's error (a voice that cannot say a keyword, a bad noise file), not the parallel loop's wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }

        return results.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
    }

    private void Write(string relativePath, float[] samples)
    {
        string path = Path.Combine(_options.OutputDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AudioFile.WriteMono(path, samples, SampleRate, new WavWriterOptions { Overwrite = true });
    }

    /// <summary>The folder of "unknown" clips that are not words of the English list (other languages, recordings).</summary>
    public const string UnknownFolder = FolderPerLabelDataset.UnknownLabel;

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

    /// <summary>Places a word at a random offset in a 1 s clip (the middle second if longer); training augmentation uses it too.</summary>
    internal static float[] PlaceInClip(float[] word, Random random)
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

        return clip;
    }
}
