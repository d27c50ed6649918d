namespace OnnxAudio.Compression;

/// <summary>
/// Multi-symbol range encoder (Subbotin-style, with LZMA's carry handling: a 64-bit low, a cached byte and a count of
/// pending 0xFF bytes). Symbols are coded with static cumulative frequencies whose total is at most 2^16.
/// </summary>
internal sealed class RangeEncoder
{
    private const uint Top = 1u << 24;
    private readonly List<byte> _output;
    private ulong _low;
    private uint _range = uint.MaxValue;
    private byte _cache;
    private long _cacheSize = 1;

    public RangeEncoder(List<byte> output) => _output = output;

    public void Encode(uint cumulative, uint frequency, uint total)
    {
        uint r = _range / total;
        _low += (ulong)r * cumulative;
        _range = r * frequency;
        while (_range < Top)
        {
            _range <<= 8;
            ShiftLow();
        }
    }

    /// <summary>Writes the bytes that pin the final interval down.</summary>
    public void Finish()
    {
        for (int i = 0; i < 5; i++)
            ShiftLow();
    }

    private void ShiftLow()
    {
        if (_low < 0xFF000000UL || _low > 0xFFFFFFFFUL)
        {
            byte carry = (byte)(_low >> 32);
            byte temp = _cache;
            do
            {
                _output.Add((byte)(temp + carry));
                temp = 0xFF;
            }
            while (--_cacheSize != 0);
            _cache = (byte)(_low >> 24);
        }

        _cacheSize++;
        _low = (_low & 0x00FFFFFFUL) << 8;
    }
}

/// <summary>The decoder of <see cref="RangeEncoder"/>. Reading past the data yields zero bytes, so it never fails or hangs on damaged input.</summary>
internal ref struct RangeDecoder
{
    private const uint Top = 1u << 24;
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private uint _range;
    private uint _code;

    public RangeDecoder(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        _range = uint.MaxValue;
        _code = 0;
        for (int i = 0; i < 5; i++)
            _code = (_code << 8) | NextByte();
    }

    /// <summary>Bytes consumed beyond the data's end (a well-formed stream consumes none).</summary>
    public readonly int Overrun => Math.Max(0, _position - _data.Length);

    /// <summary>Decodes one symbol given its table's cumulative frequencies (length symbols + 1, last = total).</summary>
    public int Decode(ReadOnlySpan<uint> cumulative)
    {
        uint total = cumulative[^1];
        uint r = _range / total;
        uint target = Math.Min(_code / r, total - 1);
        // The largest symbol s with cumulative[s] ≤ target.
        int lo = 0, hi = cumulative.Length - 2;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (cumulative[mid] <= target)
                lo = mid;
            else
                hi = mid - 1;
        }

        _code -= r * cumulative[lo];
        _range = r * (cumulative[lo + 1] - cumulative[lo]);
        while (_range < Top)
        {
            _code = (_code << 8) | NextByte();
            _range <<= 8;
        }

        return lo;
    }

    private uint NextByte()
    {
        uint b = _position < _data.Length ? _data[_position] : 0u;
        _position++;
        return b;
    }
}
