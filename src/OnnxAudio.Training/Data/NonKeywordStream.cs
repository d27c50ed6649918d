using System.Text.Json;
using OnnxAudio.Audio;
using OnnxAudio.Evaluation;

namespace OnnxAudio.Training.Data;

/// <summary>
/// A long recording of real people saying anything but the keywords, in real noise: for measuring a keyword spotter's
/// false alarms per hour in streaming mode. Clips of the recorded speakers of the chosen splits (cleaned as for every
/// corpus) follow each other in random order with 0.3–2 s pauses, each at a random peak level over −30…−3 dBFS, until the
/// length is reached (clips repeat when the speakers have less; the summary says how often); real noise of the same
/// split, looped over random files, is mixed in at the chosen SNR over the whole track. Hedgewars phrases that contain a
/// keyword ("Hell no", "Yes sir", "Come on then", "Nooo") are left out.
/// </summary>
public static class NonKeywordStream
{
    public static readonly string[] PhrasesWithKeywords = ["Hellno", "Nooo", "Yessir", "Comeonthen"];

    public sealed record Summary(string File, double Minutes, int Clips, int DistinctClips, int Speakers, double SnrDb, string NoiseFolder, string[] SpeakerIds);

    public static Summary Write(string path, SpeechSet speech, IReadOnlyCollection<Split> splits, double minutes, string noiseFolder, double snrDb, int seed,
        CancellationToken cancellationToken = default)
    {
        var random = new Random(seed);
        var speakers = speech.Speakers.Where(s => splits.Contains(speech.SplitOf(s)) && speech.SourceOf(s) is RecordedSpeech).ToArray();
        var clips = speakers.SelectMany(s => ((RecordedSpeech)speech.SourceOf(s)).ClipsOf(s))
            .Where(c => !PhrasesWithKeywords.Any(p => Path.GetFileNameWithoutExtension(c).Contains(p, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal).ToArray();
        if (clips.Length == 0)
            throw new OnnxAudioException($"no recorded speakers in the {string.Join("/", splits)} split (give --speech tuxpaint,hedgewars)");
        long total = (long)(minutes * 60 * 16000);
        var track = new float[total];
        long at = 0;
        int used = 0;
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        while (at < total)
        {
            cancellationToken.ThrowIfCancellationRequested();
            at += (long)((0.3 + 1.7 * random.NextDouble()) * 16000);
            string clip = clips[random.Next(clips.Length)];
            float[] x = AudioFile.ReadMono(clip, 16000);
            float peak = x.Length == 0 ? 0 : x.Max(Math.Abs);
            if (peak <= 0)
                continue;
            float gain = (float)(Math.Pow(10, (-30 + 27 * random.NextDouble()) / 20) / peak);
            for (int i = 0; i < x.Length && at + i < total; i++)
                track[at + i] = gain * x[i];
            at += x.Length;
            used++;
            distinct.Add(clip);
        }

        float[] noise = NoiseTrack(noiseFolder, splits, total, random);
        float[] mixed = NoiseMixing.MixAtSnr(track, noise, snrDb);
        float max = mixed.Max(Math.Abs);
        if (max > 0.99f)
            for (int i = 0; i < mixed.Length; i++)
                mixed[i] *= 0.99f / max;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AudioFile.WriteMono(path, mixed, 16000, new WavWriterOptions { Encoding = WavSampleEncoding.Float32, Overwrite = true });
        var summary = new Summary(path, minutes, used, distinct.Count, speakers.Length, snrDb, noiseFolder, speakers.Select(s => s.Id).ToArray());
        File.WriteAllText(Path.ChangeExtension(path, ".json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
        return summary;
    }

    /// <summary>Noise files of the splits (a 'data noise' folder: one subfolder per split), looped in random order.</summary>
    private static float[] NoiseTrack(string folder, IReadOnlyCollection<Split> splits, long length, Random random)
    {
        string[] files = splits.SelectMany(s => Directory.Exists(Path.Combine(folder, s.ToString().ToLowerInvariant()))
                ? Directory.GetFiles(Path.Combine(folder, s.ToString().ToLowerInvariant()), "*.wav") : [])
            .Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
            throw new OnnxAudioException($"{folder}: no noise files for the {string.Join("/", splits)} split (make them with 'onnxaudio-train data noise')");
        var track = new float[length];
        long at = 0;
        while (at < length)
        {
            float[] n = AudioFile.ReadMono(files[random.Next(files.Length)], 16000);
            if (n.Length == 0)
                continue;
            float rms = (float)Math.Sqrt(NoiseMixing.Power(n));
            if (rms <= 0)
                continue;
            for (int i = 0; i < n.Length && at < length; i++, at++)
                track[at] = n[i] / rms * 0.1f;   // each file at the same power, so no one file dominates
        }

        return track;
    }
}
