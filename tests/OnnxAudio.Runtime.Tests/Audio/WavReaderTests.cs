using OnnxAudio.Audio;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Tests.Audio;

public class WavReaderTests
{
    private static float[] ReadAll(byte[] bytes, out WavReader reader)
    {
        reader = new WavReader(new MemoryStream(bytes), "test.wav");
        return reader.ReadAll().Samples;
    }

    private static float[] ReadAll(byte[] bytes) => ReadAll(bytes, out _);

    [Fact]
    public void Reads_8bit_unsigned_pcm()
    {
        byte[] wav = WavBytes.Riff().Fmt(1, 1, 8000, 8).Data([0, 64, 128, 192, 255]).ToArray();
        float[] x = ReadAll(wav, out var r);
        Assert.Equal(WavSampleEncoding.Pcm8, r.Encoding);
        Assert.Equal([-1f, -0.5f, 0f, 0.5f, 127 / 128f], x);
    }

    [Fact]
    public void Reads_16bit_pcm_stereo_interleaved()
    {
        byte[] wav = WavBytes.Riff().Fmt(1, 2, 44100, 16).Data(WavBytes.Int16Le(-32768, 32767, 16384, -1)).ToArray();
        float[] x = ReadAll(wav, out var r);
        Assert.Equal(new AudioFormat(44100, 2), r.Format);
        Assert.Equal(2, r.LengthFrames);
        Assert.Equal([-1f, 32767 / 32768f, 0.5f, -1 / 32768f], x);
    }

    [Fact]
    public void Reads_24bit_pcm()
    {
        byte[] wav = WavBytes.Riff().Fmt(1, 1, 48000, 24).Data(WavBytes.Int24Le(-8388608, 8388607, 4194304, -2, 0, 1)).ToArray();
        Assert.Equal([-1f, 8388607 / 8388608f, 0.5f, -2 / 8388608f, 0, 1 / 8388608f], ReadAll(wav));
    }

    [Fact]
    public void Reads_32bit_pcm()
    {
        byte[] wav = WavBytes.Riff().Fmt(1, 1, 16000, 32).Data(WavBytes.Int32Le(int.MinValue, 1 << 30, -(1 << 29))).ToArray();
        Assert.Equal([-1f, 0.5f, -0.25f], ReadAll(wav));
    }

    [Fact]
    public void Reads_32bit_and_64bit_float()
    {
        byte[] f32 = WavBytes.Riff().Fmt(3, 1, 16000, 32, withCbSize: true)
            .Chunk("fact", BitConverter.GetBytes(3u)).Data(WavBytes.Float32Le(0.25f, -1.5f, 1e-8f)).ToArray();
        Assert.Equal([0.25f, -1.5f, 1e-8f], ReadAll(f32));
        byte[] f64 = WavBytes.Riff().Fmt(3, 2, 22050, 64).Data(WavBytes.Float64Le(0.125, -0.75, 1.0 / 3, 2)).ToArray();
        Assert.Equal([0.125f, -0.75f, (float)(1.0 / 3), 2f], ReadAll(f64, out var r));
        Assert.Equal(WavSampleEncoding.Float64, r.Encoding);
    }

    [Fact]
    public void Reads_extensible_pcm_and_float_with_many_channels()
    {
        byte[] pcm24 = WavBytes.Riff().FmtExtensible(1, 6, 48000, 24, 24, 0x3F)
            .Data(WavBytes.Int24Le(1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6)).ToArray();
        float[] x = ReadAll(pcm24, out var r);
        Assert.Equal(6, r.Format.Channels);
        Assert.Equal(2, r.LengthFrames);
        Assert.Equal(4 / 8388608f, x[3]);
        Assert.Equal(-6 / 8388608f, x[11]);

        byte[] flt = WavBytes.Riff().FmtExtensible(3, 3, 16000, 32, 32, 0).Data(WavBytes.Float32Le(0.1f, 0.2f, 0.3f)).ToArray();
        Assert.Equal([0.1f, 0.2f, 0.3f], ReadAll(flt, out r));
        Assert.Equal(WavSampleEncoding.Float32, r.Encoding);
    }

    [Fact]
    public void Skips_unknown_and_odd_sized_chunks_with_their_pad_byte()
    {
        byte[] wav = WavBytes.Riff()
            .Chunk("LIST", "INFOISFT\x03\0\0\0ab\0"u8.ToArray()) // 15 bytes: odd, followed by a pad byte
            .Fmt(1, 1, 8000, 16)
            .Chunk("junk", [1, 2, 3])
            .Chunk("fact", BitConverter.GetBytes(2u))
            .Data(WavBytes.Int16Le(100, -100))
            .ToArray();
        Assert.Equal([100 / 32768f, -100 / 32768f], ReadAll(wav));
    }

    [Fact]
    public void Ignores_a_trailing_partial_frame_and_chunks_after_data()
    {
        byte[] data = [.. WavBytes.Int16Le(1, 2, 3), 0x7F]; // 1.5 stereo frames + a stray byte
        byte[] wav = WavBytes.Riff().Fmt(1, 2, 8000, 16).Data(data).Chunk("LIST", new byte[10]).ToArray();
        float[] x = ReadAll(wav, out var r);
        Assert.Equal(1, r.LengthFrames);
        Assert.Equal([1 / 32768f, 2 / 32768f], x);
    }

    [Fact]
    public void Reads_rf64_with_the_size_in_ds64()
    {
        byte[] samples = WavBytes.Int16Le(1000, -1000, 500);
        byte[] wav = WavBytes.Rf64().Ds64(riffSize: 0, dataSize: samples.Length, sampleCount: 3)
            .Fmt(1, 1, 16000, 16).Data(samples, declaredSize: 0xFFFFFFFF).ToArray();
        Assert.Equal([1000 / 32768f, -1000 / 32768f, 500 / 32768f], ReadAll(wav, out var r));
        Assert.Equal(3, r.LengthFrames);
    }

    [Fact]
    public void Rf64_reports_lengths_beyond_4GiB_from_ds64()
    {
        const long dataBytes = 6L << 30; // 6 GiB of 16-bit stereo, never materialised
        byte[] header = WavBytes.Rf64().Ds64(dataBytes + 80, dataBytes, dataBytes / 4).Fmt(1, 2, 48000, 16).ToArray();
        byte[] dataHeader = [.. "data"u8, 0xFF, 0xFF, 0xFF, 0xFF];
        using var stream = new SyntheticWavStream([.. header, .. dataHeader], dataBytes, seekable: true);
        using var reader = new WavReader(stream, "huge.wav");
        Assert.Equal(dataBytes / 4, reader.LengthFrames);
        var block = new float[4096];
        Assert.Equal(4096, reader.Read(block));
    }

    [Fact]
    public void Unsized_data_chunk_from_a_pipe_is_read_to_the_end()
    {
        // What ffmpeg writes to a pipe: RIFF and data sizes of 0xFFFFFFFF.
        byte[] wav = WavBytes.Riff().Fmt(1, 1, 8000, 16).Data(WavBytes.Int16Le(7, 8, 9), declaredSize: 0xFFFFFFFF).ToArray();
        using var reader = new WavReader(new NonSeekableStream(wav), "pipe");
        Assert.Null(reader.LengthFrames);
        Assert.Equal([7 / 32768f, 8 / 32768f, 9 / 32768f], reader.ReadAll().Samples);
    }

    [Fact]
    public void Reads_in_small_blocks_the_same_as_all_at_once()
    {
        short[] values = Enumerable.Range(0, 10007).Select(i => (short)(i * 7919 % 65536 - 32768)).ToArray();
        byte[] wav = WavBytes.Riff().Fmt(1, 1, 16000, 16).Data(WavBytes.Int16Le(values)).ToArray();
        using var reader = new WavReader(new NonSeekableStream(wav), "pipe");
        var got = new List<float>();
        var block = new float[333];
        int n;
        while ((n = reader.Read(block)) > 0)
            got.AddRange(block.AsSpan(0, n));
        Assert.Equal(values.Select(v => v / 32768f), got);
    }

    [Fact]
    public void Streaming_a_long_file_uses_constant_memory()
    {
        // 2 GiB of 16-bit stereo (about 3.1 hours at 48 kHz) generated on the fly, read in 16 k-sample blocks.
        const long dataBytes = 2L << 30;
        byte[] header = WavBytes.Riff().Fmt(1, 2, 48000, 16).ToArray();
        byte[] dataHeader = [.. "data"u8, .. BitConverter.GetBytes((uint)dataBytes)];
        using var stream = new SyntheticWavStream([.. header, .. dataHeader], dataBytes, seekable: false);
        using var reader = new WavReader(stream, "long.wav");
        var block = new float[16384];
        reader.Read(block); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        long frames = 8192, n;
        while ((n = reader.Read(block)) > 0)
            frames += n / 2;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(dataBytes / 4, frames);
        Assert.True(allocated < 64 * 1024, $"reading 2 GiB allocated {allocated} bytes");
    }

    /// <summary>A stream that serves a fixed header followed by a long run of generated sample bytes.</summary>
    private sealed class SyntheticWavStream(byte[] header, long dataBytes, bool seekable) : Stream
    {
        private static readonly byte[] Pattern = Enumerable.Range(0, 1 << 16).Select(i => (byte)(i * 31)).ToArray();
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => seekable;
        public override bool CanWrite => false;
        public override long Length => seekable ? header.Length + dataBytes : throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => _position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            long end = header.Length + dataBytes;
            int n = (int)Math.Min(buffer.Length, end - _position);
            for (int i = 0; i < n;)
            {
                long p = _position + i;
                if (p < header.Length)
                {
                    buffer[i++] = header[p];
                    continue;
                }

                int offset = (int)((p - header.Length) % Pattern.Length);
                int take = Math.Min(n - i, Pattern.Length - offset);
                Pattern.AsSpan(offset, take).CopyTo(buffer[i..]);
                i += take;
            }

            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>A read-only stream that cannot seek and returns data in small, uneven pieces, like a pipe.</summary>
internal sealed class NonSeekableStream(byte[] bytes) : Stream
{
    private int _position;
    private int _call;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int piece = 1 + (_call++ * 37 % 97);
        int n = Math.Min(Math.Min(count, piece), bytes.Length - _position);
        Array.Copy(bytes, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
