using OnnxAudio.Dsp;

namespace OnnxAudio.Training.Recognition;

/// <summary>Log-mel features [mels, frames] of one clip and its class.</summary>
public sealed record FeatureExample(float[] Features, int Frames, int Label)
{
    /// <summary>The runtime's log-mel features of <paramref name="clip"/>, turned into the models' [mels, frames] layout.</summary>
    public static FeatureExample FromClip(LogMelSpectrogram logMel, ReadOnlySpan<float> clip, int label)
    {
        int frames = logMel.FrameCount(clip.Length), mels = logMel.NMels;
        var frameMajor = new float[frames * mels];
        logMel.Compute(clip, frameMajor);
        var channelMajor = new float[frameMajor.Length];
        for (int t = 0; t < frames; t++)
            for (int m = 0; m < mels; m++)
                channelMajor[m * frames + t] = frameMajor[t * mels + m];
        return new FeatureExample(channelMajor, frames, label);
    }
}
