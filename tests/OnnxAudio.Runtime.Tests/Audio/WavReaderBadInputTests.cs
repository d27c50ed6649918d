using FsCheck;
using FsCheck.Fluent;
using OnnxAudio.Audio;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Tests.Audio;

/// <summary>Every malformed input gives an <see cref="AudioFormatException"/> that names the file and the problem.</summary>
public class WavReaderBadInputTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private AudioFormatException ReadFails(byte[] bytes, string name = "bad.wav")
    {
        string path = _folder.Write(name, bytes);
        var e = Assert.Throws<AudioFormatException>(() =>
        {
            using IAudioSource source = AudioFile.Open(path);
            source.ReadAll();
        });
        Assert.Equal(path, e.FileName);
        Assert.StartsWith(path + ": ", e.Message);
        return e;
    }

    private static byte[] Pcm16Mono(int samples) => WavBytes.Riff().Fmt(1, 1, 16000, 16).Data(new byte[2 * samples]).ToArray();

    [Fact]
    public void Empty_file() => Assert.Contains("empty", ReadFails([]).Problem);

    [Fact]
    public void Two_fmt_chunks_are_refused_rather_than_one_chosen_silently() =>
        Assert.Contains("two 'fmt ' chunks", ReadFails(WavBytes.Riff().Fmt(1, 1, 16000, 16).Fmt(1, 2, 8000, 16).Data(new byte[8]).ToArray()).Problem);

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(20)]
    [InlineData(30)]
    [InlineData(40)]
    public void Truncated_header(int keep)
    {
        byte[] whole = Pcm16Mono(100);
        Assert.Contains("truncated header", ReadFails(whole[..keep]).Problem);
    }

    [Fact]
    public void Truncated_data()
    {
        byte[] whole = Pcm16Mono(1000);
        var e = ReadFails(whole[..(whole.Length - 501)]);
        Assert.Contains("truncated data", e.Problem);
    }

    [Fact]
    public void Truncated_data_on_a_pipe_is_found_while_reading()
    {
        byte[] whole = Pcm16Mono(1000);
        using var reader = new WavReader(new NonSeekableStream(whole[..(whole.Length - 500)]), "pipe.wav");
        var e = Assert.Throws<AudioFormatException>(() => reader.ReadAll());
        Assert.Contains("truncated data", e.Message);
        Assert.Contains("500 bytes short", e.Message);
    }

    [Fact]
    public void Data_chunk_larger_than_the_file()
    {
        byte[] wav = WavBytes.Riff().Fmt(1, 1, 16000, 16).Data(new byte[100], declaredSize: 2_000_000_000).ToArray();
        var e = ReadFails(wav);
        Assert.Contains("2000000000", e.Problem);
    }

    [Fact]
    public void Chunk_that_claims_more_than_the_file()
    {
        byte[] wav = WavBytes.Riff().Chunk("LIST", new byte[4], declaredSize: 0x7FFFFFF0).ToArray();
        Assert.Contains("'LIST'", ReadFails(wav).Problem);
    }

    [Theory]
    [InlineData(0, "0 channels")]
    [InlineData(65535, "65535 channels")]
    public void Absurd_channel_counts(int channels, string expected)
    {
        byte[] wav = WavBytes.Riff().Fmt(1, channels, 16000, 16).Data(new byte[64]).ToArray();
        Assert.Contains(expected, ReadFails(wav).Problem);
    }

    [Theory]
    [InlineData(0, "0 Hz")]
    [InlineData(-1, "4294967295 Hz")]
    public void Absurd_sample_rates(int rate, string expected)
    {
        byte[] wav = WavBytes.Riff().Fmt(1, 1, rate, 16, blockAlign: 2).Data(new byte[64]).ToArray();
        Assert.Contains(expected, ReadFails(wav).Problem);
    }

    [Fact]
    public void Block_align_mismatch()
    {
        byte[] wav = WavBytes.Riff().Fmt(1, 2, 16000, 16, blockAlign: 3).Data(new byte[60]).ToArray();
        Assert.Contains("block align", ReadFails(wav).Problem);
    }

    [Theory]
    [InlineData(1, 12, "12 bits")]
    [InlineData(3, 16, "16 bits")]
    [InlineData(0x55, 16, "MPEG")]
    [InlineData(2, 4, "ADPCM")]
    public void Unsupported_encodings(ushort tag, int bits, string expected)
    {
        byte[] wav = WavBytes.Riff().Fmt(tag, 1, 16000, bits, blockAlign: Math.Max(1, bits / 8)).Data(new byte[64]).ToArray();
        Assert.Contains(expected, ReadFails(wav).Problem);
    }

    [Fact]
    public void Implausibly_large_fmt_chunk_is_refused_without_allocating_it()
    {
        byte[] wav = WavBytes.Riff().Chunk("fmt ", new byte[16], declaredSize: 0x7FFFFFFF).ToArray();
        Assert.Contains("implausibly large", ReadFails(wav).Problem);
    }

    [Fact]
    public void Data_before_fmt()
    {
        byte[] wav = WavBytes.Riff().Data(new byte[8]).Fmt(1, 1, 16000, 16).ToArray();
        Assert.Contains("before any 'fmt '", ReadFails(wav).Problem);
    }

    [Fact]
    public void No_data_chunk()
    {
        byte[] wav = WavBytes.Riff().Fmt(1, 1, 16000, 16).Chunk("LIST", new byte[8]).ToArray();
        Assert.Contains("'data' chunk", ReadFails(wav).Problem);
    }

    [Fact]
    public void Non_audio_files()
    {
        Assert.Contains("not a WAV file", ReadFails("PNG image, not sound at all"u8.ToArray()).Problem);
        Assert.Contains("'AVI '", ReadFails([.. "RIFF"u8, 4, 0, 0, 0, .. "AVI "u8]).Problem);
    }

    [Fact]
    public void Rf64_without_ds64()
    {
        byte[] wav = WavBytes.Rf64().Fmt(1, 1, 16000, 16).Data(new byte[8], declaredSize: 0xFFFFFFFF).ToArray();
        Assert.Contains("ds64", ReadFails(wav).Problem);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_float_samples(float bad)
    {
        float[] samples = Enumerable.Range(0, 20000).Select(i => 0.1f).ToArray();
        samples[17001] = bad; // frame 8500 of a stereo file
        byte[] wav = WavBytes.Riff().Fmt(3, 2, 8000, 32).Data(WavBytes.Float32Le(samples)).ToArray();
        var e = ReadFails(wav);
        Assert.Contains("not a finite number", e.Problem);
        Assert.Contains("frame 8500", e.Problem);
    }

    [Fact]
    public void Non_finite_double_samples()
    {
        byte[] wav = WavBytes.Riff().Fmt(3, 1, 8000, 64).Data(WavBytes.Float64Le(0, double.NaN)).ToArray();
        Assert.Contains("not a finite number", ReadFails(wav).Problem);
    }

    [Fact]
    public void Missing_file_and_folder()
    {
        Assert.Contains("no such file", Assert.Throws<AudioFormatException>(() => AudioFile.Open(_folder.File("absent.wav"))).Message);
        Assert.Contains("folder", Assert.Throws<AudioFormatException>(() => AudioFile.Open(_folder.Path)).Message);
    }

    [Fact]
    public void Any_byte_string_gives_samples_or_a_typed_error()
    {
        // Start from a valid file and corrupt it anywhere: the reader must answer, never crash, hang or over-allocate.
        byte[] valid = WavBytes.Riff().Chunk("LIST", new byte[5]).Fmt(1, 2, 16000, 16).Data(new byte[400]).ToArray();
        Prop.ForAll(
            Gen.Choose(0, valid.Length - 1).ArrayOf().Zip(Gen.Choose(0, 255).ArrayOf()).ToArbitrary(),
            Gen.Choose(0, valid.Length).ToArbitrary(),
            (edits, cut) =>
            {
                byte[] bytes = (byte[])valid.Clone();
                for (int i = 0; i < Math.Min(edits.Item1.Length, edits.Item2.Length); i++)
                    bytes[edits.Item1[i]] = (byte)edits.Item2[i];
                bytes = bytes[..cut];
                try
                {
                    using var reader = new WavReader(new MemoryStream(bytes), "fuzz.wav");
                    reader.ReadAll();
                }
                catch (AudioFormatException)
                {
                }
            }).QuickCheckThrowOnFailure();
    }
}
