using OnnxAudio.Audio;

namespace OnnxAudio.Cli.Tests;

public class DemoCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Trait("Category", "Slow")]
    [Fact]
    public void Demo_writes_and_converts_its_audio()
    {
        var (code, output, error) = CliRunner.Run("demo", "--out", _folder.Path);
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("speech-16k-mono.wav", output);
        AudioClip clip = AudioFile.Read(_folder.File("speech-16k-mono.wav"));
        Assert.Equal(new AudioFormat(16000, 1), clip.Format);
        Assert.Equal(48000, clip.Frames);

        // Every job ran on the shipped models and wrote its outputs.
        Assert.Contains("12 of 12 right", output);
        Assert.Contains("5. Denoising with denoise.onnx", output);
        Assert.Contains("6. Neural codec", output);
        Assert.NotEmpty(Directory.GetFiles(_folder.Path, "*_denoised.wav"));
        Assert.NotEmpty(Directory.GetFiles(_folder.Path, "*_1.5k.oac"));
    }
}
