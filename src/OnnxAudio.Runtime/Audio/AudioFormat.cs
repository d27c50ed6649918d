namespace OnnxAudio.Audio;

/// <summary>Sample rate and channel count of an interleaved float stream.</summary>
public readonly record struct AudioFormat
{
    /// <summary>Highest channel count accepted from a file header; more is treated as a corrupt header.</summary>
    public const int MaxChannels = 256;

    /// <summary>Highest sample rate accepted from a file header (Hz).</summary>
    public const int MaxSampleRate = 1_536_000;

    public AudioFormat(int sampleRate, int channels)
    {
        if (sampleRate <= 0 || sampleRate > MaxSampleRate)
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, $"sample rate must be 1..{MaxSampleRate} Hz");
        if (channels <= 0 || channels > MaxChannels)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, $"channel count must be 1..{MaxChannels}");
        SampleRate = sampleRate;
        Channels = channels;
    }

    public int SampleRate { get; }

    public int Channels { get; }

    public override string ToString() => $"{SampleRate} Hz, {Channels} ch";
}
