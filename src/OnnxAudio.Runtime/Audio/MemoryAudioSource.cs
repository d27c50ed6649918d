namespace OnnxAudio.Audio;

/// <summary>Interleaved samples held in memory, read as an <see cref="IAudioSource"/> (for the streaming APIs).</summary>
public sealed class MemoryAudioSource(ReadOnlyMemory<float> samples, AudioFormat format, string name = "samples") : IAudioSource
{
    private int _position;

    public string Name => name;

    public AudioFormat Format => format;

    public long? LengthFrames => samples.Length / format.Channels;

    public int Read(Span<float> buffer)
    {
        int channels = format.Channels;
        int n = Math.Min(buffer.Length / channels * channels, samples.Length - _position);
        samples.Span.Slice(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public void Dispose()
    {
    }
}
