namespace OnnxAudio.Training.Data;

/// <summary>
/// Seeds derived from several integers, identical in every process (System.HashCode is randomised per process, which
/// would make a resumed run or a re-generated corpus differ). SplitMix64 finalisation (Steele, Lea &amp; Flood, 2014).
/// </summary>
public static class StableHash
{
    public static int Combine(params ReadOnlySpan<long> values)
    {
        ulong h = 0x9E3779B97F4A7C15;
        foreach (long v in values)
            h = Mix(h ^ (ulong)v);
        return (int)(h ^ (h >> 32));
    }

    public static int Combine(string text, params ReadOnlySpan<long> values)
    {
        ulong h = 0xCBF29CE484222325; // FNV-1a over the UTF-16 code units, then mixed
        foreach (char c in text)
            h = (h ^ c) * 0x100000001B3;
        foreach (long v in values)
            h = Mix(h ^ (ulong)v);
        return (int)(Mix(h) >> 32);
    }

    internal static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
