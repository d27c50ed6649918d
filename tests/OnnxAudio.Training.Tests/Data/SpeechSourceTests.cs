using OnnxAudio.Evaluation;
using System.Diagnostics;
using System.Text.Json.Nodes;
using OnnxAudio.Audio;
using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Training.Data;

namespace OnnxAudio.Training.Tests.Data;

/// <summary>
/// The speech sources beyond espeak-ng: flite and Festival voices, recordings laid out like the Debian packages (made
/// here from espeak-ng speech, so that CI needs no large package), the cleaning rules on signals with a known answer,
/// the speaker splits, and a multi-source corpus's manifest and summary.
/// </summary>
public class SpeechSourceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "onnxaudio-speech-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData("espeak,flite:0.5", "espeak=1;flite=0.5")]
    [InlineData(" festival , TUXPAINT:2 ", "festival=1;tuxpaint=2")]
    public void Speech_specs_parse_to_sources_and_weights(string spec, string expected) =>
        Assert.Equal(expected, string.Join(";", SpeechSet.ParseSpec(spec).Select(s => $"{s.Name}={s.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}")));

    [Theory]
    [InlineData("piper", "unknown speech source")]
    [InlineData("espeak:0", "weight")]
    [InlineData("espeak:x", "weight")]
    [InlineData("espeak,espeak", "named twice")]
    [InlineData(",", "names no source")]
    public void Bad_speech_specs_are_refused_with_the_reason(string spec, string message) =>
        Assert.Contains(message, Assert.Throws<OnnxAudioException>(() => SpeechSet.ParseSpec(spec)).Message);

    [Fact]
    public void Clean_speech_passes_and_each_rule_catches_the_signal_it_describes()
    {
        var random = new Random(3);
        // Speech-like: 4 syllables of a harmonic voice with a gliding pitch, separated by near-silence.
        var speech = new float[16000 * 2];
        for (int s = 0; s < 4; s++)
            for (int i = 0; i < 4000; i++)
            {
                double t = i / 16000.0, f0 = 110 + 60 * t / 0.25 + 20 * s;
                double envelope = Math.Sin(Math.PI * i / 4000.0);
                double v = 0;
                for (int h = 1; h <= 12; h++)
                    v += Math.Sin(2 * Math.PI * h * (f0 * t + 30 * t * t * (1 + s))) / h;
                speech[s * 8000 + i] = (float)(0.2 * envelope * v);
            }

        for (int i = 0; i < speech.Length; i++)
            speech[i] += (float)(1e-4 * (random.NextDouble() - 0.5));
        Assert.Null(SpeechClipFilter.Check(speech));
        float[]? cleaned = SpeechClipFilter.Clean((float[])speech.Clone(), out _);
        Assert.NotNull(cleaned);
        Assert.Equal(0.891, cleaned!.Max(MathF.Abs), 3);

        Assert.Equal("too short", SpeechClipFilter.Check(speech.AsSpan(0, 3000)));
        Assert.StartsWith("tonal", SpeechClipFilter.Check(Signals.Sine(440, 16000, 32000, 0.3).Select((v, i) => i < 8000 ? v * 1e-3f : v).ToArray()));
        float[] noise = Enumerable.Range(0, 32000).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        Assert.StartsWith("no quiet floor", SpeechClipFilter.Check(noise));
        float[] clipped = speech.Select(v => Math.Clamp(v * 8, -0.9f, 0.9f)).ToArray();
        Assert.Equal("clipped", SpeechClipFilter.Check(clipped));
    }

    [Fact]
    public void Splits_are_by_speaker_per_source_and_a_held_out_source_is_test_only()
    {
        var espeak = new FakeSource("espeak", Enumerable.Range(0, 20).Select(i => $"v{i}").ToArray(), "en");
        var flite = new FakeSource("flite", ["awb", "rms"], "en");
        var recorded = new FakeRecordings("hedgewars", Enumerable.Range(0, 15).Select(i => $"pack{i}").ToArray());
        var set = new SpeechSet([(espeak, 1.0), (flite, 1.0), (recorded, 1.0)], seed: 5);
        Assert.All(flite.Speakers, s => Assert.Equal(Split.Test, set.SplitOf(s)));
        var espeakAlone = VoiceCatalog.Of(espeak.Speakers.Select(s => s.Name)).AssignSplits(5);
        Assert.All(espeak.Speakers, s => Assert.Equal(espeakAlone[s.Name], set.SplitOf(s)));
        var recordedSplits = recorded.Speakers.GroupBy(set.SplitOf).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, recordedSplits[Split.Test]);
        Assert.Equal(2, recordedSplits[Split.Validation]);
        // The same split without the other sources, and whatever the corpus seed (recorded speakers split by the split seed).
        var alone = new SpeechSet([(recorded, 1.0)], seed: 9);
        Assert.All(recorded.Speakers, s => Assert.Equal(set.SplitOf(s), alone.SplitOf(s)));
        Assert.All(flite.Speakers, s => Assert.Equal(Split.Train, new SpeechSet([(flite, 1.0)], 5, heldOut: []).SplitOf(s)));
    }

    [Fact]
    public void Other_language_voices_say_the_keywords_respelled_only_when_asked_and_a_failed_keyword_is_never_replaced()
    {
        var english = new FakeSource("festival", ["ked"], "en");
        var italian = new FakeSource("festival-it", ["lp"], "it");
        var set = new SpeechSet([(english, 1.0), (italian, 1.0)], seed: 1, heldOut: []);
        IReadOnlyList<ManifestEntry> Generate(string name, bool accented) => new CorpusGenerator(set, new CorpusOptions
        {
            OutputDirectory = Path.Combine(_root, name), Seed = 1, RepetitionsPerWord = 1, UnknownPerVoice = 2, SilencePerVoice = 0,
            AccentedKeywords = accented,
        }).GenerateKeywordSpotting();

        var plain = Generate("plain", accented: false);
        Assert.All(plain.Where(e => e.Speaker == "festival-it/lp"), e => Assert.Equal(CorpusGenerator.UnknownFolder, e.Label));
        var accentedEntries = Generate("accented", accented: true);
        var italianKeywords = accentedEntries.Where(e => e.Speaker == "festival-it/lp" && e.Label != CorpusGenerator.UnknownFolder).ToArray();
        Assert.Equal(CorpusGenerator.Keywords.Order(), italianKeywords.Select(e => e.Label!).Order());
        Assert.Equal("rait", italianKeywords.Single(e => e.Label == "right").Text);
        Assert.Equal("uan", italianKeywords.Single(e => e.Label == "one").Text);
        Assert.Contains("rait", italian.Said);
        // Everything else is the same file for file: the option adds clips, it changes none.
        foreach (ManifestEntry e in plain)
            Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "plain", e.Path)), File.ReadAllBytes(Path.Combine(_root, "accented", e.Path)));

        // A voice that crashes on a keyword at some speeds says it at another; one that cannot say it at all stops the run.
        var sometimes = new FakeSource("festival-it", ["lp"], "it", fails: (text, wpm) => text == "tri" && wpm % 3 == 0);
        var retried = new CorpusGenerator(new SpeechSet([(sometimes, 1.0)], seed: 1, heldOut: []), new CorpusOptions
        {
            OutputDirectory = Path.Combine(_root, "retried"), Seed = 1, RepetitionsPerWord = 12, UnknownPerVoice = 0, SilencePerVoice = 0,
            AccentedKeywords = true,
        }).GenerateKeywordSpotting();
        Assert.True(sometimes.Failures > 0, "no draw of this seed hit a failing speed");
        Assert.All(retried.Where(e => e.Label == "three"), e =>
        {
            Assert.Equal("tri", e.Text);
            Assert.NotEqual(0, e.WordsPerMinute!.Value % 3);
        });
        var failing = new FakeSource("festival-it", ["lp"], "it", fails: (text, _) => text == "tri");
        var error = Assert.Throws<OnnxAudioException>(() => new CorpusGenerator(new SpeechSet([(failing, 1.0)], seed: 1, heldOut: []), new CorpusOptions
        {
            OutputDirectory = Path.Combine(_root, "failing"), Seed = 1, RepetitionsPerWord = 1, UnknownPerVoice = 0, SilencePerVoice = 0,
            AccentedKeywords = true, Parallelism = 1,
        }).GenerateKeywordSpotting());
        Assert.Contains("tri", error.Message);
    }

    [Fact]
    public void Every_accented_language_respells_every_keyword_differently()
    {
        foreach (string language in AccentedKeywords.Languages)
        {
            string[] row = CorpusGenerator.Keywords.Select(k => AccentedKeywords.Of(language, k)!).ToArray();
            Assert.All(row, w => Assert.False(string.IsNullOrWhiteSpace(w)));
            Assert.Equal(row.Length, row.Distinct().Count());
        }

        Assert.Null(AccentedKeywords.Of("en", "yes"));
        Assert.Throws<ArgumentException>(() => AccentedKeywords.Of("it", "maybe"));
    }

    [RequiresToolFact("flite")]
    public void Flite_speaks_both_allowed_voices_distinctly_and_slower_when_asked()
    {
        FliteSynthesizer flite = FliteSynthesizer.Find();
        Assert.Equal(["flite/awb", "flite/rms"], flite.Speakers.Select(s => s.Id));
        float[] awb = flite.Speak("seven left", flite.Speakers[0], 170, 50), rms = flite.Speak("seven left", flite.Speakers[1], 170, 50);
        Assert.InRange(awb.Length / 16000.0, 0.5, 2.5);
        Assert.False(awb.AsSpan().SequenceEqual(rms));
        Assert.True(flite.Speak("seven left", flite.Speakers[0], 85, 50).Length > 1.5 * awb.Length);
    }

    [Trait("Category", "Slow")]
    [RequiresToolFact("text2wave")]
    public void Festival_sessions_give_the_same_samples_as_one_text2wave_call_per_clip()
    {
        // The reference is text2wave itself, one process per clip (how the corpora were made before sessions).
        using FestivalSynthesizer festival = FestivalSynthesizer.Find();
        Speaker ked = Assert.Single(festival.Speakers, s => s.Language == "en");
        (string Text, int Wpm)[] clips = [("left", 200), ("The quick brown fox. It jumps over 12 dogs!", 120), ("go", 160), ("left", 200)];
        Directory.CreateDirectory(_root);
        foreach (var (text, wpm) in clips)
        {
            string textFile = Path.Combine(_root, "t.txt"), wav = Path.Combine(_root, "t.wav");
            File.WriteAllText(textFile, text);
            var start = new ProcessStartInfo("text2wave") { RedirectStandardError = true };
            foreach (string arg in new[] { "-eval", "(voice_ked_diphone)", "-eval",
                         FormattableString.Invariant($"(Parameter.set 'Duration_Stretch {Math.Clamp(160.0 / wpm, 0.5, 2.0):0.###})"), textFile, "-o", wav })
                start.ArgumentList.Add(arg);
            using (var process = Process.Start(start)!)
                process.WaitForExit();
            Assert.Equal(AudioFile.ReadMono(wav, 16000), festival.Speak(text, ked, wpm, 50));
        }
    }

    [Trait("Category", "Slow")]
    [RequiresToolFact("text2wave")]
    public void Festival_speaks_english_and_reads_other_languages_in_their_encoding()
    {
        using FestivalSynthesizer festival = FestivalSynthesizer.Find();
        Speaker ked = Assert.Single(festival.Speakers, s => s.Language == "en");
        Assert.InRange(festival.Speak("seven left", ked, 160, 50).Length / 16000.0, 0.5, 2.5);
        if (festival.Speakers.FirstOrDefault(s => s.Language == "cs") is Speaker czech)
        {
            // Read as UTF-8, Czech diacritics become several letters each and the speech gets longer.
            float[] words = festival.Speak("dobrý den, jak se máte", czech, 160, 50);
            Assert.InRange(words.Length / 16000.0, 0.8, 3.0);
        }
    }

    [Trait("Category", "Slow")]
    [RequiresToolFact("espeak-ng", "ffmpeg")]
    public void Recordings_are_found_by_package_layout_cleaned_cached_and_split_into_a_corpus()
    {
        var espeak = EspeakSynthesizer.Find();
        string tux = Path.Combine(_root, "tuxpaint"), hedge = Path.Combine(_root, "hedgewars");
        string[] words = ["apple tree", "a small red car", "the quiet river", "seven birds"];
        for (int i = 0; i < words.Length; i++)
        {
            Ogg(espeak.Speak(words[i], "en-us"), Path.Combine(tux, "animals", $"thing{i}_desc.ogg"));
            Ogg(espeak.Speak(words[i], "fr"), Path.Combine(tux, "plants", $"thing{i}_desc_fr.ogg"));
            Ogg(espeak.Speak(words[i], "en+m3"), Path.Combine(hedge, "Pirate", $"Word{i}.ogg"));
            Ogg(espeak.Speak(words[i], "en+f2"), Path.Combine(hedge, "Singer", $"Word{i}.ogg"));
        }

        // A held note after a quiet lead-in (so that only the tonal rule applies).
        Ogg(Signals.Sine(440, 16000, 32000, 0.3).Select((v, i) => i < 8000 ? v * 1e-3f : v).ToArray(), Path.Combine(hedge, "Singer", "Note.ogg"));
        Ogg(espeak.Speak("ha ha ha", "en"), Path.Combine(hedge, "Pirate", "Laugh.ogg"));

        RecordedSpeech tuxpaint = RecordedSpeech.FindTuxpaint(tux), hedgewars = RecordedSpeech.FindHedgewars(hedge);
        string cache = Path.Combine(_root, "cache");
        RecordedSpeechSummary tuxSummary = tuxpaint.Prepare(cache, minimumClips: 2);
        RecordedSpeechSummary hedgeSummary = hedgewars.Prepare(cache, minimumClips: 2);
        Assert.Equal(["tuxpaint/en", "tuxpaint/fr"], tuxpaint.Speakers.Select(s => s.Id));
        Assert.Equal(8, tuxSummary.Kept);
        Assert.Equal(10, hedgeSummary.Files);
        Assert.Equal(8, hedgeSummary.Kept);
        Assert.Equal(1, hedgeSummary.RejectedByRule["not a word"]);
        Assert.Equal(1, hedgeSummary.RejectedByRule["tonal"]);
        Assert.All(tuxpaint.ClipsOf(tuxpaint.Speakers[0]), c => Assert.Equal(0.891, AudioFile.ReadMono(c, 16000).Max(MathF.Abs), 2));
        // Cached as cleaned 16 kHz WAVs, and verdicts for the clips left out: a second preparation keeps the same clips.
        Assert.Equal(8, Directory.GetFiles(Path.Combine(cache, "hedgewars"), "*.wav").Length);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(cache, "hedgewars"), "*.rejected").Length);
        var before = hedgewars.Speakers.SelectMany(hedgewars.ClipsOf).ToArray();
        Assert.Equal(8, hedgewars.Prepare(cache, minimumClips: 2).Kept);
        Assert.Equal(before, hedgewars.Speakers.SelectMany(hedgewars.ClipsOf));

        var set = new SpeechSet([(espeak.WithVoices(["en", "en-us", "en-029"]), 1.0), (hedgewars, 1.0)], seed: 2);
        var generator = new CorpusGenerator(set, new CorpusOptions
        {
            OutputDirectory = Path.Combine(_root, "codec"), Seed = 2, SentencesPerVoice = 1, RecordedPerSpeaker = 2,
            RecordedSummaries = [hedgeSummary], PeakLevelDbfs = (-40, -1),
        });
        var entries = generator.GenerateCodec();
        Assert.Equal(3 + 2 * 2, entries.Count);
        foreach (ManifestEntry e in entries)
        {
            Assert.NotNull(e.Source);
            Assert.Equal($"{e.Source}/{e.Voice}", e.Speaker);
            Assert.Equal("en", e.Language);
            double peak = 20 * Math.Log10(AudioFile.ReadMono(Path.Combine(_root, "codec", e.Path), 16000).Max(MathF.Abs));
            Assert.InRange(peak, -40.1, -0.9);
            if (e.Source == "hedgewars")
                Assert.All(e.Clips!, c => Assert.StartsWith(e.Voice + "/Word", c));
        }

        foreach (var speaker in entries.GroupBy(e => e.Speaker))
            Assert.Single(speaker.Select(e => e.Split).Distinct());

        // The same seed writes the same bytes, recordings included.
        new CorpusGenerator(set, new CorpusOptions
        {
            OutputDirectory = Path.Combine(_root, "codec-again"), Seed = 2, SentencesPerVoice = 1, RecordedPerSpeaker = 2,
            RecordedSummaries = [hedgeSummary], PeakLevelDbfs = (-40, -1),
        }).GenerateCodec();
        string Digest(string name) => string.Join(",", Directory.GetFiles(Path.Combine(_root, name), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(_root, name), f)).Order(StringComparer.Ordinal)
            .Select(f => f + ":" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(_root, name, f))))));
        Assert.Equal(Digest("codec"), Digest("codec-again"));
        JsonNode summary = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "codec", CorpusSummary.FileName)))!;
        JsonNode hedgeNode = summary["sources"]!.AsArray().Single(s => (string)s!["source"]! == "hedgewars")!;
        Assert.Equal(1, (int)hedgeNode["removed_by_rule"]!["tonal"]!);
        Assert.Contains("singing", (string)hedgeNode["cleaning_rule"]!);
    }

    /// <summary>Writes <paramref name="samples"/> as a 44.1 kHz stereo Ogg Vorbis file, the format of the packages' recordings.</summary>
    [Trait("Category", "Slow")]
    [RequiresToolFact("espeak-ng", "ffmpeg")]
    public void Distinct_recordings_leave_out_repeated_audio_but_keep_the_speakers()
    {
        var espeak = EspeakSynthesizer.Find();
        string tux = Path.Combine(_root, "tux-distinct");
        string[] words = ["apple tree", "a small red car", "the quiet river"];
        for (int i = 0; i < words.Length; i++)
            Ogg(espeak.Speak(words[i], "lt"), Path.Combine(tux, "letters", $"letter{i}_desc_lt.ogg"));
        // The same recording filed under two more stamps (as Tux Paint does for a letter's variants), and another take
        // of a word already there (another voice): only repeated audio goes.
        File.Copy(Path.Combine(tux, "letters", "letter0_desc_lt.ogg"), Path.Combine(tux, "letters", "letter0-outline_desc_lt.ogg"));
        File.Copy(Path.Combine(tux, "letters", "letter0_desc_lt.ogg"), Path.Combine(tux, "letters", "letter0-upper_desc_lt.ogg"));
        Ogg(espeak.Speak(words[1], "lt+f2"), Path.Combine(tux, "letters", "letter1-outline_desc_lt.ogg"));

        string cache = Path.Combine(_root, "cache-distinct");
        RecordedSpeech all = RecordedSpeech.FindTuxpaint(tux), distinct = RecordedSpeech.FindTuxpaint(tux);
        RecordedSpeechSummary every = all.Prepare(cache, minimumClips: 2);
        RecordedSpeechSummary unique = distinct.Prepare(cache, minimumClips: 2, distinct: true);
        Assert.Equal(6, every.Kept);
        Assert.Equal(4, unique.Kept);
        Assert.Equal(2, unique.RejectedByRule["duplicate recording"]);
        Assert.False(every.RejectedByRule.ContainsKey("duplicate recording"));
        Assert.Equal(all.Speakers, distinct.Speakers);
        string[] kept = distinct.ClipsOf(distinct.Speakers[0]).Select(c => AudioFile.ReadMono(c, 16000)).Select(x => string.Join(",", x.Take(4000))).ToArray();
        Assert.Equal(kept.Length, kept.Distinct().Count());
    }

    internal static void Ogg(float[] samples, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string wav = path + ".wav";
        AudioFile.WriteMono(wav, samples, 16000);
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-nostdin", "-v", "error", "-y", "-i", wav, "-c:a", "libvorbis", "-ar", "44100", "-ac", "2", path })
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        File.Delete(wav);
        Assert.True(p.ExitCode == 0, error);
    }

    /// <summary>A synthesizer whose every utterance is a short tone (optionally failing on some texts and speeds); it records what it said.</summary>
    private sealed class FakeSource(string name, string[] voices, string language, Func<string, int, bool>? fails = null) : ISpeechSynthesizer
    {
        private int _failures;

        public System.Collections.Concurrent.ConcurrentBag<string> Said { get; } = [];

        public int Failures => _failures;

        public string Name => name;

        public IReadOnlyList<Speaker> Speakers { get; } = voices.Select(v => new Speaker(name, v, language)).ToArray();

        public float[] Speak(string text, Speaker speaker, int wordsPerMinute, int pitch)
        {
            if (fails?.Invoke(text, wordsPerMinute) == true)
            {
                Interlocked.Increment(ref _failures);
                throw new OnnxAudioException($"speaking '{text}' with voice {speaker.Name} failed");
            }

            Said.Add(text);
            float[] burst = Signals.Sine(200 + text.Length * 10, 16000, 8000, 0.3);
            return [.. new float[2000], .. burst, .. new float[2000]];
        }
    }

    private sealed class FakeRecordings(string name, string[] speakers) : ISpeechSource
    {
        public string Name => name;

        public IReadOnlyList<Speaker> Speakers { get; } = speakers.Select(v => new Speaker(name, v, "en")).ToArray();
    }
}
