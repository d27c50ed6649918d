using System.Buffers.Binary;

namespace OnnxAudio.Compression;

/// <summary>
/// Collects code frames and writes them as blocks. Block 0 stays in memory (its CRC also covers the header, which is
/// only known at the end); later blocks go to a temporary file, so memory stays flat for any length.
/// </summary>
internal sealed class BlockSink(SpeechCodec codec, int codebooks, CodeTables? tables) : IDisposable
{
    private readonly int[] _pending = new int[BitstreamHeader.FramesPerBlock * codebooks];
    private int _pendingCodes;
    private List<byte>? _firstBlock;
    private FileStream? _rest;

    public void Add(int code)
    {
        _pending[_pendingCodes++] = code;
        if (_pendingCodes == _pending.Length)
            FlushBlock();
    }

    public void Finish(BitstreamHeader header, Stream output)
    {
        if (_pendingCodes > 0 || _firstBlock is null)
            FlushBlock();
        var head = new List<byte>();
        header.WriteTo(head);
        // Block 0 follows the header; its CRC covers both.
        head.AddRange(_firstBlock!);
        output.Write(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(head));
        ushort crc = Crc16.Compute(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(head));
        Span<byte> crcBytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(crcBytes, crc);
        output.Write(crcBytes);
        if (_rest is not null)
        {
            _rest.Position = 0;
            _rest.CopyTo(output);
        }

        output.Flush();
        Dispose();
    }

    private void FlushBlock()
    {
        int frames = _pendingCodes / codebooks;
        var block = new List<byte>();
        BlockCoding.Write(block, _pending.AsSpan(0, _pendingCodes), frames, codebooks, codec.BitsPerCode, tables, crcFrom: 0);
        if (_firstBlock is null)
        {
            // Keep block 0 without its CRC; Finish recomputes it over header + block.
            block.RemoveRange(block.Count - 2, 2);
            _firstBlock = block;
        }
        else
        {
            _rest ??= new FileStream(Path.Combine(Path.GetTempPath(), $"onnxaudio-{Guid.NewGuid():N}.blocks"), FileMode.CreateNew,
                FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            _rest.Write(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(block));
        }

        _pendingCodes = 0;
    }

    public void Dispose()
    {
        _rest?.Dispose();
        _rest = null;
    }
}

/// <summary>
/// Reads an .oac stream block by block, checking each block's CRC before decoding it, and serves code frames by index
/// while holding only the blocks still needed. Every failure is a <see cref="BitstreamException"/> with the position.
/// </summary>
internal sealed class BlockSource
{
    private readonly SpeechCodec _codec;
    private readonly Stream _input;
    private readonly string _name;
    private readonly List<(long First, int[] Codes)> _blocks = new();
    private long _framesRead;
    private int _blockIndex;
    private long _position;
    private readonly byte[] _headerBytes;
    private readonly byte[] _pushback;
    private int _pushbackPosition;

    public BlockSource(SpeechCodec codec, Stream input, string name)
    {
        _codec = codec;
        _input = input;
        _name = name;
        _pushback = [];
        _headerBytes = [];
        // The header is at most ~40 bytes; read enough to parse it.
        var start = new byte[64];
        int got = ReadUpTo(start);
        Header = BitstreamHeader.Read(name, start.AsSpan(0, got), codec.SamplesPerFrame, out int length);
        _headerBytes = start[..length];
        // Put back what belongs to the blocks.
        _pushback = start.AsSpan(length, got - length).ToArray();
        _position = length;
    }

    public BitstreamHeader Header { get; }

    /// <summary>Code frames [from, to) frame-major (to − from) × codebooks.</summary>
    public int[] Codes(long from, long to)
    {
        while (_framesRead < to)
            ReadBlock();
        int n = Header.Codebooks;
        var result = new int[(to - from) * n];
        foreach (var (first, codes) in _blocks)
        {
            long frames = codes.Length / n;
            long lo = Math.Max(from, first), hi = Math.Min(to, first + frames);
            if (lo < hi)
                Array.Copy(codes, (lo - first) * n, result, (lo - from) * n, (hi - lo) * n);
        }

        return result;
    }

    /// <summary>Forgets blocks that end before frame <paramref name="frame"/>.</summary>
    public void Release(long frame) => _blocks.RemoveAll(b => b.First + b.Codes.Length / Header.Codebooks <= frame);

    public void EnsureFullyRead()
    {
        if (_framesRead < Header.FrameCount)
            throw BitstreamHeader.Truncated(_name, _position);
        Span<byte> probe = stackalloc byte[1];
        if (ReadUpTo(probe) > 0)
            throw new BitstreamException($"{_name}: unexpected data after the last block (at byte {_position})");
    }

    private void ReadBlock()
    {
        if (_framesRead >= Header.FrameCount)
            throw BitstreamHeader.Truncated(_name, _position);
        long blockStart = _position;
        int frames = (int)Math.Min(BitstreamHeader.FramesPerBlock, Header.FrameCount - _framesRead);
        int n = Header.Codebooks, bits = Header.BitsPerCode;
        var raw = new List<byte>(16);
        byte coding = ReadByte(raw);
        ulong length = 0;
        for (int i = 0, shift = 0; ; i++, shift += 7)
        {
            if (i == 5)
                throw Damaged(blockStart, "invalid payload length");
            byte b = ReadByte(raw);
            length |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                break;
        }

        long packedBytes = ((long)frames * n * bits + 7) / 8;
        if (length > (ulong)packedBytes + 16)
            throw Damaged(blockStart, $"payload of {length} bytes is impossible for {frames} frames");
        var payload = new byte[length];
        if (ReadUpTo(payload) < payload.Length)
            throw BitstreamHeader.Truncated(_name, _position);
        raw.AddRange(payload);
        Span<byte> crcBytes = stackalloc byte[2];
        if (ReadUpTo(crcBytes) < 2)
            throw BitstreamHeader.Truncated(_name, _position);
        ushort expected = BinaryPrimitives.ReadUInt16LittleEndian(crcBytes);
        ushort crc = _blockIndex == 0
            ? Crc16.Compute(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(raw), Crc16.Compute(_headerBytes))
            : Crc16.Compute(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(raw));
        if (crc != expected)
            throw Damaged(blockStart, "CRC mismatch (the file is corrupted)");
        var codes = new int[frames * n];
        if (!BlockCoding.TryDecode(coding, payload, codes, frames, n, bits, _codec.Tables))
            throw Damaged(blockStart, coding is BlockCoding.Packed or BlockCoding.RangeCoded ? "payload does not decode" : $"unknown block coding {coding}");
        foreach (int c in codes)
            if (c >= _codec.CodebookSize)
                throw Damaged(blockStart, $"code {c} outside the codebook");
        _blocks.Add((_framesRead, codes));
        _framesRead += frames;
        _blockIndex++;
    }

    private BitstreamException Damaged(long position, string problem) => new($"{_name}: block {_blockIndex} at byte {position}: {problem}");

    private byte ReadByte(List<byte> raw)
    {
        Span<byte> one = stackalloc byte[1];
        if (ReadUpTo(one) < 1)
            throw BitstreamHeader.Truncated(_name, _position);
        raw.Add(one[0]);
        return one[0];
    }

    private int ReadUpTo(Span<byte> buffer)
    {
        int total = 0;
        if (_pushbackPosition < _pushback.Length)
        {
            int n = Math.Min(buffer.Length, _pushback.Length - _pushbackPosition);
            _pushback.AsSpan(_pushbackPosition, n).CopyTo(buffer);
            _pushbackPosition += n;
            total = n;
        }

        while (total < buffer.Length)
        {
            int n = _input.Read(buffer[total..]);
            if (n == 0)
                break;
            total += n;
        }

        _position += total;
        return total;
    }
}
