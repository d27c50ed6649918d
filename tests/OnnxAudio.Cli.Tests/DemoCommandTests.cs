using OnnxAudio.Audio;

namespace OnnxAudio.Cli.Tests;

public class DemoCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

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
    }
}
