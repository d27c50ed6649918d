namespace OnnxAudio.Audio;

/// <summary>A whole piece of audio in memory: interleaved samples and their format.</summary>
public sealed class AudioClip
{
    public AudioClip(float[] samples, AudioFormat format)
    {
        if (samples.Length % format.Channels != 0)
            throw new ArgumentException($"{samples.Length} samples is not a whole number of {format.Channels}-channel frames.", nameof(samples));
        Samples = samples;
        Format = format;
    }

    /// <summary>Interleaved samples, nominally in [-1, 1].</summary>
    public float[] Samples { get; }

    public AudioFormat Format { get; }

    public long Frames => Samples.Length / Format.Channels;

    public TimeSpan Duration => TimeSpan.FromSeconds(Frames / (double)Format.SampleRate);
}
