namespace OnnxAudio.Compression;

/// <summary>
/// Static per-codebook symbol frequencies for the range coder, shipped in the model's metadata (measured on its
/// training data), as cumulative tables with a total of at most 2^16.
/// </summary>
internal sealed class CodeTables
{
    private readonly uint[][] _cumulative;

    public CodeTables(ushort[] frequencies, int codebooks, int size)
    {
        if (frequencies.Length != codebooks * size)
            throw new ArgumentException($"{frequencies.Length} frequencies do not fill {codebooks} tables of {size}.");
        _cumulative = new uint[codebooks][];
        for (int c = 0; c < codebooks; c++)
        {
            var cumulative = new uint[size + 1];
            for (int s = 0; s < size; s++)
                cumulative[s + 1] = cumulative[s] + Math.Max((uint)1, frequencies[c * size + s]);
            if (cumulative[size] > 1 << 16)
                throw new ArgumentException($"Codebook {c}: the frequencies sum to {cumulative[size]}, more than 2^16.");
            _cumulative[c] = cumulative;
        }
    }

    public ReadOnlySpan<uint> Cumulative(int codebook) => _cumulative[codebook];

    /// <summary>Uniform tables: what the range coder then does equals plain packing (used when a model ships no tables).</summary>
    public static CodeTables Uniform(int codebooks, int size) => new(Enumerable.Repeat((ushort)1, codebooks * size).ToArray(), codebooks, size);

    /// <summary>Parses base64 little-endian uint16 frequencies, as the exporter writes them.</summary>
    public static CodeTables? FromMetadata(string? base64, int codebooks, int size)
    {
        if (string.IsNullOrEmpty(base64))
            return null;
        byte[] bytes = Convert.FromBase64String(base64);
        var frequencies = new ushort[bytes.Length / 2];
        for (int i = 0; i < frequencies.Length; i++)
            frequencies[i] = (ushort)(bytes[2 * i] | bytes[2 * i + 1] << 8);
        return new CodeTables(frequencies, codebooks, size);
    }
}
