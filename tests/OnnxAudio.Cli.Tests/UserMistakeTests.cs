using OnnxAudio.Audio;

namespace OnnxAudio.Cli.Tests;

/// <summary>User mistakes that used to end in exit 70 ("internal error"), a hang or an out-of-memory: each is now one clear line and exit 1.</summary>
public class UserMistakeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Clip()
    {
        string path = _folder.File("clip.wav");
        AudioFile.WriteMono(path, new float[16000].Select((_, i) => (float)(0.1 * Math.Sin(i * 0.05))).ToArray(), 16000);
        return path;
    }

    [Theory]
    [InlineData("5")]
    [InlineData("-1")]
    [InlineData("0")]
    public void A_threshold_outside_0_to_1_is_refused(string threshold)
    {
        var (code, _, error) = CliRunner.Run("recognize", Clip(), "--stream", "--threshold", threshold);
        Assert.Equal(1, code);
        Assert.Contains("--threshold", error);
    }

    [Fact]
    public void A_malformed_predictions_line_names_the_file_and_line()
    {
        string predictions = _folder.File("p.jsonl");
        File.WriteAllLines(predictions, ["{\"file\": \"yes/a.wav\", \"label\": \"yes\"}", "{not json", ""]);
        var (code, _, error) = CliRunner.Run("eval", "classify", "--predictions", predictions);
        Assert.Equal(1, code);
        Assert.Contains("p.jsonl:2", error);
        File.WriteAllLines(predictions, ["{\"file\": 3, \"label\": \"yes\"}"]);
        (code, _, error) = CliRunner.Run("eval", "classify", "--predictions", predictions);
        Assert.Equal(1, code);
        Assert.Contains("p.jsonl:1", error);
    }

    [Fact]
    public void Absurd_thread_counts_are_refused_before_any_thread_is_made()
    {
        var (code, _, error) = CliRunner.Run("recognize", Clip(), "--threads", "100000");
        Assert.Equal(1, code);
        Assert.Contains("--threads must lie between 0", error);
    }

    [Fact]
    public async Task A_device_or_an_empty_file_as_model_is_refused_without_reading_it()
    {
        string clip = Clip();
        foreach (string model in new[] { "/dev/zero", _folder.Write("empty.onnx", []) })
        {
            var run = Task.Run(() => CliRunner.Run("recognize", clip, "--model", model));
            var (code, _, error) = await run.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(1, code);
            Assert.Contains("not a regular file", error);
        }
    }

    [Fact]
    public void A_model_cache_that_cannot_be_written_is_an_error()
    {
        string blocker = _folder.Write("a-file", [1]);
        var (code, _, error) = CliRunner.Run("recognize", Clip(), "--model-cache", Path.Combine(blocker, "cache"));
        Assert.Equal(1, code);
        Assert.Contains("--model-cache folder cannot be written", error);
    }

    [Fact]
    public void Aligning_a_file_shorter_than_the_search_window_is_an_input_problem_not_a_crash()
    {
        string tiny = _folder.File("tiny.wav");
        AudioFile.WriteMono(tiny, new float[100].Select((_, i) => (float)Math.Sin(i)).ToArray(), 16000);
        var (code, _, error) = CliRunner.Run("eval", "pairs", "--reference", tiny, "--estimate", tiny, "--align");
        Assert.Equal(1, code);
        Assert.DoesNotContain("internal error", error);
        Assert.Contains("tiny.wav", error);
    }

    [Fact]
    public void Convert_creates_a_missing_output_folder_like_the_other_commands()
    {
        string output = _folder.File("new/deeper/out.wav");
        var (code, _, error) = CliRunner.Run("convert", Clip(), output);
        Assert.True(code == 0, error);
        Assert.Equal(16000, AudioFile.ReadMono(output, 16000).Length);
    }

    [Fact]
    public void The_demo_refuses_a_folder_that_holds_files_already()
    {
        string mine = _folder.Write("keep.txt", [42]);
        var (code, _, error) = CliRunner.Run("demo", "--out", _folder.Path);
        Assert.Equal(1, code);
        Assert.Contains("is not empty", error);
        Assert.Equal([42], File.ReadAllBytes(mine));
    }

    [Fact]
    public void Recognize_reads_only_the_middle_second_of_a_long_file_and_classifies_it_as_the_engine_does()
    {
        // A shipped keyword clip in the middle of 41 s of near-silence: the CLI skips to the middle in constant memory.
        float[] word = AudioFile.ReadMono(ShippedFiles.Path("samples/kws/seven_en-gb-x-rp_Andy.wav"), 16000);
        var random = new Random(1);
        float[] longFile = Enumerable.Range(0, 16000 * 41).Select(_ => (float)(1e-3 * (random.NextDouble() - 0.5))).ToArray();
        word.CopyTo(longFile, (longFile.Length - word.Length) / 2);
        string path = _folder.File("long.wav");
        AudioFile.WriteMono(path, longFile, 16000);
        using var classifier = Recognition.AudioClassifier.Load(ShippedFiles.Path("kws.onnx"));
        var expected = classifier.Classify(AudioFile.ReadMono(path, 16000));
        var (code, output, error) = CliRunner.Run("recognize", path, "--json");
        Assert.True(code == 0, error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(expected.Label, doc.RootElement.GetProperty("label").GetString());
        Assert.InRange(doc.RootElement.GetProperty("score").GetDouble(), expected.Score - 1e-4, expected.Score + 1e-4);
        Assert.Equal("seven", expected.Label);
    }

    [Fact]
    public void A_float_wav_with_absurd_samples_is_refused_instead_of_scored_nan()
    {
        string path = _folder.File("absurd.wav");
        AudioFile.WriteMono(path, Enumerable.Range(0, 16000).Select(i => (float)(1e17 * Math.Sin(i * 0.1))).ToArray(), 16000,
            new WavWriterOptions { Encoding = WavSampleEncoding.Float32 });
        foreach (string[] extra in new[] { Array.Empty<string>(), ["--json"] })
        {
            var (code, output, error) = CliRunner.Run(["recognize", path, .. extra]);
            Assert.Equal(1, code);
            Assert.Contains("absurd.wav: samples are not finite or far beyond full scale", error);
            Assert.DoesNotContain("NaN", output);
        }
    }
}
