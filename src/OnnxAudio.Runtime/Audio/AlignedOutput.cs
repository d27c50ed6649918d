namespace OnnxAudio.Audio;

/// <summary>
/// Turns a processor's lagging output stream into one aligned with its input: drops the first <c>delay</c> samples and
/// passes on at most <c>limit</c> (the input's length), so the result starts and ends where the input did.
/// </summary>
internal sealed class AlignedOutput(long delay, long limit, Action<ReadOnlySpan<float>> sink)
{
    private long _skip = delay;

    public long Written { get; private set; }

    public void Accept(ReadOnlySpan<float> produced)
    {
        int drop = (int)Math.Min(_skip, produced.Length);
        _skip -= drop;
        produced = produced[drop..];
        if (produced.Length > limit - Written)
            produced = produced[..(int)(limit - Written)];
        if (produced.IsEmpty)
            return;
        sink(produced);
        Written += produced.Length;
    }
}
