using FsCheck;
using FsCheck.Fluent;
using OnnxAudio.Compression;

namespace OnnxAudio.Tests.Compression;

/// <summary>The bitstream's building blocks against known values and round trips: CRC, varints, bit packing, range coding.</summary>
public class EntropyCodingTests
{
    [Fact]
    public void Crc16_matches_the_ccitt_false_check_value()
    {
        // The catalogue check value of CRC-16/CCITT-FALSE over the ASCII digits 1–9.
        Assert.Equal(0x29B1, Crc16.Compute("123456789"u8));
    }

    [Theory]
    [InlineData(0ul, 1)]
    [InlineData(127ul, 1)]
    [InlineData(128ul, 2)]
    [InlineData(16000ul, 2)]
    [InlineData(ulong.MaxValue, 10)]
    public void Varints_round_trip_with_the_leb128_length(ulong value, int bytes)
    {
        var output = new List<byte>();
        VarInt.Write(output, value);
        Assert.Equal(bytes, output.Count);
        int position = 0;
        Assert.True(VarInt.TryRead(output.ToArray(), ref position, out ulong back, maxBytes: 10));
        Assert.Equal(value, back);
        position = 0;
        Assert.False(VarInt.TryRead(output.ToArray()[..^1], ref position, out _, maxBytes: 10));
    }

    [Fact]
    public void Bit_packing_round_trips_any_widths()
    {
        Prop.ForAll(Gen.Choose(1, 16).ToArbitrary(), Gen.Choose(0, 65535).ArrayOf().ToArbitrary(), (width, raw) =>
        {
            uint[] values = raw.Select(v => (uint)v & ((1u << width) - 1)).ToArray();
            var bytes = new List<byte>();
            var writer = new BitWriter(bytes);
            foreach (uint v in values)
                writer.Write(v, width);
            writer.Flush();
            Assert.Equal((values.Length * width + 7) / 8, bytes.Count);
            var reader = new BitReader(bytes.ToArray());
            foreach (uint v in values)
            {
                Assert.True(reader.TryRead(width, out uint back));
                Assert.Equal(v, back);
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Range_coding_round_trips_and_approaches_the_entropy()
    {
        // A skewed 1024-symbol source (geometric): the coded size must be within 1 % + a few bytes of its entropy.
        var random = new Random(5);
        int size = 1024;
        var frequencies = new ushort[size];
        double[] p = Enumerable.Range(0, size).Select(s => Math.Pow(0.99, s)).ToArray();
        double sum = p.Sum();
        for (int s = 0; s < size; s++)
            frequencies[s] = (ushort)Math.Max(1, Math.Round(p[s] / sum * 30000));
        var tables = new CodeTables(frequencies, 1, size);
        uint[] cumulative = tables.Cumulative(0).ToArray();
        int[] symbols = Enumerable.Range(0, 20000).Select(_ =>
        {
            uint target = (uint)random.Next((int)cumulative[^1]);
            int s = 0;
            while (cumulative[s + 1] <= target)
                s++;
            return s;
        }).ToArray();

        var bytes = new List<byte>();
        var encoder = new RangeEncoder(bytes);
        foreach (int s in symbols)
            encoder.Encode(cumulative[s], cumulative[s + 1] - cumulative[s], cumulative[^1]);
        encoder.Finish();
        double entropyBits = symbols.Sum(s => -Math.Log2((cumulative[s + 1] - cumulative[s]) / (double)cumulative[^1]));
        Assert.InRange(bytes.Count * 8, entropyBits, entropyBits * 1.01 + 64);

        var decoder = new RangeDecoder(bytes.ToArray());
        foreach (int s in symbols)
            Assert.Equal(s, decoder.Decode(cumulative));
        Assert.Equal(0, decoder.Overrun);
    }

    [Fact]
    public void Range_decoding_garbage_terminates_with_symbols_in_range()
    {
        var tables = CodeTables.Uniform(1, 1024);
        Prop.ForAll(Gen.Choose(0, 255).ArrayOf().ToArbitrary(), raw =>
        {
            var decoder = new RangeDecoder(raw.Select(b => (byte)b).ToArray());
            for (int i = 0; i < 200; i++)
                Assert.InRange(decoder.Decode(tables.Cumulative(0)), 0, 1023);
        }).QuickCheckThrowOnFailure();
    }
}
