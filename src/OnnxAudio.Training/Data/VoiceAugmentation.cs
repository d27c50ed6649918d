using OnnxAudio.Audio;

namespace OnnxAudio.Training.Data;

/// <summary>
/// Augmentation that changes the voice rather than the channel: tempo without pitch (SOLA time stretching), pitch and
/// formants together (resampling then stretching back: a shorter or longer vocal tract with a higher or lower voice),
/// and a mild codec (G.711 μ-law at telephone bandwidth).
/// </summary>
public static class VoiceAugmentation
{
    private const int Frame = 400;      // 25 ms at 16 kHz
    private const int SynthesisHop = 200;
    private const int Search = 80;      // ±5 ms alignment search

    /// <summary>
    /// Synchronised overlap-add (Roucos &amp; Wilgus 1985): the output is <paramref name="factor"/> times as long, each
    /// 25 ms Hann frame placed where it best matches what is already written, so pitch is kept.
    /// </summary>
    public static float[] TimeStretch(ReadOnlySpan<float> x, double factor)
    {
        if (factor <= 0)
            throw new ArgumentOutOfRangeException(nameof(factor));
        int outLength = (int)Math.Round(x.Length * factor);
        if (x.Length < Frame || outLength < Frame)
        {
            var copy = new float[outLength];
            x[..Math.Min(x.Length, outLength)].CopyTo(copy);
            return copy;
        }

        var y = new float[outLength + Frame];
        var weight = new float[outLength + Frame];
        var window = new float[Frame];
        for (int i = 0; i < Frame; i++)
            window[i] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * i / Frame));
        double analysisHop = SynthesisHop / factor;
        for (int k = 0; k * SynthesisHop < outLength; k++)
        {
            int outStart = k * SynthesisHop;
            int nominal = (int)Math.Round(k * analysisHop);
            int best = Math.Clamp(nominal, 0, x.Length - Frame);
            if (k > 0)
            {
                // Align the new frame's first half with the overlap already written (normalised cross-correlation).
                double bestScore = double.NegativeInfinity;
                for (int d = -Search; d <= Search; d++)
                {
                    int start = nominal + d;
                    if (start < 0 || start + Frame > x.Length)
                        continue;
                    double dot = 0, energy = 1e-9;
                    for (int i = 0; i < Frame - SynthesisHop; i += 2)
                    {
                        float written = weight[outStart + i] > 1e-6f ? y[outStart + i] / weight[outStart + i] : 0;
                        dot += written * x[start + i];
                        energy += x[start + i] * (double)x[start + i];
                    }

                    double score = dot / Math.Sqrt(energy);
                    if (score > bestScore)
                        (bestScore, best) = (score, start);
                }
            }

            for (int i = 0; i < Frame && outStart + i < y.Length; i++)
            {
                y[outStart + i] += window[i] * x[best + i];
                weight[outStart + i] += window[i];
            }
        }

        var result = new float[outLength];
        for (int i = 0; i < outLength; i++)
            result[i] = weight[i] > 1e-3f ? y[i] / weight[i] : 0;
        return result;
    }

    /// <summary>
    /// Raises pitch and formants by <paramref name="factor"/> (0.8–1.25) at the same duration: resampled as if recorded
    /// at 16 kHz / factor (rates on a 100 Hz grid), then stretched back to its length.
    /// </summary>
    public static float[] PitchShift(ReadOnlySpan<float> x, double factor)
    {
        int rate = (int)Math.Round(16000 / factor / 100) * 100;
        if (rate == 16000)
            return x.ToArray();
        float[] resampled = Resampler.Resample(x, 16000, rate);
        float[] stretched = TimeStretch(resampled, x.Length / (double)Math.Max(1, resampled.Length));
        var result = new float[x.Length];
        stretched.AsSpan(0, Math.Min(stretched.Length, result.Length)).CopyTo(result);
        return result;
    }

    /// <summary>A telephone channel: band-limited to 3.4 kHz, then G.711 μ-law (μ = 255, 8 bits) and back.</summary>
    public static float[] Telephone(ReadOnlySpan<float> x)
    {
        float[] y = Degradations.BandLimit(x, 16000, 3400);
        const double mu = 255;
        for (int i = 0; i < y.Length; i++)
        {
            double v = Math.Clamp(y[i], -1f, 1f);
            double companded = Math.Sign(v) * Math.Log(1 + mu * Math.Abs(v)) / Math.Log(1 + mu);
            double quantised = Math.Round(companded * 127) / 127;
            y[i] = (float)(Math.Sign(quantised) * (Math.Pow(1 + mu, Math.Abs(quantised)) - 1) / mu);
        }

        return y;
    }
}
