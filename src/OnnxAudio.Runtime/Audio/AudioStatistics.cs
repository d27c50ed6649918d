namespace OnnxAudio.Audio;

/// <summary>Length and levels of a piece of audio, measured in one streaming pass.</summary>
public sealed class AudioStatistics
{
    private AudioStatistics(AudioFormat format, long frames, double[] peak, double[] sumSquares)
    {
        Format = format;
        Frames = frames;
        ChannelPeak = peak;
        ChannelRms = sumSquares.Select(s => frames == 0 ? 0 : Math.Sqrt(s / frames)).ToArray();
        Peak = peak.Length == 0 ? 0 : peak.Max();
        Rms = frames == 0 ? 0 : Math.Sqrt(sumSquares.Sum() / (frames * (double)format.Channels));
    }

    public AudioFormat Format { get; }

    public long Frames { get; }

    public TimeSpan Duration => TimeSpan.FromSeconds(Frames / (double)Format.SampleRate);

    /// <summary>Largest absolute sample value over all channels (1.0 is full scale).</summary>
    public double Peak { get; }

    /// <summary>Root mean square over all samples of all channels.</summary>
    public double Rms { get; }

    public IReadOnlyList<double> ChannelPeak { get; }

    public IReadOnlyList<double> ChannelRms { get; }

    /// <summary>Level in dB relative to full scale (a full-scale square wave is 0 dBFS); -inf for silence.</summary>
    public static double ToDbfs(double level) => level > 0 ? 20 * Math.Log10(level) : double.NegativeInfinity;

    /// <summary>Reads <paramref name="source"/> to its end and measures it.</summary>
    public static AudioStatistics Measure(IAudioSource source, CancellationToken cancellationToken = default)
    {
        int channels = source.Format.Channels;
        double[] peak = new double[channels];
        double[] sumSquares = new double[channels];
        float[] block = new float[Math.Max(1, 16384 / channels) * channels];
        long frames = 0;
        int read;
        while ((read = source.Read(block)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int i = 0; i < read; i++)
            {
                int c = i % channels;
                double v = block[i];
                sumSquares[c] += v * v;
                double a = Math.Abs(v);
                if (a > peak[c])
                    peak[c] = a;
            }

            frames += read / channels;
        }

        return new AudioStatistics(source.Format, frames, peak, sumSquares);
    }
}
