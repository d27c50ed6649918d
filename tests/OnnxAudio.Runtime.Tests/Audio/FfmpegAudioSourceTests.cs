using System.Diagnostics;
using OnnxAudio.Audio;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Tests.Audio;

public class FfmpegAudioSourceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static void RunFfmpeg(params string[] args)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "-nostdin", "-y", "-loglevel", "error" }.Concat(args))
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }

    [RequiresToolFact("ffmpeg")]
    public void Flac_decodes_to_the_exact_samples_that_were_encoded()
    {
        var random = new Random(1);
        float[] stereo = Enumerable.Range(0, 2 * 12345).Select(_ => random.Next(-20000, 20000) / 32768f).ToArray();
        string wav = _folder.File("src.wav"), flac = _folder.File("src.flac");
        AudioFile.Write(wav, stereo, new AudioFormat(44100, 2));
        RunFfmpeg("-i", wav, flac);

        using IAudioSource source = AudioFile.Open(flac);
        Assert.IsType<FfmpegAudioSource>(source);
        Assert.Equal(new AudioFormat(44100, 2), source.Format);
        Assert.Equal(stereo, source.ReadAll().Samples);
    }

    [RequiresToolFact("ffmpeg")]
    public void Lossy_formats_decode_to_the_right_signal()
    {
        float[] x = Signals.Sine(440, 48000, 48000, 0.5);
        string wav = _folder.File("tone.wav"), ogg = _folder.File("tone.ogg");
        AudioFile.WriteMono(wav, x, 48000);
        RunFfmpeg("-i", wav, "-c:a", "libvorbis", "-q:a", "6", ogg);
        float[] y = AudioFile.ReadMono(ogg, 16000);
        Assert.InRange(y.Length, 15900, 16100);
        var (amplitude, _) = Signals.FitSine(y.AsSpan(2000, 12000), 440, 16000);
        Assert.InRange(amplitude, 0.48, 0.52);
    }

    [RequiresToolFact("ffmpeg")]
    public void A_file_ffmpeg_cannot_decode_gives_its_reason()
    {
        string fake = _folder.Write("fake.mp3", "this is text, not audio"u8.ToArray());
        var e = Assert.Throws<AudioFormatException>(() => AudioFile.Open(fake));
        Assert.Equal(fake, e.FileName);
        Assert.Contains("ffmpeg could not decode it", e.Message);
    }

    [Fact]
    public void Without_ffmpeg_the_error_names_the_missing_tool()
    {
        string mp3 = _folder.Write("song.mp3", [0xFF, 0xFB, 0x90, 0x00]);
        var e = Assert.Throws<ExternalToolMissingException>(() => FfmpegAudioSource.Open(mp3, ffmpegExecutable: null));
        Assert.Equal("ffmpeg", e.Tool);
        Assert.Contains("song.mp3", e.Message);
        Assert.Contains("apt-get install ffmpeg", e.Message);
    }
}
