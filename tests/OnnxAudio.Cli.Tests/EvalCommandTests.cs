using System.Text.Json;
using OnnxAudio.Audio;

namespace OnnxAudio.Cli.Tests;

public class EvalCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static float[] Tone(int n) =>
        Enumerable.Range(0, n).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 300 * i / 16000) * (1 + 0.5 * Math.Sin(2 * Math.PI * 3 * i / 16000)))).ToArray();

    private string Write(string relative, float[] samples)
    {
        string path = _folder.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AudioFile.WriteMono(path, samples, 16000, new WavWriterOptions { Encoding = WavSampleEncoding.Float32 });
        return path;
    }

    /// <summary>The clean signal plus seeded uniform noise scaled to an exact SNR (dB).</summary>
    private static Func<double, float[]> MixtureAt(float[] clean, int seed)
    {
        var r = new Random(seed);
        float[] noise = clean.Select(_ => (float)(r.NextDouble() - 0.5)).ToArray();
        double ps = clean.Average(v => (double)v * v), pn = noise.Average(v => (double)v * v);
        return snr => clean.Zip(noise, (c, n) => (float)(c + n * Math.Sqrt(ps / (pn * Math.Pow(10, snr / 10))))).ToArray();
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Pairs_report_the_snr_they_were_made_with_and_the_improvement_over_the_input()
    {
        float[] clean = Tone(32000);
        Func<double, float[]> mixtureAt = MixtureAt(clean, seed: 1);
        Write("ref/a.wav", clean);
        Write("est/a.wav", mixtureAt(15));
        Write("in/a.wav", mixtureAt(3));
        string json = _folder.File("report.json");
        var (code, output, error) = CliRunner.Run("eval", "pairs", "--reference", _folder.File("ref"), "--estimate", _folder.File("est"),
            "--input", _folder.File("in"), "--json", json, "--plots", _folder.File("plots"));
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("processed", output);
        // Spectrograms of the reference, the input and the processed audio; PNG signature first.
        foreach (string panel in new[] { "reference", "input", "processed" })
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(_folder.File($"plots/a-{panel}.png"))[..4]);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(15.0, doc.RootElement.GetProperty("mean").GetProperty("snr").GetDouble(), 3);
        Assert.Equal(3.0, doc.RootElement.GetProperty("input_mean").GetProperty("snr").GetDouble(), 3);
        Assert.True(doc.RootElement.GetProperty("mean").GetProperty("stoi").GetDouble() > doc.RootElement.GetProperty("input_mean").GetProperty("stoi").GetDouble());
        // DNSMOS beside the reference metrics: the background is judged less intrusive at 15 dB than at 3 dB.
        Assert.Contains("dnsmos_ovrl", output);
        Assert.True(doc.RootElement.GetProperty("mean").GetProperty("dnsmos_bak").GetDouble() > doc.RootElement.GetProperty("input_mean").GetProperty("dnsmos_bak").GetDouble());
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Quality_scores_files_without_a_reference_and_names_a_file_it_cannot_read()
    {
        // A shipped pair: speech of a held-out voice, clean and in white noise at 5 dB.
        string pair = ShippedFiles.Path("samples/speech/en-029_Henrique_0004_white_5dB_clean.wav")[..^"clean.wav".Length];
        Directory.CreateDirectory(_folder.File("q"));
        File.Copy(pair + "clean.wav", _folder.File("q/clean.wav"));
        File.Copy(pair + "noisy.wav", _folder.File("q/noisy.wav"));
        string json = _folder.File("quality.json");
        var (code, output, _) = CliRunner.Run("eval", "quality", _folder.File("q"), "--json", json);
        Assert.Equal(0, code);
        Assert.Contains("mean of 2 files", output);
        using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
        {
            var scores = doc.RootElement.GetProperty("scores").EnumerateArray().ToDictionary(e => Path.GetFileName(e.GetProperty("file").GetString()!), e => e);
            Assert.True(scores["clean.wav"].GetProperty("bak").GetDouble() > scores["noisy.wav"].GetProperty("bak").GetDouble() + 1);
            Assert.True(scores["clean.wav"].GetProperty("ovrl").GetDouble() > scores["noisy.wav"].GetProperty("ovrl").GetDouble());
            foreach (var s in scores.Values)
                Assert.InRange(s.GetProperty("ovrl").GetDouble(), 1, 5);
        }

        File.WriteAllText(_folder.File("q/broken.wav"), "not audio");
        var (badCode, _, error) = CliRunner.Run("eval", "quality", _folder.File("q"));
        Assert.Equal(1, badCode);
        Assert.Contains("broken.wav", error);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Manifest_breaks_results_down_by_input_snr_and_by_noise_source()
    {
        // Four pairs with known SNRs: input and "processed" mixtures of the same clean tone and white noise.
        float[] clean = Tone(32000);
        Func<double, float[]> mixtureAt = MixtureAt(clean, seed: 2);
        var lines = new List<string>();
        foreach (var (name, snr, noiseType, source, processed) in new[]
        {
            ("a", 0, "white", (string?)null, 12.0), ("b", 0, "file", "hall.wav", 6.0), ("c", 5, "white", null, 20.0), ("d", 5, "file", "hall.wav", 9.0),
        })
        {
            Write($"corpus/test/clean/{name}.wav", clean);
            Write($"corpus/test/noisy/{name}.wav", mixtureAt(snr));
            Write($"out/test/noisy/{name}.wav", mixtureAt(processed));
            lines.Add(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["path"] = $"test/noisy/{name}.wav", ["split"] = "test", ["clean_path"] = $"test/clean/{name}.wav",
                ["snr_db"] = snr, ["noise_type"] = noiseType, ["noise_source"] = source,
            }));
        }

        File.WriteAllLines(_folder.File("corpus/manifest.jsonl"), lines);
        string json = _folder.File("manifest.json");
        var (code, output, _) = CliRunner.Run("eval", "manifest", "--corpus", _folder.File("corpus"), "--split", "test", "--estimate", _folder.File("out"), "--json", json);
        Assert.Equal(0, code);
        Assert.Contains("file:hall", output);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var bySnr = doc.RootElement.GetProperty("by_snr").EnumerateArray().ToDictionary(e => e.GetProperty("snr_db").GetDouble());
        Assert.Equal(9.0, bySnr[0].GetProperty("snr").GetDouble(), 2);            // (12 + 6) / 2
        Assert.Equal(0.0, bySnr[0].GetProperty("snr_input").GetDouble(), 2);
        Assert.Equal(14.5, bySnr[5].GetProperty("snr").GetDouble(), 2);           // (20 + 9) / 2
        var byNoise = doc.RootElement.GetProperty("by_noise").EnumerateArray().ToDictionary(e => e.GetProperty("noise").GetString()!);
        Assert.Equal(["file:hall", "white"], byNoise.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(7.5, byNoise["file:hall"].GetProperty("snr").GetDouble(), 2);  // (6 + 9) / 2
        Assert.Equal(2.5, byNoise["white"].GetProperty("snr_input").GetDouble(), 2); // (0 + 5) / 2
        Assert.Equal(2, byNoise["white"].GetProperty("pairs").GetInt32());
        Assert.Equal(20.0, doc.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == "test/noisy/c.wav").GetProperty("snr").GetDouble(), 2);
    }

    [Fact]
    public void Align_finds_and_removes_a_peer_delay()
    {
        float[] clean = Tone(32000);
        float[] late = new float[32000 + 400];
        clean.CopyTo(late, 400);
        Write("ref/x.wav", clean);
        Write("est/x.wav", late);
        string json = _folder.File("r.json");
        Assert.Equal(0, CliRunner.Run("eval", "pairs", "--reference", _folder.File("ref"), "--estimate", _folder.File("est"), "--align", "--json", json).ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement file = doc.RootElement.GetProperty("files")[0];
        Assert.Equal(400, file.GetProperty("delay_samples").GetInt32());
        Assert.True(file.GetProperty("si_sdr").GetDouble() > 60);
    }

    [Fact]
    public void Classify_scores_predictions_against_folder_labels()
    {
        string predictions = _folder.File("p.jsonl");
        File.WriteAllLines(predictions,
        [
            """{"file":"data/yes/1.wav","label":"yes","score":0.9}""",
            """{"file":"data/yes/2.wav","label":"no","score":0.6}""",
            """{"file":"data/no/1.wav","label":"no","score":0.8}""",
            """{"file":"data/bed/1.wav","label":"_unknown_","score":0.7}""",
        ]);
        string json = _folder.File("c.json");
        var (code, output, _) = CliRunner.Run("eval", "classify", "--predictions", predictions, "--keywords", "yes", "no", "--json", json, "--plots", _folder.File("plots"));
        Assert.Equal(0, code);
        Assert.Contains("accuracy 75.00%", output);
        Assert.True(new FileInfo(_folder.File("plots/confusion-matrix.png")).Length > 1000);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(0.75, doc.RootElement.GetProperty("accuracy").GetDouble(), 9);
    }

    [Fact]
    public void Classify_reports_the_calibration_of_the_scores()
    {
        // Four predictions at 0.9, three right: accuracy 0.75 against confidence 0.9 → ECE 0.15.
        string predictions = _folder.File("scored.jsonl");
        File.WriteAllLines(predictions,
        [
            "{\"file\": \"yes/a.wav\", \"label\": \"yes\", \"score\": 0.9}",
            "{\"file\": \"yes/b.wav\", \"label\": \"yes\", \"score\": 0.9}",
            "{\"file\": \"no/c.wav\", \"label\": \"no\", \"score\": 0.9}",
            "{\"file\": \"no/d.wav\", \"label\": \"yes\", \"score\": 0.9}",
        ]);
        string json = _folder.File("calibration.json");
        var (code, output, error) = CliRunner.Run("eval", "classify", "--predictions", predictions, "--json", json);
        Assert.True(code == 0, error);
        Assert.Contains("expected calibration error 0.150", output);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(0.15, doc.RootElement.GetProperty("ece").GetDouble(), 9);
    }

    [Fact]
    public void Classify_scales_every_clip_to_the_asked_peak_level()
    {
        // The shipped keyword samples in label folders, at their own level and at −30 dBFS peak.
        foreach (string clip in Directory.GetFiles(ShippedFiles.Path("samples/kws")))
        {
            string label = Path.GetFileName(clip).Split('_')[0];
            Directory.CreateDirectory(_folder.File($"kws/{label}"));
            File.Copy(clip, _folder.File($"kws/{label}/{Path.GetFileName(clip)}"));
        }

        var (code, output, error) = CliRunner.Run("eval", "classify", "--model", ShippedFiles.Path("kws.onnx"), "--data", _folder.File("kws"), "--peak-level", "-30");
        Assert.True(code == 0, error);
        Assert.Contains("every clip scaled to a peak of -30 dBFS", output);
        Assert.Contains("12 files, accuracy", output);
        var (bad, _, badError) = CliRunner.Run("eval", "classify", "--model", ShippedFiles.Path("kws.onnx"), "--data", _folder.File("kws"), "--peak-level", "3");
        Assert.Equal(1, bad);
        Assert.Contains("--peak-level", badError);
    }
}
