namespace OnnxAudio.Audio;

/// <summary>
/// A pull source of interleaved float samples, read block by block so any length is processed in constant memory.
/// This is the seam for other decoders: an NAudio <c>ISampleProvider</c> (whose <c>Read(float[], int, int)</c> has the
/// same contract) adapts in a few lines.
/// </summary>
public interface IAudioSource : IDisposable
{
    /// <summary>A name for messages: the file path, or a description of the stream.</summary>
    string Name { get; }

    AudioFormat Format { get; }

    /// <summary>Total length in frames (one sample per channel) when the source knows it; <c>null</c> otherwise.</summary>
    long? LengthFrames { get; }

    /// <summary>
    /// Fills <paramref name="buffer"/> with interleaved samples and returns how many were written: always a whole number
    /// of frames, 0 only at the end of the stream. <paramref name="buffer"/> must hold at least one frame.
    /// </summary>
    int Read(Span<float> buffer);
}
