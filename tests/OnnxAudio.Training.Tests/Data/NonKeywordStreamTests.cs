using System.Text.Json.Nodes;
using OnnxAudio.Audio;
using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Training.Data;

namespace OnnxAudio.Training.Tests.Data;

public sealed class NonKeywordStreamTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "onnxaudio-stream-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    [Trait("Category", "Slow")]
    [RequiresToolFact("espeak-ng", "ffmpeg")]
    public void Writes_the_length_asked_for_at_the_snr_asked_for_from_every_clip_but_keyword_phrases()
    {
        var espeak = EspeakSynthesizer.Find();
        string hedge = Path.Combine(_root, "hedgewars");
        string[] words = ["apple tree", "a small red car", "the quiet river", "seven birds"];
        for (int i = 0; i < words.Length; i++)
        {
            SpeechSourceTests.Ogg(espeak.Speak(words[i], "en+m3"), Path.Combine(hedge, "Pirate", $"Word{i}.ogg"));
            SpeechSourceTests.Ogg(espeak.Speak(words[i], "en+f2"), Path.Combine(hedge, "Singer", $"Word{i}.ogg"));
        }

        // A phrase that says a keyword ("yes"): a real recording, but never part of a non-keyword stream.
        SpeechSourceTests.Ogg(espeak.Speak("yes sir", "en+m3"), Path.Combine(hedge, "Pirate", "Yessir.ogg"));
        RecordedSpeech hedgewars = RecordedSpeech.FindHedgewars(hedge);
        Assert.Equal(9, hedgewars.Prepare(Path.Combine(_root, "cache"), minimumClips: 2).Kept);

        // White noise in every split's folder of a 'data noise' layout.
        string noise = Path.Combine(_root, "noise");
        var random = new Random(3);
        foreach (string split in new[] { "train", "validation", "test" })
        {
            Directory.CreateDirectory(Path.Combine(noise, split));
            AudioFile.WriteMono(Path.Combine(noise, split, "white.wav"),
                Enumerable.Range(0, 5 * 16000).Select(_ => (float)(random.NextDouble() - 0.5) * 0.2f).ToArray(), 16000);
        }

        var set = new SpeechSet([(hedgewars, 1.0)], seed: 1);
        Split[] all = [Split.Train, Split.Validation, Split.Test];
        string path = Path.Combine(_root, "streams", "stream.wav");   // a folder that does not exist yet
        NonKeywordStream.Summary summary = NonKeywordStream.Write(path, set, all, minutes: 1.5, noise, snrDb: 10, seed: 1);

        float[] x = AudioFile.ReadMono(path, 16000);
        Assert.Equal(90 * 16000, x.Length);
        Assert.True(x.Max(MathF.Abs) <= 0.991f);
        Assert.Equal(2, summary.Speakers);
        Assert.Equal(8, summary.DistinctClips);   // every word, never "Yessir"
        Assert.True(summary.Clips > 8);

        // The first clip starts 0.3 s in at the earliest: that stretch is noise alone. Over the whole track the speech
        // is 10 dB above the noise, so the track's power is 1 + 10 times the noise's.
        double noisePower = x.Take(4800).Average(v => (double)v * v), total = x.Average(v => (double)v * v);
        Assert.InRange(total / noisePower, 9.5, 12.5);
        JsonNode json = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(path, ".json")))!;
        Assert.Equal(summary.Clips, (int)json["Clips"]!);

        var noNoise = Assert.Throws<OnnxAudioException>(() =>
            NonKeywordStream.Write(Path.Combine(_root, "x.wav"), set, all, 0.1, Path.Combine(_root, "missing"), 10, 1));
        Assert.Contains("missing", noNoise.Message);
        var noSpeakers = Assert.Throws<OnnxAudioException>(() =>
            NonKeywordStream.Write(Path.Combine(_root, "x.wav"), new SpeechSet([(espeak.WithVoices(["en", "en-us", "en-029"]), 1.0)], seed: 1), all, 0.1, noise, 10, 1));
        Assert.Contains("no recorded speakers", noSpeakers.Message);
    }
}
