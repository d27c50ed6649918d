namespace OnnxAudio.Audio;

/// <summary>Wraps a multi-channel source as mono by averaging its channels.</summary>
public sealed class MonoDownmixSource : IAudioSource
{
    private readonly IAudioSource _inner;
    private float[] _frames = [];

    public MonoDownmixSource(IAudioSource inner)
    {
        _inner = inner;
        Format = new AudioFormat(inner.Format.SampleRate, 1);
    }

    public string Name => _inner.Name;

    public AudioFormat Format { get; }

    public long? LengthFrames => _inner.LengthFrames;

    public int Read(Span<float> buffer)
    {
        int channels = _inner.Format.Channels;
        if (channels == 1)
            return _inner.Read(buffer);
        int needed = buffer.Length * channels;
        if (_frames.Length < needed)
            _frames = new float[needed];
        int n = _inner.Read(_frames.AsSpan(0, needed));
        ChannelMixer.DownmixToMono(_frames.AsSpan(0, n), channels, buffer);
        return n / channels;
    }

    public void Dispose() => _inner.Dispose();
}
