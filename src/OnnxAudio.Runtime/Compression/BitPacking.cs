namespace OnnxAudio.Compression;

/// <summary>Writes unsigned values of a fixed bit width, least significant bit first, into bytes.</summary>
internal sealed class BitWriter(List<byte> output)
{
    private ulong _buffer;
    private int _bits;

    public void Write(uint value, int width)
    {
        _buffer |= (ulong)(value & ((1u << width) - 1)) << _bits;
        _bits += width;
        while (_bits >= 8)
        {
            output.Add((byte)_buffer);
            _buffer >>= 8;
            _bits -= 8;
        }
    }

    /// <summary>Pads the last byte with zero bits.</summary>
    public void Flush()
    {
        if (_bits > 0)
            output.Add((byte)_buffer);
        _buffer = 0;
        _bits = 0;
    }
}

/// <summary>Reads what <see cref="BitWriter"/> wrote; reading past the end is reported, never undefined.</summary>
internal ref struct BitReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;
    private ulong _buffer;
    private int _bits;

    public bool TryRead(int width, out uint value)
    {
        while (_bits < width)
        {
            if (_position >= _data.Length)
            {
                value = 0;
                return false;
            }

            _buffer |= (ulong)_data[_position++] << _bits;
            _bits += 8;
        }

        value = (uint)(_buffer & ((1ul << width) - 1));
        _buffer >>= width;
        _bits -= width;
        return true;
    }
}

/// <summary>CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF), table-driven.</summary>
internal static class Crc16
{
    private static readonly ushort[] Table = BuildTable();

    public static ushort Compute(ReadOnlySpan<byte> data, ushort crc = 0xFFFF)
    {
        foreach (byte b in data)
            crc = (ushort)((crc << 8) ^ Table[(crc >> 8) ^ b]);
        return crc;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            ushort c = (ushort)(i << 8);
            for (int k = 0; k < 8; k++)
                c = (ushort)((c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1);
            table[i] = c;
        }

        return table;
    }
}

/// <summary>LEB128 variable-length unsigned integers.</summary>
internal static class VarInt
{
    public static void Write(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }

    /// <summary>Reads a value of at most <paramref name="maxBytes"/> bytes; false if the data ends or the value is too long.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, ref int position, out ulong value, int maxBytes = 9)
    {
        value = 0;
        for (int i = 0; i < maxBytes; i++)
        {
            if (position >= data.Length)
                return false;
            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
                return true;
        }

        return false;
    }
}
