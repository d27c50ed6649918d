using OnnxAudio.Audio;

namespace OnnxAudio.Cli.Tests;

/// <summary>'onnxaudio restore': files and folders, alignment, format conversion, and what it refuses.</summary>
/// <remarks>
/// The models are the committed untrained ones (<see cref="TestModels"/>): these tests are about the command, not quality.
/// </remarks>
public sealed class RestoreCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static (int Code, string Out, string Error) Run(params string[] args) => CliRunner.Run(args);

    private string NewFolder()
    {
        string folder = Path.Combine(_temp.Path, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public void Dispose() => _temp.Dispose();

    private static float[] Tone(int length, int rate, double amplitude = 0.3) =>
        Enumerable.Range(0, length).Select(i => (float)(amplitude * Math.Sin(2 * Math.PI * 220 * i / rate))).ToArray();

    [Fact]
    public void A_stereo_44k_file_becomes_a_mono_16k_file_of_the_same_duration()
    {
        string folder = NewFolder(), input = Path.Combine(folder, "in.wav"), output = Path.Combine(folder, "out.wav");
        float[] mono = Tone(44_100 * 2, 44_100);
        AudioFile.Write(input, mono.SelectMany(v => new[] { v, v }).ToArray(), new AudioFormat(44_100, 2));
        var (code, stdout, error) = Run("restore", input, output, "--model", TestModels.Denoiser);
        Assert.True(code == 0, error);
        Assert.Contains("denoised", stdout);
        AudioClip result = AudioFile.Read(output);
        Assert.Equal(new AudioFormat(16_000, 1), result.Format);
        Assert.Equal(32_000, result.Samples.Length);
    }

    [Fact]
    public void A_look_ahead_model_at_strength_zero_gives_the_input_back_time_aligned()
    {
        // Strength 0 makes every mask unity, so the output is the STFT round trip: any misalignment of the look-ahead
        // model's extra hop of delay would show as a shift.
        string folder = NewFolder(), input = Path.Combine(folder, "in.wav"), output = Path.Combine(folder, "out.wav");
        var random = new Random(4);
        float[] x = Enumerable.Range(0, 16_000 * 2 + 33).Select(_ => (float)(0.3 * (random.NextDouble() - 0.5))).ToArray();
        AudioFile.WriteMono(input, x, 16_000, new WavWriterOptions { Encoding = WavSampleEncoding.Float32 });
        var (code, _, error) = Run("restore", input, output, "--model", TestModels.LookAheadDenoiser, "--strength", "0");
        Assert.True(code == 0, error);
        float[] actual = AudioFile.ReadMono(output, 16_000);
        Assert.Equal(x.Length, actual.Length);
        Assert.All(x.Zip(actual), p => Assert.InRange(p.Second - p.First, -1.01f / 32768 - 1e-5f, 1.01f / 32768 + 1e-5f));
    }

    [Fact]
    public void Output_is_the_library_result_sample_for_sample()
    {
        string folder = NewFolder(), input = Path.Combine(folder, "in.wav"), output = Path.Combine(folder, "out.wav");
        float[] x = Tone(16_000 * 3 + 77, 16_000);
        AudioFile.WriteMono(input, x, 16_000, new WavWriterOptions { Encoding = WavSampleEncoding.Float32 });
        Assert.Equal(0, Run("restore", input, output, "--model", TestModels.Denoiser, "--strength", "0.7").Code);
        using var restorer = Restoration.Restorer.Load(TestModels.Denoiser);
        float[] expected = restorer.Process(AudioFile.ReadMono(input, 16_000), 0.7f);
        float[] actual = AudioFile.ReadMono(output, 16_000);
        Assert.Equal(expected.Length, actual.Length);
        // 16-bit output: within one quantisation step.
        Assert.All(expected.Zip(actual), p => Assert.InRange(p.Second - Math.Clamp(p.First, -1f, 1f), -1.01f / 32768, 1.01f / 32768));
    }

    [Fact]
    public void Pitch_filter_false_gives_the_library_result_without_the_filter()
    {
        string folder = NewFolder(), input = Path.Combine(folder, "in.wav"), output = Path.Combine(folder, "out.wav");
        float[] x = Tone(16_000 * 2 + 5, 16_000);
        AudioFile.WriteMono(input, x, 16_000, new WavWriterOptions { Encoding = WavSampleEncoding.Float32 });
        var (code, _, error) = Run("restore", input, output, "--model", TestModels.Denoiser, "--pitch-filter", "false");
        Assert.True(code == 0, error);
        using var restorer = Restoration.Restorer.Load(TestModels.Denoiser);
        float[] expected = restorer.Process(AudioFile.ReadMono(input, 16_000), new Restoration.RestoreOptions { PitchFilter = false });
        float[] actual = AudioFile.ReadMono(output, 16_000);
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), p => Assert.InRange(p.Second - Math.Clamp(p.First, -1f, 1f), -1.01f / 32768, 1.01f / 32768));
    }

    [Fact]
    public void A_folder_is_mirrored_into_an_output_folder_in_parallel()
    {
        string folder = NewFolder(), inputs = Path.Combine(folder, "noisy"), outputs = Path.Combine(folder, "clean");
        Directory.CreateDirectory(Path.Combine(inputs, "a", "b"));
        AudioFile.WriteMono(Path.Combine(inputs, "one.wav"), Tone(8000, 16_000), 16_000);
        AudioFile.WriteMono(Path.Combine(inputs, "a", "two.wav"), Tone(9000, 16_000), 16_000);
        AudioFile.WriteMono(Path.Combine(inputs, "a", "b", "three.wav"), Tone(24_000, 48_000), 48_000);
        var (code, stdout, error) = Run("restore", inputs, outputs, "--model", TestModels.Denoiser, "--jobs", "3");
        Assert.True(code == 0, error);
        Assert.Equal(3, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(8000, AudioFile.ReadMono(Path.Combine(outputs, "one.wav"), 16_000).Length);
        Assert.Equal(9000, AudioFile.ReadMono(Path.Combine(outputs, "a", "two.wav"), 16_000).Length);
        Assert.Equal(8000, AudioFile.Read(Path.Combine(outputs, "a", "b", "three.wav")).Samples.Length);
    }

    [Fact]
    public void Never_overwrites_the_input_or_an_existing_file_unless_asked()
    {
        string folder = NewFolder(), input = Path.Combine(folder, "in.wav"), other = Path.Combine(folder, "other.wav");
        AudioFile.WriteMono(input, Tone(4000, 16_000), 16_000);
        byte[] before = File.ReadAllBytes(input);
        var (code, _, error) = Run("restore", input, input, "--model", TestModels.Denoiser);
        Assert.Equal(1, code);
        Assert.Contains("overwrite the input", error);
        Assert.Equal(before, File.ReadAllBytes(input));

        // An existing output counts as done (outputs appear only when complete): skipped, untouched, said so.
        File.WriteAllBytes(other, [1, 2, 3]);
        (code, _, error) = Run("restore", input, other, "--model", TestModels.Denoiser);
        Assert.Equal(0, code);
        Assert.Contains("exists already; skipped", error);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(other));
        Assert.Equal(0, Run("restore", input, other, "--model", TestModels.Denoiser, "--overwrite").Code);
        Assert.Equal(4000, AudioFile.ReadMono(other, 16_000).Length);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void Bad_arguments_fail_with_a_clear_message()
    {
        string folder = NewFolder(), input = Path.Combine(folder, "in.wav");
        AudioFile.WriteMono(input, Tone(4000, 16_000), 16_000);
        var (code, _, error) = Run("restore", input, Path.Combine(folder, "o.wav"), "--model", TestModels.Denoiser, "--strength", "1.5");
        Assert.Equal(1, code);
        Assert.Contains("--strength", error);
        (code, _, error) = Run("restore", input, Path.Combine(folder, "o.wav"), "--model", TestModels.Declipper, "--task", "denoise");
        Assert.Equal(1, code);
        Assert.Contains("does declip, not denoise", error);
        (code, _, error) = Run("restore", Path.Combine(folder, "missing.wav"), Path.Combine(folder, "o.wav"), "--model", TestModels.Denoiser);
        Assert.Equal(1, code);
        Assert.Contains("missing.wav", error);
        File.WriteAllText(Path.Combine(folder, "broken.wav"), "RIFF but not really");
        (code, _, error) = Run("restore", Path.Combine(folder, "broken.wav"), Path.Combine(folder, "o2.wav"), "--model", TestModels.Denoiser);
        Assert.Equal(1, code);
        Assert.Contains("broken.wav", error);
        Assert.False(File.Exists(Path.Combine(folder, "o2.wav")));
    }

    [Fact]
    public void Declipping_finds_the_clipping_level_and_writes_float_so_restored_peaks_survive()
    {
        string folder = NewFolder(), input = Path.Combine(folder, "clipped.wav"), output = Path.Combine(folder, "out.wav");
        float[] clipped = Tone(16_000, 16_000, amplitude: 2.0).Select(v => Math.Clamp(v, -1f, 1f)).ToArray();
        AudioFile.WriteMono(input, clipped, 16_000);
        var (code, stdout, error) = Run("restore", input, output, "--task", "declip", "--model", TestModels.Declipper);
        Assert.True(code == 0, error);
        Assert.Contains("clipped at", stdout);
        float[] restored = AudioFile.ReadMono(output, 16_000);
        float[] reread = AudioFile.ReadMono(input, 16_000);
        for (int i = 0; i < reread.Length; i++)
        {
            if (Math.Abs(reread[i]) < 0.99f)
                Assert.Equal(reread[i], restored[i], 5);
            else
                Assert.True(Math.Abs(restored[i]) >= Math.Abs(reread[i]) * (1 - 2e-3), $"sample {i}");
        }
    }
}
