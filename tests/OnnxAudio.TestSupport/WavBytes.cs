using System.Text;

namespace OnnxAudio.Tests.TestSupport;

/// <summary>
/// Builds WAV files byte by byte, written from the RIFF/WAVE specification independently of the code under test, so
/// reader tests compare against bytes nobody's writer produced.
/// </summary>
public sealed class WavBytes
{
    private readonly MemoryStream _body = new();
    private string _riffId = "RIFF";
    private uint? _riffSizeOverride;

    public static WavBytes Riff() => new();

    public static WavBytes Rf64()
    {
        var w = new WavBytes { _riffId = "RF64", _riffSizeOverride = 0xFFFFFFFF };
        return w;
    }

    public WavBytes Chunk(string id, byte[] payload, uint? declaredSize = null, bool pad = true)
    {
        _body.Write(Encoding.ASCII.GetBytes(id));
        _body.Write(BitConverter.GetBytes(declaredSize ?? (uint)payload.Length));
        _body.Write(payload);
        if (pad && payload.Length % 2 == 1)
            _body.WriteByte(0);
        return this;
    }

    /// <summary>A plain 'fmt ' chunk (16 bytes; 18 with cbSize for non-PCM tags).</summary>
    public WavBytes Fmt(ushort tag, int channels, int rate, int bits, int? blockAlign = null, bool withCbSize = false)
    {
        int align = blockAlign ?? channels * bits / 8;
        var p = new List<byte>();
        p.AddRange(BitConverter.GetBytes(tag));
        p.AddRange(BitConverter.GetBytes((ushort)channels));
        p.AddRange(BitConverter.GetBytes((uint)rate));
        p.AddRange(BitConverter.GetBytes((uint)(rate * align)));
        p.AddRange(BitConverter.GetBytes((ushort)align));
        p.AddRange(BitConverter.GetBytes((ushort)bits));
        if (withCbSize)
            p.AddRange(BitConverter.GetBytes((ushort)0));
        return Chunk("fmt ", p.ToArray());
    }

    /// <summary>A WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk with the KSDATAFORMAT sub-type for <paramref name="subTag"/>.</summary>
    public WavBytes FmtExtensible(ushort subTag, int channels, int rate, int containerBits, int validBits, uint channelMask)
    {
        int align = channels * containerBits / 8;
        var p = new List<byte>();
        p.AddRange(BitConverter.GetBytes((ushort)0xFFFE));
        p.AddRange(BitConverter.GetBytes((ushort)channels));
        p.AddRange(BitConverter.GetBytes((uint)rate));
        p.AddRange(BitConverter.GetBytes((uint)(rate * align)));
        p.AddRange(BitConverter.GetBytes((ushort)align));
        p.AddRange(BitConverter.GetBytes((ushort)containerBits));
        p.AddRange(BitConverter.GetBytes((ushort)22));
        p.AddRange(BitConverter.GetBytes((ushort)validBits));
        p.AddRange(BitConverter.GetBytes(channelMask));
        // {0000xxxx-0000-0010-8000-00AA00389B71}
        p.AddRange(BitConverter.GetBytes(subTag));
        p.AddRange(new byte[] { 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 });
        return Chunk("fmt ", p.ToArray());
    }

    public WavBytes Ds64(long riffSize, long dataSize, long sampleCount)
    {
        var p = new List<byte>();
        p.AddRange(BitConverter.GetBytes(riffSize));
        p.AddRange(BitConverter.GetBytes(dataSize));
        p.AddRange(BitConverter.GetBytes(sampleCount));
        p.AddRange(BitConverter.GetBytes(0u)); // table length
        return Chunk("ds64", p.ToArray());
    }

    public WavBytes Data(byte[] samples, uint? declaredSize = null) => Chunk("data", samples, declaredSize);

    public byte[] ToArray()
    {
        byte[] body = _body.ToArray();
        var all = new MemoryStream();
        all.Write(Encoding.ASCII.GetBytes(_riffId));
        all.Write(BitConverter.GetBytes(_riffSizeOverride ?? (uint)(4 + body.Length)));
        all.Write("WAVE"u8);
        all.Write(body);
        return all.ToArray();
    }

    public static byte[] Int16Le(params short[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static byte[] Int24Le(params int[] values) =>
        values.SelectMany(v => new[] { (byte)v, (byte)(v >> 8), (byte)(v >> 16) }).ToArray();

    public static byte[] Int32Le(params int[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static byte[] Float32Le(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static byte[] Float64Le(params double[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}
