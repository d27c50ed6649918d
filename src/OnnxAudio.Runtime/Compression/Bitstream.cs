using System.Buffers.Binary;

namespace OnnxAudio.Compression;

/// <summary>
/// The header of an OnnxAudio codec file (.oac). Layout, version 1 (integers little-endian, "varint" = LEB128):
/// <code>
/// "OAC" (3 bytes)  version (1)  model id (4: the first bytes of the model's SHA-256 id)
/// sample rate (varint)  channels (1)  codebooks sent (1)  bits per code (1)
/// frame count (varint)  original length in samples (varint)
/// (samples per frame is the model's — the id names the model — and is not repeated in the file)
/// then blocks of up to <see cref="FramesPerBlock"/> frames, each:
///   coding (1: 0 = codes packed at their bit width, 1 = range-coded with the model's tables)
///   payload length (varint)  payload  CRC-16/CCITT (2) over the block — and, for block 0, over the header too.
/// </code>
/// Frames are code vectors: per frame, codebooks 0…n−1 in order. The file's bitrate is its size in bits over the
/// original duration; the payload alone is frames × n × bits over the duration.
/// </summary>
public sealed record BitstreamHeader(
    uint ModelId, int SampleRate, int Channels, int Codebooks, int BitsPerCode, int SamplesPerFrame, long FrameCount, long OriginalLength)
{
    public const byte Version = 1;
    public const int FramesPerBlock = 500;
    public static ReadOnlySpan<byte> Magic => "OAC"u8;

    /// <summary>Nominal payload bitrate in bits per second.</summary>
    public double PayloadBitsPerSecond => (double)Codebooks * BitsPerCode * SampleRate / SamplesPerFrame;

    public double DurationSeconds => OriginalLength / (double)SampleRate;

    internal void WriteTo(List<byte> output)
    {
        output.AddRange(Magic);
        output.Add(Version);
        Span<byte> id = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(id, ModelId);
        output.AddRange(id);
        VarInt.Write(output, (ulong)SampleRate);
        output.Add((byte)Channels);
        output.Add((byte)Codebooks);
        output.Add((byte)BitsPerCode);
        VarInt.Write(output, (ulong)FrameCount);
        VarInt.Write(output, (ulong)OriginalLength);
    }

    /// <summary>
    /// Parses a header from the start of <paramref name="data"/>; <paramref name="length"/> is its size in bytes.
    /// <paramref name="samplesPerFrame"/> is the decoding model's.
    /// </summary>
    internal static BitstreamHeader Read(string name, ReadOnlySpan<byte> data, int samplesPerFrame, out int length)
    {
        if (data.Length < 4 || !data[..3].SequenceEqual(Magic))
            throw new BitstreamException($"{name}: not an OnnxAudio codec file (no 'OAC' signature)");
        if (data[3] != Version)
            throw new BitstreamException($"{name}: bitstream version {data[3]} is not supported (this build reads version {Version})");
        int p = 4;
        if (data.Length < p + 4)
            throw Truncated(name, p);
        uint id = BinaryPrimitives.ReadUInt32LittleEndian(data[p..]);
        p += 4;
        ulong rate = ReadVar(name, data, ref p, "sample rate");
        if (data.Length < p + 3)
            throw Truncated(name, p);
        int channels = data[p++], codebooks = data[p++], bits = data[p++];
        ulong frames = ReadVar(name, data, ref p, "frame count");
        ulong original = ReadVar(name, data, ref p, "original length");
        if (rate is 0 or > 1_536_000 || channels != 1 || codebooks is 0 or > 64 || bits is 0 or > 16)
            throw new BitstreamException($"{name}: invalid header (rate {rate}, channels {channels}, codebooks {codebooks}, bits {bits})");
        if (frames > (ulong)(long.MaxValue / samplesPerFrame) || original > frames * (ulong)samplesPerFrame)
            throw new BitstreamException($"{name}: invalid header ({frames} frames cannot hold {original} samples)");
        length = p;
        return new BitstreamHeader(id, (int)rate, channels, codebooks, bits, samplesPerFrame, (long)frames, (long)original);
    }

    private static ulong ReadVar(string name, ReadOnlySpan<byte> data, ref int position, string what) =>
        VarInt.TryRead(data, ref position, out ulong value) ? value : throw new BitstreamException($"{name}: header truncated or damaged at byte {position} ({what})");

    internal static BitstreamException Truncated(string name, long position) => new($"{name}: the file ends early (at byte {position})");
}

/// <summary>Block coding of code frames: packing or range coding, whichever is smaller when range coding is allowed.</summary>
internal static class BlockCoding
{
    public const byte Packed = 0, RangeCoded = 1;

    /// <summary>Appends one block (coding byte, length, payload, CRC) for <paramref name="frames"/> frames of codes.</summary>
    public static void Write(List<byte> output, ReadOnlySpan<int> codes, int frames, int codebooks, int bits, CodeTables? tables, int crcFrom)
    {
        var packed = new List<byte>(frames * codebooks * bits / 8 + 1);
        var writer = new BitWriter(packed);
        for (int i = 0; i < frames * codebooks; i++)
            writer.Write((uint)codes[i], bits);
        writer.Flush();

        List<byte> payload = packed;
        byte coding = Packed;
        if (tables is not null)
        {
            var coded = new List<byte>(packed.Count);
            var encoder = new RangeEncoder(coded);
            for (int t = 0; t < frames; t++)
                for (int c = 0; c < codebooks; c++)
                {
                    ReadOnlySpan<uint> cumulative = tables.Cumulative(c);
                    int s = codes[t * codebooks + c];
                    encoder.Encode(cumulative[s], cumulative[s + 1] - cumulative[s], cumulative[^1]);
                }

            encoder.Finish();
            if (coded.Count < packed.Count)
            {
                payload = coded;
                coding = RangeCoded;
            }
        }

        output.Add(coding);
        VarInt.Write(output, (ulong)payload.Count);
        output.AddRange(payload);
        ushort crc = Crc16.Compute(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output)[crcFrom..]);
        output.Add((byte)crc);
        output.Add((byte)(crc >> 8));
    }

    /// <summary>Decodes a block's payload into <paramref name="codes"/> (frames × codebooks); false if it does not hold that many codes.</summary>
    public static bool TryDecode(byte coding, ReadOnlySpan<byte> payload, Span<int> codes, int frames, int codebooks, int bits, CodeTables? tables)
    {
        if (coding == Packed)
        {
            var reader = new BitReader(payload);
            for (int i = 0; i < frames * codebooks; i++)
            {
                if (!reader.TryRead(bits, out uint v))
                    return false;
                codes[i] = (int)v;
            }

            return true;
        }

        if (coding != RangeCoded || tables is null)
            return false;
        var decoder = new RangeDecoder(payload);
        for (int t = 0; t < frames; t++)
            for (int c = 0; c < codebooks; c++)
                codes[t * codebooks + c] = decoder.Decode(tables.Cumulative(c));
        return decoder.Overrun <= 4;
    }
}
