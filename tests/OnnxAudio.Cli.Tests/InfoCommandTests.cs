using System.Text.Json;
using OnnxAudio.Audio;

namespace OnnxAudio.Cli.Tests;

public class InfoCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A 2 s stereo square wave of amplitude 0.5 (peak and RMS both -6.02 dBFS) on the left, silence on the right.</summary>
    private string SquareWave()
    {
        string path = _folder.File("square.wav");
        float[] x = new float[2 * 32000];
        for (int i = 0; i < 32000; i++)
            x[2 * i] = (i / 20) % 2 == 0 ? 0.5f : -0.5f;
        AudioFile.Write(path, x, new AudioFormat(16000, 2));
        return path;
    }

    [Fact]
    public void Prints_format_duration_peak_and_rms()
    {
        var (code, output, error) = CliRunner.Run("info", SquareWave());
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("WAV 16-bit PCM, 16000 Hz, 2 channel(s)", output);
        Assert.Contains("00:00:02.000 (32000 frames)", output);
        Assert.Contains("peak:      -6.02 dBFS", output);
        Assert.Contains("RMS:       -9.03 dBFS", output); // half the samples are silent: -6.02 - 3.01
        Assert.Contains("channel 2: peak -inf dBFS", output);
    }

    [Fact]
    public void Json_output_is_one_object_per_file()
    {
        string path = SquareWave();
        var (code, output, _) = CliRunner.Run("info", "--json", path, path);
        Assert.Equal(0, code);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var doc = JsonDocument.Parse(lines[0]);
        Assert.Equal(16000, doc.RootElement.GetProperty("sample_rate").GetInt32());
        Assert.Equal(2.0, doc.RootElement.GetProperty("duration_s").GetDouble());
        Assert.Equal(-6.021, doc.RootElement.GetProperty("peak_dbfs").GetDouble(), 3);
    }

    [Fact]
    public void A_bad_file_is_a_one_line_user_error()
    {
        string bad = _folder.File("bad.wav");
        File.WriteAllText(bad, "hello");
        var (code, output, error) = CliRunner.Run("info", bad);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"onnxaudio: {bad}: not a WAV file: it starts with 'hell' instead of 'RIFF'", error.TrimEnd());
    }

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        string bad = _folder.File("bad.wav");
        File.WriteAllText(bad, "hello");
        var (code, _, error) = CliRunner.Run("info", bad, "--verbose");
        Assert.Equal(1, code);
        Assert.Contains("   at ", error);
    }

    [Fact]
    public void With_several_files_the_good_ones_are_still_measured()
    {
        string bad = _folder.File("bad.wav");
        File.WriteAllBytes(bad, []);
        var (code, output, error) = CliRunner.Run("info", bad, SquareWave());
        Assert.Equal(1, code);
        Assert.Contains("bad.wav: is empty", error);
        Assert.Contains("32000 frames", output);
    }
}
