using FsCheck;
using FsCheck.Fluent;
using OnnxAudio.Audio;
using OnnxAudio.Compression;

namespace OnnxAudio.Cli.Tests;

/// <summary>'onnxaudio compress/decompress' with the committed small codec, and the bitstream reader under damage.</summary>
public sealed class CodecCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly SpeechCodec _codec = SpeechCodec.Load(TestModels.Codec);

    private static (int Code, string Out, string Error) Run(params string[] args) => CliRunner.Run(args);

    private string NewFolder()
    {
        string folder = Path.Combine(_temp.Path, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string Model => TestModels.Codec;

    public void Dispose()
    {
        _codec.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Round_trip_keeps_length_and_reports_a_bitrate_within_5_percent()
    {
        string folder = NewFolder(), wav = Path.Combine(folder, "speech.wav"), oac = Path.Combine(folder, "speech.oac"), back = Path.Combine(folder, "back.wav");
        float[] x = Signals.Speechlike(16_000 * 12 + 77, 7);
        // 44.1 kHz stereo input: converted for the codec.
        float[] resampled = Resampler.Resample(x, 16_000, 44_100);
        AudioFile.Write(wav, resampled.SelectMany(v => new[] { v, v }).ToArray(), new AudioFormat(44_100, 2));
        var (code, stdout, error) = Run("compress", wav, oac, "--kbps", "0.8", "--model", Model);
        Assert.True(code == 0, error);
        Assert.Contains("nominal 0.8", stdout);
        double seconds = AudioFile.ReadMono(wav, 16_000).Length / 16000.0;
        double kbps = new FileInfo(oac).Length * 8 / seconds / 1000;
        Assert.True(kbps >= 0.8 && kbps <= 0.8 * 1.05, $"{kbps} kbit/s");

        (code, _, error) = Run("decompress", oac, back, "--model", Model);
        Assert.True(code == 0, error);
        AudioClip decoded = AudioFile.Read(back);
        Assert.Equal(new AudioFormat(16_000, 1), decoded.Format);
        Assert.Equal(AudioFile.ReadMono(wav, 16_000).Length, decoded.Samples.Length);
    }

    [Fact]
    public void Folders_are_mirrored_both_ways()
    {
        string folder = NewFolder(), wavs = Path.Combine(folder, "in"), oacs = Path.Combine(folder, "oac"), outs = Path.Combine(folder, "out");
        Directory.CreateDirectory(Path.Combine(wavs, "sub"));
        AudioFile.WriteMono(Path.Combine(wavs, "a.wav"), Signals.Speechlike(9000, 1), 16_000);
        AudioFile.WriteMono(Path.Combine(wavs, "sub", "b.wav"), Signals.Speechlike(21_000, 2), 16_000);
        Assert.Equal(0, Run("compress", wavs, oacs, "--kbps", "0.8", "--model", Model, "--jobs", "2").Code);
        Assert.True(File.Exists(Path.Combine(oacs, "sub", "b.oac")));
        var (code, _, error) = Run("decompress", oacs, outs, "--model", Model);
        Assert.True(code == 0, error);
        Assert.Equal(21_000, AudioFile.ReadMono(Path.Combine(outs, "sub", "b.wav"), 16_000).Length);
        Assert.Equal(9000, AudioFile.ReadMono(Path.Combine(outs, "a.wav"), 16_000).Length);
    }

    [Fact]
    public void Damage_is_reported_with_its_position_and_nothing_is_written()
    {
        string folder = NewFolder(), wav = Path.Combine(folder, "s.wav"), oac = Path.Combine(folder, "s.oac");
        AudioFile.WriteMono(wav, Signals.Speechlike(16_000 * 3, 3), 16_000);
        Assert.Equal(0, Run("compress", wav, oac, "--kbps", "0.8", "--model", Model).Code);
        byte[] valid = File.ReadAllBytes(oac);

        string corrupt = Path.Combine(folder, "corrupt.oac");
        byte[] flipped = (byte[])valid.Clone();
        flipped[valid.Length / 2] ^= 0x10;
        File.WriteAllBytes(corrupt, flipped);
        var (code, _, error) = Run("decompress", corrupt, Path.Combine(folder, "c.wav"), "--model", Model);
        Assert.Equal(1, code);
        Assert.Contains("corrupt.oac: block 0 at byte", error);
        Assert.Contains("CRC mismatch", error);
        Assert.False(File.Exists(Path.Combine(folder, "c.wav")));

        string truncated = Path.Combine(folder, "truncated.oac");
        File.WriteAllBytes(truncated, valid[..(valid.Length - 5)]);
        (code, _, error) = Run("decompress", truncated, Path.Combine(folder, "t.wav"), "--model", Model);
        Assert.Equal(1, code);
        Assert.Contains("ends early", error);

        (code, _, error) = Run("decompress", wav, Path.Combine(folder, "w.wav"), "--model", Model);
        Assert.Equal(1, code);
        Assert.Contains("not an OnnxAudio codec file", error);

        (code, _, error) = Run("compress", wav, Path.Combine(folder, "x.oac"), "--kbps", "3", "--model", Model);
        Assert.Equal(1, code);
        Assert.Contains("not a rate of this codec", error);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void A_file_from_another_model_is_refused_by_name()
    {
        string folder = NewFolder(), wav = Path.Combine(folder, "s.wav"), oac = Path.Combine(folder, "s.oac");
        AudioFile.WriteMono(wav, Signals.Speechlike(8000, 3), 16_000);
        Assert.Equal(0, Run("compress", wav, oac, "--kbps", "0.8", "--model", Model).Code);
        // The same file claiming another model id (with its CRC made consistent again).
        byte[] bytes = File.ReadAllBytes(oac);
        bytes[4] ^= 0xFF;
        Assert.Throws<ModelMismatchException>(() => _codec.Decompress(bytes, "other.oac"));
    }

    [Fact]
    public void Any_damaged_stream_decodes_or_fails_with_a_typed_error()
    {
        byte[] valid = _codec.Compress(Signals.Speechlike(16_000 * 11, 5), 3, entropyCoding: true);
        Prop.ForAll(
            Gen.Choose(0, valid.Length - 1).ArrayOf().Zip(Gen.Choose(0, 255).ArrayOf()).ToArbitrary(),
            Gen.Choose(0, valid.Length + 8).ToArbitrary(),
            (edits, cut) =>
            {
                byte[] bytes = (byte[])valid.Clone();
                for (int i = 0; i < Math.Min(edits.Item1.Length, edits.Item2.Length); i++)
                    bytes[edits.Item1[i]] = (byte)edits.Item2[i];
                bytes = cut <= bytes.Length ? bytes[..cut] : [.. bytes, .. new byte[cut - bytes.Length]];
                try
                {
                    float[] decoded = _codec.Decompress(bytes, "fuzz.oac");
                    Assert.True(decoded.Length <= 16_000 * 11 * 4);
                }
                catch (OnnxAudioException)
                {
                }
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
