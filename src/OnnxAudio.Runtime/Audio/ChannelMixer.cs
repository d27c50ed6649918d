namespace OnnxAudio.Audio;

/// <summary>Channel conversions on interleaved samples.</summary>
public static class ChannelMixer
{
    /// <summary>Averages the channels of each frame into one mono sample (equal-weight down-mix).</summary>
    public static void DownmixToMono(ReadOnlySpan<float> interleaved, int channels, Span<float> mono)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        int frames = interleaved.Length / channels;
        if (mono.Length < frames)
            throw new ArgumentException("The mono buffer is shorter than the number of frames.", nameof(mono));
        if (channels == 1)
        {
            interleaved[..frames].CopyTo(mono);
            return;
        }

        float scale = 1f / channels;
        if (channels == 2)
        {
            for (int i = 0; i < frames; i++)
                mono[i] = (interleaved[2 * i] + interleaved[2 * i + 1]) * scale;
            return;
        }

        for (int i = 0, j = 0; i < frames; i++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++, j++)
                sum += interleaved[j];
            mono[i] = sum * scale;
        }
    }
}
