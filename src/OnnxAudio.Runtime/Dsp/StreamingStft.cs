namespace OnnxAudio.Dsp;

/// <summary>
/// Causal STFT for real-time use: push samples as they arrive, read frames as soon as they are complete. Frame t covers
/// samples [t·hop, t·hop + n_fft) — the same frames as <see cref="Stft"/> with <c>Center = false</c> (the Center and
/// PadMode options are ignored). Memory is bounded by n_fft plus what was pushed and not yet read. One instance per
/// stream; not thread-safe.
/// </summary>
public sealed class StreamingStft
{
    private readonly Stft _stft;
    private float[] _buffer;
    private int _count;       // samples held, starting at the next frame's first sample
    private long _framesRead;

    public StreamingStft(StftOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _stft = new Stft(options.WithoutCentering());
        _buffer = new float[2 * options.NFft];
    }

    public int NFft => _stft.NFft;

    public int HopLength => _stft.HopLength;

    public int Bins => _stft.Bins;

    /// <summary>Frames that can be read now.</summary>
    public int AvailableFrames => _count < NFft ? 0 : 1 + (_count - NFft) / HopLength;

    /// <summary>Frames read since the start of the stream.</summary>
    public long FramesRead => _framesRead;

    public void Push(ReadOnlySpan<float> samples)
    {
        if (_count + samples.Length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_count + samples.Length, 2 * _buffer.Length));
        samples.CopyTo(_buffer.AsSpan(_count));
        _count += samples.Length;
    }

    /// <summary>Reads the next frame's <see cref="Bins"/> bins if it is complete.</summary>
    public bool TryReadFrame(Span<float> real, Span<float> imag)
    {
        if (_count < NFft)
            return false;
        _stft.ForwardFrames<ScalarLane>(_buffer.AsSpan(0, NFft), 0, 1, real, imag);
        int drop = Math.Min(HopLength, _count);
        Array.Copy(_buffer, drop, _buffer, 0, _count - drop);
        _count -= drop;
        _framesRead++;
        return true;
    }

    /// <summary>Forgets everything pushed: a new stream starts.</summary>
    public void Reset()
    {
        _count = 0;
        _framesRead = 0;
    }
}
