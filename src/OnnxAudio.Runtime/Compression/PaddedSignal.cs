namespace OnnxAudio.Compression;

/// <summary>
/// The codec's view of a signal arriving block by block: the samples, zero-padded at the end to whole code frames plus
/// one more, then mirrored at both ends as torch.stft's reflect centring does. Holds only what is not yet discarded.
/// </summary>
internal sealed class PaddedSignal(int samplesPerFrame)
{
    private float[] _buffer = new float[1 << 16];
    private long _start;     // signal index of _buffer[0]
    private int _count;      // samples held
    private long _length;    // samples appended so far

    /// <summary>Samples appended (the original length once <see cref="End"/> was called).</summary>
    public long Length => _length;

    public long AvailableSamples => _length;

    public bool Ended { get; private set; }

    /// <summary>The zero-padded length: whole frames plus one frame.</summary>
    public long PaddedLength => (_length + samplesPerFrame - 1) / samplesPerFrame * samplesPerFrame + samplesPerFrame;

    public void Append(ReadOnlySpan<float> samples)
    {
        if (_count + samples.Length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_count + samples.Length, 2 * _buffer.Length));
        samples.CopyTo(_buffer.AsSpan(_count));
        _count += samples.Length;
        _length += samples.Length;
    }

    public void End() => Ended = true;

    /// <summary>Forgets samples before signal index <paramref name="index"/>.</summary>
    public void DiscardBefore(long index)
    {
        int drop = (int)Math.Clamp(index - _start, 0, _count);
        if (drop == 0)
            return;
        Array.Copy(_buffer, drop, _buffer, 0, _count - drop);
        _count -= drop;
        _start += drop;
    }

    /// <summary>Samples [start, start + length) of the mirrored, zero-padded signal (start may be negative).</summary>
    public void Window(long start, Span<float> window)
    {
        long padded = PaddedLength;
        for (int i = 0; i < window.Length; i++)
        {
            long p = start + i;
            if (p < 0)
                p = -p;
            else if (Ended && p >= padded)
                p = 2 * (padded - 1) - p;
            window[i] = Sample(p);
        }
    }

    private float Sample(long index)
    {
        if (index >= _length)
        {
            if (!Ended && index < long.MaxValue)
                throw new InvalidOperationException($"Sample {index} has not arrived yet.");
            return 0f;
        }

        long offset = index - _start;
        if (offset < 0)
            throw new InvalidOperationException($"Sample {index} was discarded already.");
        return _buffer[offset];
    }
}
