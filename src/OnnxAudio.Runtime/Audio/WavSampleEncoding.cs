namespace OnnxAudio.Audio;

/// <summary>How one sample is stored in a WAV data chunk.</summary>
public enum WavSampleEncoding
{
    /// <summary>8-bit unsigned integer PCM (128 is silence).</summary>
    Pcm8,
    /// <summary>16-bit signed integer PCM.</summary>
    Pcm16,
    /// <summary>24-bit signed integer PCM, packed in 3 bytes.</summary>
    Pcm24,
    /// <summary>32-bit signed integer PCM.</summary>
    Pcm32,
    /// <summary>32-bit IEEE float.</summary>
    Float32,
    /// <summary>64-bit IEEE float.</summary>
    Float64,
}

public static class WavSampleEncodingExtensions
{
    public static int BytesPerSample(this WavSampleEncoding encoding) => encoding switch
    {
        WavSampleEncoding.Pcm8 => 1,
        WavSampleEncoding.Pcm16 => 2,
        WavSampleEncoding.Pcm24 => 3,
        WavSampleEncoding.Pcm32 => 4,
        WavSampleEncoding.Float32 => 4,
        WavSampleEncoding.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    public static bool IsFloat(this WavSampleEncoding encoding) =>
        encoding is WavSampleEncoding.Float32 or WavSampleEncoding.Float64;

    public static string Describe(this WavSampleEncoding encoding) => encoding switch
    {
        WavSampleEncoding.Pcm8 => "8-bit PCM",
        WavSampleEncoding.Pcm16 => "16-bit PCM",
        WavSampleEncoding.Pcm24 => "24-bit PCM",
        WavSampleEncoding.Pcm32 => "32-bit PCM",
        WavSampleEncoding.Float32 => "32-bit float",
        WavSampleEncoding.Float64 => "64-bit float",
        _ => encoding.ToString(),
    };
}
