using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace OnnxAudio.Audio;

/// <summary>
/// Streaming reader for RIFF/WAVE, RF64 and BW64 files: integer PCM (8/16/24/32-bit), IEEE float (32/64-bit), plain or
/// WAVE_FORMAT_EXTENSIBLE, any channel count. Blocks are decoded as they are read, so memory does not grow with the
/// length of the file. Every malformed header gives an <see cref="AudioFormatException"/> naming the file; no size
/// read from a header is ever used to allocate.
/// </summary>
/// <remarks>
/// A data chunk whose size field is 0xFFFFFFFF (what ffmpeg and other streaming writers put in a header they cannot
/// seek back to) is read to the end of the stream. Chunks after the data chunk are not read.
/// </remarks>
public sealed class WavReader : IAudioSource
{
    private const ushort FormatPcm = 0x0001;
    private const ushort FormatIeeeFloat = 0x0003;
    private const ushort FormatExtensible = 0xFFFE;
    private const int MaxFmtChunkBytes = 64 * 1024;
    private const int BlockBytes = 64 * 1024;
    private const uint UnknownSize32 = 0xFFFFFFFF;

    // The 14 bytes that follow the format tag in every KSDATAFORMAT_SUBTYPE_* GUID (mmreg.h).
    private static ReadOnlySpan<byte> SubFormatGuidTail =>
        [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _block;
    private readonly int _bytesPerSample;
    private readonly int _blockAlign;
    private readonly bool _readToEnd;
    private long _dataBytesLeft;
    private long _frameIndex;
    private bool _disposed;

    /// <summary>Opens a WAV file for streaming reads.</summary>
    public static WavReader Open(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException(path, e.Message, e);
        }

        try
        {
            return new WavReader(stream, path, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads the header of a WAV stream. The stream need not be seekable (a pipe works).</summary>
    /// <param name="stream">Positioned at the start of the RIFF header.</param>
    /// <param name="name">Name used in error messages.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="stream"/> open.</param>
    public WavReader(Stream stream, string name, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        Name = name;
        _leaveOpen = leaveOpen;

        Header header = ReadHeader(stream, name);
        Format = new AudioFormat(header.SampleRate, header.Channels);
        Encoding = header.Encoding;
        _bytesPerSample = header.Encoding.BytesPerSample();
        _blockAlign = header.BlockAlign;
        _readToEnd = header.DataBytes < 0;
        // Bytes of a trailing partial frame are not audio and are ignored.
        _dataBytesLeft = _readToEnd ? long.MaxValue : header.DataBytes / header.BlockAlign * header.BlockAlign;
        LengthFrames = _readToEnd ? null : header.DataBytes / header.BlockAlign;
        DataOffset = header.DataOffset;
        // Whole frames per block, and at least one frame even for very wide files.
        _block = new byte[Math.Max(_blockAlign, BlockBytes / _blockAlign * _blockAlign)];
    }

    public string Name { get; }

    public AudioFormat Format { get; }

    /// <summary>How samples are stored in the file.</summary>
    public WavSampleEncoding Encoding { get; }

    /// <inheritdoc />
    public long? LengthFrames { get; }

    /// <summary>Byte offset of the first sample in the stream (after the data chunk header).</summary>
    public long DataOffset { get; }

    /// <inheritdoc />
    public int Read(Span<float> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int channels = Format.Channels;
        int maxFrames = Math.Min(buffer.Length / channels, _block.Length / _blockAlign);
        if (maxFrames == 0)
            throw new ArgumentException($"The buffer must hold at least one frame ({channels} samples).", nameof(buffer));

        long wantedBytes = Math.Min((long)maxFrames * _blockAlign, _dataBytesLeft);
        if (wantedBytes <= 0)
            return 0;

        int have = 0;
        while (have < wantedBytes)
        {
            int n = _stream.Read(_block, have, (int)wantedBytes - have);
            if (n == 0)
                break;
            have += n;
        }

        int frames = have / _blockAlign;
        int usedBytes = frames * _blockAlign;
        if (have < wantedBytes)
        {
            // The stream ended early. A missing size is the normal way such a stream ends; a declared one is not.
            if (!_readToEnd)
            {
                long declared = LengthFrames!.Value * _blockAlign;
                long position = DataOffset + (declared - _dataBytesLeft) + have;
                throw new AudioFormatException(Name,
                    $"truncated data: the data chunk declares {declared} bytes but the file ends at byte {position}, " +
                    $"{_dataBytesLeft - have} bytes short");
            }

            // A trailing partial frame of an unsized stream is dropped.
            _dataBytesLeft = 0;
            if (frames == 0)
                return 0;
        }

        Span<float> output = buffer[..(frames * channels)];
        Decode(_block.AsSpan(0, usedBytes), output);
        CheckFinite(output);

        if (!_readToEnd)
            _dataBytesLeft -= usedBytes;
        _frameIndex += frames;
        return output.Length;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_leaveOpen)
            _stream.Dispose();
    }

    private void Decode(ReadOnlySpan<byte> bytes, Span<float> output)
    {
        switch (Encoding)
        {
            case WavSampleEncoding.Pcm8:
                for (int i = 0; i < output.Length; i++)
                    output[i] = (bytes[i] - 128) * (1f / 128);
                break;
            case WavSampleEncoding.Pcm16 when BitConverter.IsLittleEndian:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, short>(bytes), output);
                TensorPrimitives.Multiply(output, 1f / 32768, output);
                break;
            case WavSampleEncoding.Pcm16:
                for (int i = 0; i < output.Length; i++)
                    output[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]) * (1f / 32768);
                break;
            case WavSampleEncoding.Pcm24:
                for (int i = 0, b = 0; i < output.Length; i++, b += 3)
                {
                    int value = bytes[b] | (bytes[b + 1] << 8) | ((sbyte)bytes[b + 2] << 16);
                    output[i] = value * (1f / 8388608);
                }
                break;
            case WavSampleEncoding.Pcm32:
                for (int i = 0; i < output.Length; i++)
                    output[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]) * (1f / 2147483648f);
                break;
            case WavSampleEncoding.Float32 when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(output);
                break;
            case WavSampleEncoding.Float32:
                for (int i = 0; i < output.Length; i++)
                    output[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                break;
            case WavSampleEncoding.Float64:
                for (int i = 0; i < output.Length; i++)
                    output[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                break;
            default:
                throw new InvalidOperationException($"Unhandled encoding {Encoding}.");
        }
    }

    private void CheckFinite(ReadOnlySpan<float> samples)
    {
        if (!Encoding.IsFloat())
            return;
        // MaxMagnitude propagates NaN and returns infinity when any sample is infinite, in one vectorised pass.
        if (float.IsFinite(TensorPrimitives.MaxMagnitude(samples)))
            return;
        int bad = 0;
        while (float.IsFinite(samples[bad]))
            bad++;
        long frame = _frameIndex + bad / Format.Channels;
        throw new AudioFormatException(Name,
            $"sample {samples[bad]} (not a finite number) at frame {frame} ({frame / (double)Format.SampleRate:0.###} s); " +
            "the file is corrupt or was written by a broken encoder");
    }

    private readonly record struct Header(
        int SampleRate, int Channels, int BlockAlign, WavSampleEncoding Encoding, long DataBytes, long DataOffset);

    private static Header ReadHeader(Stream stream, string name)
    {
        Span<byte> riff = stackalloc byte[12];
        int got = ReadFully(stream, riff);
        if (got == 0)
            throw new AudioFormatException(name, "the file is empty");
        bool isRf64 = riff[..4].SequenceEqual("RF64"u8) || riff[..4].SequenceEqual("BW64"u8);
        if (got >= 4 && !riff[..4].SequenceEqual("RIFF"u8) && !isRf64)
            throw new AudioFormatException(name, $"not a WAV file: it starts with {Describe(riff[..4])} instead of 'RIFF'");
        if (got < 12)
            throw new AudioFormatException(name, $"truncated header: only {got} bytes, a WAV header needs at least 44");
        if (!riff[8..12].SequenceEqual("WAVE"u8))
            throw new AudioFormatException(name, $"not a WAV file: a RIFF file of type {Describe(riff[8..12])} instead of 'WAVE'");

        long position = 12;
        long? ds64DataBytes = null;
        Fmt? fmt = null;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (true)
        {
            got = ReadFully(stream, chunkHeader);
            if (got < 8)
            {
                string missing = fmt is null ? "'fmt ' and 'data' chunks" : "'data' chunk";
                throw new AudioFormatException(name, $"truncated header: the file ends at byte {position + got} before the {missing}");
            }

            string id = System.Text.Encoding.ASCII.GetString(chunkHeader[..4]);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            position += 8;

            if (id == "data")
            {
                if (fmt is null)
                    throw new AudioFormatException(name, "the 'data' chunk comes before any 'fmt ' chunk");
                long dataBytes;
                if (isRf64 && size == UnknownSize32)
                {
                    if (ds64DataBytes is null)
                        throw new AudioFormatException(name, "RF64 file without a 'ds64' chunk giving the data size");
                    dataBytes = ds64DataBytes.Value;
                }
                else if (size == UnknownSize32)
                {
                    dataBytes = -1;
                }
                else
                {
                    dataBytes = size;
                }

                if (dataBytes >= 0 && stream.CanSeek)
                {
                    long available = stream.Length - position;
                    if (dataBytes > available)
                        throw new AudioFormatException(name,
                            $"truncated data: the data chunk declares {dataBytes} bytes but only {available} follow it " +
                            $"(the file is {stream.Length} bytes)");
                }

                Fmt f = fmt.Value;
                return new Header(f.SampleRate, f.Channels, f.BlockAlign, f.Encoding, dataBytes, position);
            }

            long padded = size + (size & 1);
            if (id == "fmt ")
            {
                if (fmt is not null)
                    throw new AudioFormatException(name, "two 'fmt ' chunks: the file is damaged or was written wrongly, and which one holds is unknown");
                if (size < 16)
                    throw new AudioFormatException(name, $"'fmt ' chunk of {size} bytes, at least 16 are needed");
                if (size > MaxFmtChunkBytes)
                    throw new AudioFormatException(name, $"'fmt ' chunk of {size} bytes is implausibly large");
                byte[] body = new byte[padded];
                got = ReadFully(stream, body);
                if (got < size)
                    throw new AudioFormatException(name, $"truncated header: the 'fmt ' chunk declares {size} bytes, the file ends after {got}");
                fmt = ParseFmt(body.AsSpan(0, (int)size), name);
            }
            else if (id == "ds64")
            {
                if (size < 24)
                    throw new AudioFormatException(name, $"'ds64' chunk of {size} bytes, at least 24 are needed");
                byte[] ds64 = new byte[24];
                if (ReadFully(stream, ds64) < 24)
                    throw new AudioFormatException(name, "truncated header inside the 'ds64' chunk");
                long data64 = BinaryPrimitives.ReadInt64LittleEndian(ds64.AsSpan(8));
                if (data64 < 0)
                    throw new AudioFormatException(name, $"'ds64' chunk declares a negative data size ({data64})");
                ds64DataBytes = data64;
                Skip(stream, padded - 24, name, id, position + 24);
            }
            else
            {
                Skip(stream, padded, name, id, position);
            }

            position += padded;
        }
    }

    private readonly record struct Fmt(int SampleRate, int Channels, int BlockAlign, WavSampleEncoding Encoding);

    private static Fmt ParseFmt(ReadOnlySpan<byte> body, string name)
    {
        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(body);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
        uint sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(body[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(body[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);

        if (tag == FormatExtensible)
        {
            if (body.Length < 40)
                throw new AudioFormatException(name, $"WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk of {body.Length} bytes, 40 are needed");
            int validBits = BinaryPrimitives.ReadUInt16LittleEndian(body[18..]);
            ReadOnlySpan<byte> guid = body[24..40];
            if (!guid[2..].SequenceEqual(SubFormatGuidTail))
                throw new AudioFormatException(name, "WAVE_FORMAT_EXTENSIBLE with a sub-format GUID that is neither PCM nor IEEE float");
            tag = BinaryPrimitives.ReadUInt16LittleEndian(guid);
            if (validBits > bits)
                throw new AudioFormatException(name, $"{validBits} valid bits in a {bits}-bit container");
        }

        if (channels == 0)
            throw new AudioFormatException(name, "the header declares 0 channels");
        if (channels > AudioFormat.MaxChannels)
            throw new AudioFormatException(name, $"the header declares {channels} channels (at most {AudioFormat.MaxChannels} are accepted); the header is corrupt");
        if (sampleRate == 0)
            throw new AudioFormatException(name, "the header declares a sample rate of 0 Hz");
        if (sampleRate > AudioFormat.MaxSampleRate)
            throw new AudioFormatException(name, $"the header declares a sample rate of {sampleRate} Hz (at most {AudioFormat.MaxSampleRate} are accepted); the header is corrupt");

        WavSampleEncoding encoding = (tag, bits) switch
        {
            (FormatPcm, 8) => WavSampleEncoding.Pcm8,
            (FormatPcm, 16) => WavSampleEncoding.Pcm16,
            (FormatPcm, 24) => WavSampleEncoding.Pcm24,
            (FormatPcm, 32) => WavSampleEncoding.Pcm32,
            (FormatIeeeFloat, 32) => WavSampleEncoding.Float32,
            (FormatIeeeFloat, 64) => WavSampleEncoding.Float64,
            (FormatPcm, _) => throw new AudioFormatException(name, $"unsupported PCM sample size of {bits} bits (8, 16, 24 and 32 are supported)"),
            (FormatIeeeFloat, _) => throw new AudioFormatException(name, $"unsupported float sample size of {bits} bits (32 and 64 are supported)"),
            _ => throw new AudioFormatException(name, $"unsupported WAV encoding 0x{tag:X4} ({DescribeTag(tag)}); convert it to PCM or float first"),
        };

        int expectedAlign = channels * encoding.BytesPerSample();
        if (blockAlign != expectedAlign)
            throw new AudioFormatException(name,
                $"block align of {blockAlign} bytes does not match {channels} channel(s) of {bits}-bit samples ({expectedAlign} bytes)");

        return new Fmt((int)sampleRate, channels, blockAlign, encoding);
    }

    private static string DescribeTag(ushort tag) => tag switch
    {
        0x0002 => "MS ADPCM",
        0x0006 => "A-law",
        0x0007 => "mu-law",
        0x0011 => "IMA ADPCM",
        0x0055 => "MPEG layer 3",
        _ => "unknown",
    };

    private static void Skip(Stream stream, long bytes, string name, string id, long position)
    {
        if (bytes == 0)
            return;
        if (stream.CanSeek)
        {
            if (stream.Position + bytes > stream.Length)
                throw new AudioFormatException(name,
                    $"truncated header: chunk '{Printable(id)}' at byte {position - 8} declares {bytes} bytes, past the end of the file");
            stream.Seek(bytes, SeekOrigin.Current);
            return;
        }

        Span<byte> scratch = stackalloc byte[4096];
        while (bytes > 0)
        {
            int n = stream.Read(scratch[..(int)Math.Min(scratch.Length, bytes)]);
            if (n == 0)
                throw new AudioFormatException(name,
                    $"truncated header: the stream ends inside chunk '{Printable(id)}' that starts at byte {position - 8}");
            bytes -= n;
        }
    }

    private static int ReadFully(Stream stream, Span<byte> buffer) => stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    private static string Describe(ReadOnlySpan<byte> magic) => $"'{Printable(System.Text.Encoding.Latin1.GetString(magic))}'";

    private static string Printable(string s) =>
        string.Concat(s.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\x{(int)c:X2}"));
}
