using System.Text.Json;
using OnnxAudio.Audio;

namespace OnnxAudio.Cli.Tests;

/// <summary>'onnxaudio recognize' and 'eval classify' with the committed tone classifier (sine, square, sawtooth, noise burst).</summary>
public sealed class RecognizeCommandTests : IDisposable
{
    private static readonly string[] Labels = ["sine", "square", "sawtooth", "noise_burst"];
    private readonly TempFolder _temp = new();
    private readonly string _model = TestModels.Tones;

    private string Folder => _temp.Path;

    private static (int Code, string Out, string Error) Run(params string[] args) => CliRunner.Run(args);

    /// <summary>Clip i: class i mod 4 at a pitch between 200 and 1,600 Hz.</summary>
    private static float[] Clip(int i, int seed) => Signals.ToneClass(Labels[i % 4], 200 * Math.Pow(2, (i * 7 % 10) * 0.3), seed);

    public void Dispose() => _temp.Dispose();

    /// <summary>A folder per label of <paramref name="count"/> clips (16 kHz mono, or 48 kHz stereo).</summary>
    private string WriteClips(int count, int seed, bool stereo48k)
    {
        string clips = Path.Combine(Folder, "clips-" + Guid.NewGuid().ToString("N"));
        for (int i = 0; i < count; i++)
        {
            string file = Path.Combine(clips, Labels[i % 4], $"{i}.wav");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            float[] clip = Clip(i, seed + i);
            if (stereo48k)
                AudioFile.Write(file, Resampler.Resample(clip, 16000, 48000).SelectMany(v => new[] { v, v }).ToArray(), new AudioFormat(48000, 2));
            else
                AudioFile.WriteMono(file, clip, 16000);
        }

        return clips;
    }

    [Fact]
    public void Classifies_a_folder_of_clips_as_json_lines_and_eval_scores_them()
    {
        // 48 kHz stereo files: the command converts them for the model.
        string clips = WriteClips(24, 1000, stereo48k: true);

        var (code, output, error) = Run("recognize", clips, "--model", _model, "--json", "--top", "2", "--jobs", "2");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(24, lines.Length);
        int correct = 0;
        foreach (string line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            string file = doc.RootElement.GetProperty("file").GetString()!;
            Assert.Equal(2, doc.RootElement.GetProperty("top").GetArrayLength());
            Assert.InRange(doc.RootElement.GetProperty("score").GetDouble(), 0, 1);
            if (doc.RootElement.GetProperty("label").GetString() == Path.GetFileName(Path.GetDirectoryName(file)))
                correct++;
        }

        Assert.True(correct >= 18, $"{correct} of 24 right");
        string predictions = Path.Combine(Folder, "p.jsonl");
        File.WriteAllText(predictions, output);
        var (evalCode, evalOutput, _) = Run("eval", "classify", "--predictions", predictions);
        Assert.Equal(0, evalCode);
        Assert.Contains(FormattableString.Invariant($"accuracy {100.0 * correct / 24:0.00}%"), evalOutput);

        // The same figure when eval runs the model itself over the folder.
        var (direct, directOutput, _) = Run("eval", "classify", "--model", _model, "--data", clips);
        Assert.Equal(0, direct);
        Assert.Contains(FormattableString.Invariant($"24 files, accuracy {100.0 * correct / 24:0.00}%"), directOutput);
    }

    [Fact]
    public void Eval_with_noise_is_reproducible_and_degrades_with_the_snr()
    {
        string clips = WriteClips(40, 2000, stereo48k: false);

        double Accuracy(string snr, string noise = "mixed")
        {
            var (code, output, error) = Run("eval", "classify", "--model", _model, "--data", clips, "--snr", snr, "--noise", noise);
            Assert.True(code == 0, error);
            Assert.Contains($"noise at {snr} dB SNR", output);
            string figure = output.Split("accuracy ")[1].Split('%')[0];
            return double.Parse(figure, System.Globalization.CultureInfo.InvariantCulture);
        }

        double high = Accuracy("30");
        Assert.Equal(high, Accuracy("30"));
        Assert.True(high >= 90, $"{high}% at 30 dB");
        Assert.True(Accuracy("-30", "white") < high, "at −30 dB white noise the classifier must do worse than at 30 dB");
    }

    [Fact]
    public void Streaming_reports_events_at_their_times()
    {
        // 8 s of quiet noise with a sawtooth at 2-2.5 s and a square wave at 5-5.5 s.
        var r = new Random(7);
        float[] audio = Enumerable.Range(0, 8 * 16000).Select(_ => (float)(0.002 * (r.NextDouble() - 0.5))).ToArray();
        for (int i = 0; i < 8000; i++)
        {
            double p = 220.0 * i / 16000;
            audio[32000 + i] += (float)(0.4 * (2 * (p - Math.Floor(p)) - 1));
            audio[80000 + i] += (float)(0.4 * (p - Math.Floor(p) < 0.5 ? 1 : -1));
        }

        string file = Path.Combine(Folder, "long.wav");
        AudioFile.WriteMono(file, audio, 16000);
        var (code, output, _) = Run("recognize", file, "--model", _model, "--stream", "--json", "--threshold", "0.5");
        Assert.Equal(0, code);
        var events = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(events, e => e.GetProperty("label").GetString() == "sawtooth" && e.GetProperty("start").GetDouble() <= 2.5 && e.GetProperty("end").GetDouble() >= 2.0);
        Assert.Contains(events, e => e.GetProperty("label").GetString() == "square" && e.GetProperty("start").GetDouble() <= 5.5 && e.GetProperty("end").GetDouble() >= 5.0);
    }

    [Fact]
    public void Bad_inputs_are_user_errors()
    {
        var (code, _, error) = Run("recognize", Path.Combine(Folder, "missing.wav"), "--model", _model);
        Assert.Equal(1, code);
        Assert.Contains("no such file", error);
        string notAudio = Path.Combine(Folder, "x.wav");
        File.WriteAllText(notAudio, "text");
        (code, _, error) = Run("recognize", notAudio, "--model", _model);
        Assert.Equal(1, code);
        Assert.Contains("not a WAV file", error);
    }
}
