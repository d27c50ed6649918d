using OnnxAudio.Evaluation;
using System.CommandLine;
using System.Globalization;
using OnnxAudio.Training.Data;
using Spectre.Console;

namespace OnnxAudio.Training;

/// <summary><c>onnxaudio-train data kws|denoise|codec</c>: generate a corpus with espeak-ng speech and noise.</summary>
internal static class DataCommand
{
    public static Command Create(TextWriter stdout)
    {
        var data = new Command("data", "Generate corpora from synthesized and recorded speech (espeak-ng, flite, Festival, Tux Paint, Hedgewars) and noise");
        foreach (var (name, description) in new[]
                 {
                     ("kws", "Keyword spotting: 1 s clips per word (Speech Commands layout) with validation/testing lists"),
                     ("denoise", "Denoising: paired clean/noisy sentences at random SNRs, with optional damage"),
                     ("codec", "Codec training: clean sentences in flat folders per split"),
                 })
        {
            var outDir = new Option<string>("--out", "-o") { Description = "Corpus folder", Required = true };
            var seed = new Option<int>("--seed") { Description = "Seed: the same seed writes the same files", DefaultValueFactory = _ => 1 };
            var maxVoices = new Option<int?>("--max-voices") { Description = "Use at most this many voices (default: all distinct ones)" };
            var repetitions = new Option<int>("--repetitions") { Description = "kws: utterances per keyword and voice", DefaultValueFactory = _ => 3 };
            var sentences = new Option<int>("--sentences-per-voice") { Description = "denoise/codec: sentences per voice", DefaultValueFactory = _ => 20 };
            var noiseFolder = new Option<string?>("--noise-folder") { Description = "denoise: a folder of your noise recordings to mix in" };
            var snrMin = new Option<double>("--snr-min") { Description = "denoise: lowest SNR in dB", DefaultValueFactory = _ => -5 };
            var snrMax = new Option<double>("--snr-max") { Description = "denoise: highest SNR in dB", DefaultValueFactory = _ => 20 };
            var snrLevels = new Option<double[]>("--snr-levels") { Description = "denoise: draw SNRs from these levels (e.g. 0 5 10) instead of [min, max]", AllowMultipleArgumentsPerToken = true };
            var splits = new Option<string[]>("--splits") { Description = "Generate only these splits (train, validation, test)", AllowMultipleArgumentsPerToken = true };
            var damage = new Option<double>("--damage-probability") { Description = "denoise: probability of each extra damage (gain, clipping, band limit, reverb)", DefaultValueFactory = _ => 0.15 };
            var speech = new Option<string>("--speech")
            {
                Description = "Speech sources with optional weights: espeak, flite, festival (synthesizers), tuxpaint, hedgewars (recordings of people), e.g. espeak,festival:2,tuxpaint",
                DefaultValueFactory = _ => "espeak",
            };
            var heldOut = new Option<string[]>("--held-out")
            {
                Description = "Sources whose every voice is test only (the unseen-synthesizer set); 'none' for no such source",
                AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => SpeechSet.DefaultHeldOut,
            };
            var level = new Option<double[]>("--peak-level")
            {
                Description = "Speech peak level range in dBFS, two numbers (e.g. -40 -1); without it the earlier fixed levels are kept",
                AllowMultipleArgumentsPerToken = true,
            };
            var cache = new Option<string?>("--recordings-cache") { Description = "Folder for cleaned 16 kHz copies of recorded clips (default: ~/.cache/onnxaudio/recordings)" };
            var splitSeed = new Option<int>("--split-seed")
            {
                Description = "Seed of the speaker split of every source but espeak-ng (keep it the same for all corpora)",
                DefaultValueFactory = _ => 1,
            };
            var accented = new Option<bool>("--accented-keywords")
            {
                Description = "kws: other-language synthesizer voices (Festival's) also say the keywords, respelled in their language",
            };
            var resume = new Option<bool>("--resume") { Description = "kws: keep the files an interrupted run of the same command wrote, make the rest" };
            var noiseTypes = new Option<NoiseType[]>("--noise-types")
            {
                Description = "denoise: draw noise from these kinds only (white pink brown hum crackle babble file)",
                AllowMultipleArgumentsPerToken = true,
            };
            var maxRecordings = new Option<int?>("--max-recordings-per-speaker") { Description = "Clean at most this many files of each recorded speaker (a stable subset; default: all)" };
            var distinct = DistinctRecordingsOption();
            var perRecorded = new Option<int>("--per-recorded-speaker") { Description = "Items per recorded speaker: kws unknown clips, denoise/codec utterances", DefaultValueFactory = _ => 0 };
            var command = new Command(name, description) { outDir, seed, maxVoices, repetitions, sentences, noiseFolder, snrMin, snrMax, snrLevels,
                splits, damage, speech, heldOut, level, cache, maxRecordings, distinct, perRecorded, noiseTypes, splitSeed, resume, accented };
            string kind = name;
            command.SetAction((parse, cancellationToken) =>
            {
                if (parse.GetValue(accented) && kind != "kws")
                    throw new OnnxAudioException($"--accented-keywords is for keyword corpora ('data kws'), not 'data {kind}'");
                double[] peak = parse.GetValue(level) ?? [];
                if (peak.Length is not (0 or 2) || (peak.Length == 2 && !(peak[0] < peak[1] && peak[1] <= 0 && peak[0] >= -60)))
                    throw new OnnxAudioException("--peak-level takes two levels in dBFS, low then high, between -60 and 0 (e.g. -40 -1)");
                var sourceSpec = SpeechSet.ParseSpec(parse.GetValue(speech)!);
                string[] held = parse.GetValue(heldOut) is { Length: > 0 } h && !h.Contains("none") ? h : [];
                string cacheFolder = parse.GetValue(cache) ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "onnxaudio", "recordings");
                var (opened, recorded) = OpenSources(stdout, sourceSpec, held, parse.GetValue(seed), parse.GetValue(maxVoices), cacheFolder,
                    parse.GetValue(maxRecordings), parse.GetValue(distinct), parse.GetValue(splitSeed), cancellationToken);
                using SpeechSet set = opened;
                int perRecordedSpeaker = parse.GetValue(perRecorded);
                var options = new CorpusOptions
                {
                    OutputDirectory = parse.GetValue(outDir)!, Seed = parse.GetValue(seed), MaxVoices = parse.GetValue(maxVoices),
                    RepetitionsPerWord = parse.GetValue(repetitions), SentencesPerVoice = parse.GetValue(sentences),
                    NoiseFolder = parse.GetValue(noiseFolder), MinSnrDb = parse.GetValue(snrMin), MaxSnrDb = parse.GetValue(snrMax),
                    SnrLevels = parse.GetValue(snrLevels) is { Length: > 0 } levels ? levels : null,
                    Splits = parse.GetValue(splits) is { Length: > 0 } names ? names.Select(ParseSplit).ToArray() : null,
                    DegradationProbability = Math.Clamp(parse.GetValue(damage), 0, 1),
                    PeakLevelDbfs = peak.Length == 2 ? (peak[0], peak[1]) : null,
                    NoiseTypes = parse.GetValue(noiseTypes) is { Length: > 0 } kinds ? kinds : null,
                    Resume = parse.GetValue(resume),
                    AccentedKeywords = parse.GetValue(accented),
                    RecordedSummaries = recorded,
                    UnknownPerRecordedSpeaker = perRecordedSpeaker > 0 ? perRecordedSpeaker : 60,
                    RecordedPerSpeaker = perRecordedSpeaker > 0 ? perRecordedSpeaker : 100,
                };
                var generator = new CorpusGenerator(set, options);
                stdout.WriteLine($"{generator.Voices.Count} speakers: " + string.Join(", ",
                    Enum.GetValues<Split>().Select(s => $"{generator.Voices.Count(v => generator.SplitOf(v) == s)} {CorpusGenerator.Name(s)}")));
                IReadOnlyList<ManifestEntry> entries = WithProgress(stdout, kind, progress => kind switch
                {
                    "kws" => generator.GenerateKeywordSpotting(progress, cancellationToken),
                    "denoise" => generator.GenerateDenoising(progress, cancellationToken),
                    _ => generator.GenerateCodec(progress, cancellationToken),
                });
                double hours = entries.Sum(e => e.DurationSeconds) / 3600;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{entries.Count} files ({hours:0.00} h) in {options.OutputDirectory}; manifest: {Path.Combine(options.OutputDirectory, Manifest.FileName)}"));
                return Task.FromResult(0);
            });
            data.Subcommands.Add(command);
        }

        data.Subcommands.Add(Declip(stdout));
        data.Subcommands.Add(Noise(stdout));
        data.Subcommands.Add(Stream(stdout));
        return data;
    }

    private static Option<bool> DistinctRecordingsOption() => new("--distinct-recordings")
    {
        Description = "Leave out recordings whose cleaned audio repeats an earlier one's (Tux Paint files some under several stamps); "
            + "off by default so that existing corpora regenerate bit for bit",
    };

    /// <summary>Finds each named source (espeak-ng voices deduplicated by sound; recordings decoded and cleaned).</summary>
    private static (SpeechSet Set, IReadOnlyList<RecordedSpeechSummary> Recorded) OpenSources(TextWriter stdout, IReadOnlyList<(string Name, double Weight)> spec,
        string[] heldOut, int seed, int? maxVoices, string cacheFolder, int? maxRecordings, bool distinct, int splitSeed, CancellationToken cancellationToken)
    {
        var sources = new List<(ISpeechSource, double)>();
        var summaries = new List<RecordedSpeechSummary>();
        foreach (var (name, weight) in spec)
        {
            ISpeechSource source;
            switch (name)
            {
                case EspeakSynthesizer.SourceName:
                    var espeak = EspeakSynthesizer.Find();
                    stdout.WriteLine("Finding distinct espeak-ng voices…");
                    source = espeak.WithVoices(VoiceCatalog.Build(espeak, maxVoices).Voices);
                    break;
                case FliteSynthesizer.SourceName:
                    source = FliteSynthesizer.Find();
                    break;
                case FestivalSynthesizer.SourceName:
                    source = FestivalSynthesizer.Find();
                    break;
                default:
                    var recorded = name == RecordedSpeech.Tuxpaint ? RecordedSpeech.FindTuxpaint() : RecordedSpeech.FindHedgewars();
                    stdout.WriteLine($"Cleaning {name} recordings (at most {maxRecordings?.ToString() ?? "all"} per speaker, cached in {cacheFolder})…");
                    RecordedSpeechSummary summary = recorded.Prepare(cacheFolder, Environment.ProcessorCount, maxClipsPerSpeaker: maxRecordings, distinct: distinct,
                        cancellationToken: cancellationToken);
                    stdout.WriteLine($"{name}: kept {summary.Kept} of {summary.Files} clips; removed " +
                        string.Join(", ", summary.RejectedByRule.Select(r => $"{r.Value} {r.Key}")) +
                        (summary.DroppedSpeakers.Count > 0 ? $"; speakers with too few clips: {string.Join(", ", summary.DroppedSpeakers)}" : ""));
                    summaries.Add(summary);
                    source = recorded;
                    break;
            }

            stdout.WriteLine($"{name}: {source.Speakers.Count} speakers" + (heldOut.Contains(name) ? " (held out: test only)" : ""));
            sources.Add((source, weight));
        }

        return (new SpeechSet(sources, seed, heldOut, splitSeed), summaries);
    }

    /// <summary>
    /// <c>data declip --from CLEAN --out DIR</c>: clipped copies of clean speech at fixed fractions of each file's peak,
    /// as DIR/clean/NAME.wav and DIR/clipped/NAME_cLEVEL.wav pairs with a manifest (clip level and the clipped input's SDR).
    /// </summary>
    private static Command Declip(TextWriter stdout)
    {
        var from = new Option<string>("--from") { Description = "Folder of clean speech", Required = true };
        var outDir = new Option<string>("--out", "-o") { Description = "Output folder", Required = true };
        var levels = new Option<double[]>("--levels") { Description = "Clipping levels as fractions of each file's peak",
            AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [0.1, 0.25, 0.5] };
        var limit = new Option<int>("--limit") { Description = "Use at most this many files", DefaultValueFactory = _ => 100 };
        var command = new Command("declip", "Clipped/clean pairs from clean speech, for measuring clipping repair") { from, outDir, levels, limit };
        command.SetAction(parse =>
        {
            string source = parse.GetValue(from)!, root = parse.GetValue(outDir)!;
            var files = new AudioFolderDataset(source).Files.Take(parse.GetValue(limit)).ToArray();
            var entries = new List<ManifestEntry>();
            foreach (string file in files)
            {
                float[] clean = OnnxAudio.Audio.AudioFile.ReadMono(file, 16000);
                float peak = clean.Max(MathF.Abs);
                if (peak <= 0)
                    continue;
                // Full-scale peak, so the clipped files are what a recorder overdriven at 0 dBFS leaves.
                Degradations.Gain(clean, 20 * Math.Log10(0.99 / peak));
                string name = Path.GetFileNameWithoutExtension(file);
                string cleanPath = $"clean/{name}.wav";
                Write(root, cleanPath, clean);
                foreach (double level in parse.GetValue(levels)!)
                {
                    float[] clipped = (float[])clean.Clone();
                    Degradations.Clip(clipped, (float)(level * 0.99));
                    string clippedPath = string.Create(CultureInfo.InvariantCulture, $"clipped/{name}_c{level * 100:000}.wav");
                    Write(root, clippedPath, clipped);
                    entries.Add(new ManifestEntry
                    {
                        Path = clippedPath, CleanPath = cleanPath, Split = "test", SnrDb = Math.Round(SignalMetrics.Snr(clean, clipped), 3),
                        Degradations = [string.Create(CultureInfo.InvariantCulture, $"clip {level:0.##}")], DurationSeconds = clean.Length / 16000.0,
                    });
                }
            }

            Manifest.Write(root, entries);
            stdout.WriteLine($"{entries.Count} clipped files from {files.Length} clean ones in {root}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// <c>data stream --out FILE.wav</c>: a long recording of real non-keyword speech in real noise, for false alarms per
    /// hour of streaming keyword detection.
    /// </summary>
    private static Command Stream(TextWriter stdout)
    {
        var outFile = new Option<string>("--out", "-o") { Description = "WAV file to write (a JSON summary goes beside it)", Required = true };
        var minutes = new Option<double>("--minutes") { Description = "Length in minutes", DefaultValueFactory = _ => 60 };
        var speech = new Option<string>("--speech") { Description = "Recorded sources (tuxpaint, hedgewars)", DefaultValueFactory = _ => "tuxpaint,hedgewars" };
        var splits = new Option<string[]>("--splits") { Description = "Speaker splits to draw from", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["test"] };
        var noise = new Option<string>("--noise-folder") { Description = "A 'data noise' folder (its split subfolders are used)", Required = true };
        var snr = new Option<double>("--snr") { Description = "Speech-to-noise ratio over the whole track, dB", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Seed of the order, levels and noise", DefaultValueFactory = _ => 1 };
        var maxRecordings = new Option<int?>("--max-recordings-per-speaker") { Description = "As for the corpora (keep it the same so the speaker split is)", DefaultValueFactory = _ => 300 };
        var splitSeed = new Option<int>("--split-seed") { Description = "Seed of the speaker split (as for the corpora)", DefaultValueFactory = _ => 1 };
        var cache = new Option<string?>("--recordings-cache") { Description = "Folder of cleaned recordings (default: ~/.cache/onnxaudio/recordings)" };
        var distinct = DistinctRecordingsOption();
        var command = new Command("stream", "A long recording of real non-keyword speech in real noise, for false alarms per hour") { outFile,
            minutes, speech, splits, noise, snr, seed, maxRecordings, distinct, splitSeed, cache };
        command.SetAction((parse, cancellationToken) =>
        {
            var spec = SpeechSet.ParseSpec(parse.GetValue(speech)!);
            if (spec.Any(s => s.Name is not (RecordedSpeech.Tuxpaint or RecordedSpeech.Hedgewars)))
                throw new OnnxAudioException("--speech takes recorded sources only (tuxpaint, hedgewars)");
            if (parse.GetValue(minutes) is not (> 0 and <= 600))
                throw new OnnxAudioException("--minutes must lie between 0 and 600");
            string cacheFolder = parse.GetValue(cache) ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "onnxaudio", "recordings");
            var (opened, _) = OpenSources(stdout, spec, [], 1, null, cacheFolder, parse.GetValue(maxRecordings), parse.GetValue(distinct), parse.GetValue(splitSeed),
                cancellationToken);
            using SpeechSet set = opened;
            var summary = NonKeywordStream.Write(parse.GetValue(outFile)!, set, parse.GetValue(splits)!.Select(ParseSplit).ToArray(), parse.GetValue(minutes),
                parse.GetValue(noise)!, parse.GetValue(snr), parse.GetValue(seed), cancellationToken);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{summary.File}: {summary.Minutes:0.#} min, {summary.Clips} clips ({summary.DistinctClips} distinct) of {summary.Speakers} speakers, noise at {summary.SnrDb} dB"));
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary><c>data noise --out DIR</c>: real noise recordings from Debian packages, split by file.</summary>
    private static Command Noise(TextWriter stdout)
    {
        var outDir = new Option<string>("--out", "-o") { Description = "Noise corpus folder (DIR/train, DIR/validation, DIR/test)", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the split by file", DefaultValueFactory = _ => 1 };
        var command = new Command("noise", "Noise recordings (effects, machines, music) from Debian packages, split by file, for --noise-folder") { outDir, seed };
        command.SetAction((parse, cancellationToken) =>
        {
            string root = parse.GetValue(outDir)!;
            var entries = NoiseCorpus.Generate(root, parse.GetValue(seed), out var missing, cancellationToken);
            foreach (string m in missing)
                stdout.WriteLine($"not installed, skipped: {m}");
            foreach (var g in entries.GroupBy(e => e.Split).OrderBy(g => g.Key, StringComparer.Ordinal))
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{g.Key}: {g.Count()} files, {g.Sum(e => e.DurationSeconds) / 60:0.0} min"));
            return Task.FromResult(0);
        });
        return command;
    }

    private static void Write(string root, string relative, float[] samples)
    {
        string path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        OnnxAudio.Audio.AudioFile.WriteMono(path, samples, 16000, new OnnxAudio.Audio.WavWriterOptions { Encoding = OnnxAudio.Audio.WavSampleEncoding.Float32, Overwrite = true });
    }

    private static Split ParseSplit(string name) => name.ToLowerInvariant() switch
    {
        "train" => Split.Train,
        "validation" => Split.Validation,
        "test" => Split.Test,
        _ => throw new OnnxAudioException($"unknown split '{name}' (train, validation or test)"),
    };

    private static IReadOnlyList<ManifestEntry> WithProgress(TextWriter stdout, string kind, Func<IProgress<int>, IReadOnlyList<ManifestEntry>> run)
    {
        if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive && ReferenceEquals(stdout, Console.Out))
        {
            IReadOnlyList<ManifestEntry> result = [];
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new ElapsedTimeColumn()).Start(ctx =>
            {
                var task = ctx.AddTask($"generating {kind}");
                task.IsIndeterminate = true;
                result = run(new Progress<int>(n => task.Description = $"generating {kind}: {n} files"));
            });
            return result;
        }

        var last = DateTime.UtcNow;
        return run(new Progress<int>(n =>
        {
            if ((DateTime.UtcNow - last).TotalSeconds >= 5)
            {
                last = DateTime.UtcNow;
                stdout.WriteLine($"{n} files…");
            }
        }));
    }
}
