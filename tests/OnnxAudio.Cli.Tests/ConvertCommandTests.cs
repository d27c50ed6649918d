using OnnxAudio.Audio;

namespace OnnxAudio.Cli.Tests;

public class ConvertCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Converts_to_mono_at_another_rate()
    {
        string input = _folder.File("in.wav"), output = _folder.File("out.wav");
        float[] stereo = new float[2 * 44100];
        for (int i = 0; i < 44100; i++)
            stereo[2 * i] = stereo[2 * i + 1] = (float)(0.5 * Math.Sin(2 * Math.PI * 1000 * i / 44100));
        AudioFile.Write(input, stereo, new AudioFormat(44100, 2));

        var (code, _, error) = CliRunner.Run("convert", input, output, "--rate", "16000", "--mono");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        AudioClip clip = AudioFile.Read(output);
        Assert.Equal(new AudioFormat(16000, 1), clip.Format);
        Assert.Equal(16000, clip.Frames);
        double rms = Math.Sqrt(clip.Samples.Skip(1000).Take(14000).Average(v => v * (double)v));
        Assert.Equal(0.5 / Math.Sqrt(2), rms, 3);
    }

    [Fact]
    public void Never_overwrites_the_input()
    {
        string input = _folder.File("in.wav");
        AudioFile.WriteMono(input, new float[100], 8000);
        byte[] before = File.ReadAllBytes(input);
        foreach (string output in new[] { input, Path.Combine(_folder.Path, ".", "in.wav") })
        {
            var (code, _, error) = CliRunner.Run("convert", input, output, "--overwrite");
            Assert.Equal(1, code);
            Assert.Contains("would overwrite the input", error);
        }

        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void An_existing_output_needs_overwrite()
    {
        string input = _folder.File("in.wav"), output = _folder.File("out.wav");
        AudioFile.WriteMono(input, new float[100], 8000);
        File.WriteAllText(output, "keep me");
        var (code, _, error) = CliRunner.Run("convert", input, output);
        Assert.Equal(1, code);
        Assert.Contains("exists already", error);
        Assert.Equal("keep me", File.ReadAllText(output));
        Assert.Equal(0, CliRunner.Run("convert", input, output, "--overwrite").ExitCode);
    }
}
