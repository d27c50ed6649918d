using OnnxAudio.Audio;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Tests.Audio;

public class WavWriterTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static byte[] Bytes(params object[] parts)
    {
        var all = new List<byte>();
        foreach (object p in parts)
        {
            all.AddRange(p switch
            {
                string s => System.Text.Encoding.ASCII.GetBytes(s),
                uint u => BitConverter.GetBytes(u),
                ushort u => BitConverter.GetBytes(u),
                short s => BitConverter.GetBytes(s),
                float f => BitConverter.GetBytes(f),
                byte[] b => b,
                _ => throw new ArgumentException(p.GetType().Name),
            });
        }

        return all.ToArray();
    }

    [Fact]
    public void Pcm16_mono_matches_hand_written_bytes()
    {
        string path = _folder.File("a.wav");
        AudioFile.WriteMono(path, [0.5f, -1f, 0f, 32767 / 32768f], 8000);
        byte[] expected = Bytes("RIFF", 44u, "WAVE",
            "fmt ", 16u, (ushort)1, (ushort)1, 8000u, 16000u, (ushort)2, (ushort)16,
            "data", 8u, (short)16384, (short)-32768, (short)0, (short)32767);
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void Float32_stereo_matches_hand_written_bytes()
    {
        string path = _folder.File("f.wav");
        AudioFile.Write(path, [0.25f, -0.5f, 1.5f, 0f], new AudioFormat(16000, 2), new WavWriterOptions { Encoding = WavSampleEncoding.Float32 });
        byte[] expected = Bytes("RIFF", 66u, "WAVE",
            "fmt ", 18u, (ushort)3, (ushort)2, 16000u, 128000u, (ushort)8, (ushort)32, (ushort)0,
            "fact", 4u, 2u,
            "data", 16u, 0.25f, -0.5f, 1.5f, 0f);
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void More_than_two_channels_use_wave_format_extensible()
    {
        string path = _folder.File("x.wav");
        AudioFile.Write(path, [0.5f, 0f, -0.5f], new AudioFormat(48000, 3));
        byte[] guidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        byte[] expected = Bytes("RIFF", 66u, "WAVE",
            "fmt ", 40u, (ushort)0xFFFE, (ushort)3, 48000u, 288000u, (ushort)6, (ushort)16,
            (ushort)22, (ushort)16, 0u, (ushort)1, guidTail,
            "data", 6u, (short)16384, (short)0, (short)-16384);
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void Rf64_reservation_is_a_junk_chunk_other_readers_skip()
    {
        string path = _folder.File("r.wav");
        AudioFile.WriteMono(path, [0.5f], 8000, new WavWriterOptions { AllowRf64 = true });
        byte[] expected = Bytes("RIFF", 74u, "WAVE", "JUNK", 28u, new byte[28],
            "fmt ", 16u, (ushort)1, (ushort)1, 8000u, 16000u, (ushort)2, (ushort)16,
            "data", 2u, (short)16384);
        Assert.Equal(expected, File.ReadAllBytes(path));
        Assert.Equal([0.5f], AudioFile.Read(path).Samples);
    }

    [Theory]
    [InlineData(WavSampleEncoding.Pcm16, 1)]
    [InlineData(WavSampleEncoding.Pcm16, 2)]
    [InlineData(WavSampleEncoding.Pcm16, 5)]
    [InlineData(WavSampleEncoding.Float32, 1)]
    [InlineData(WavSampleEncoding.Float32, 2)]
    [InlineData(WavSampleEncoding.Float32, 8)]
    public void Round_trips_through_the_reader(WavSampleEncoding encoding, int channels)
    {
        var random = new Random(channels);
        // Values on the 16-bit grid survive PCM16 exactly; float keeps anything.
        float[] samples = Enumerable.Range(0, 10000 * channels)
            .Select(_ => encoding == WavSampleEncoding.Pcm16 ? random.Next(-32768, 32768) / 32768f : (float)(random.NextDouble() * 2.4 - 1.2))
            .ToArray();
        string path = _folder.File($"rt-{encoding}-{channels}.wav");
        var format = new AudioFormat(22050, channels);
        using (WavWriter writer = WavWriter.Create(path, format, new WavWriterOptions { Encoding = encoding }))
        {
            for (int i = 0; i < samples.Length; i += 999 * channels)
                writer.Write(samples.AsSpan(i, Math.Min(999 * channels, samples.Length - i)));
            writer.Commit();
        }

        AudioClip clip = AudioFile.Read(path);
        Assert.Equal(format, clip.Format);
        Assert.Equal(samples, clip.Samples);
    }

    [Fact]
    public void Pcm16_clips_and_counts_out_of_range_samples()
    {
        string path = _folder.File("c.wav");
        using var writer = WavWriter.Create(path, new AudioFormat(8000, 1));
        writer.Write([1.5f, -2f, 0.25f]);
        writer.Commit();
        Assert.Equal(2, writer.ClippedSamples);
        Assert.Equal([32767 / 32768f, -1f, 0.25f], AudioFile.Read(path).Samples);
    }

    [Fact]
    public void Nothing_appears_until_commit_and_an_abandoned_write_leaves_no_trace()
    {
        string path = _folder.File("out.wav");
        using (var writer = WavWriter.Create(path, new AudioFormat(8000, 1)))
        {
            writer.Write(new float[1000]);
            Assert.False(File.Exists(path));
            Assert.True(File.Exists(writer.TempPath));
            Assert.Equal(_folder.Path, Path.GetDirectoryName(writer.TempPath));
        }

        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void A_failed_write_does_not_damage_the_existing_file()
    {
        string path = _folder.File("keep.wav");
        File.WriteAllBytes(path, [1, 2, 3]);
        using (var writer = WavWriter.Create(path, new AudioFormat(8000, 1), new WavWriterOptions { Overwrite = true }))
        {
            writer.Write([0.1f, 0.2f]);
            Assert.Throws<OnnxAudioException>(() => writer.Write([float.NaN]));
        }

        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void Refuses_to_replace_an_existing_file_unless_asked()
    {
        string path = _folder.File("exists.wav");
        File.WriteAllBytes(path, [9]);
        var e = Assert.Throws<OnnxAudioException>(() => WavWriter.Create(path, new AudioFormat(8000, 1)));
        Assert.Contains("exists", e.Message);
        AudioFile.WriteMono(path, [0f], 8000, new WavWriterOptions { Overwrite = true });
        Assert.Equal(46, new FileInfo(path).Length);
    }

    [Fact]
    public void Missing_output_folder_is_a_clear_error()
    {
        var e = Assert.Throws<OnnxAudioException>(() => WavWriter.Create(_folder.File("no/such/dir/x.wav"), new AudioFormat(8000, 1)));
        Assert.Contains("does not exist", e.Message);
    }
}
