namespace OnnxAudio.Evaluation;

/// <summary>Mixing speech and noise at a chosen signal-to-noise ratio (test sets, robustness measurements, training data).</summary>
public static class NoiseMixing
{
    public static double Power(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
            sum += v * (double)v;
        return sum / Math.Max(1, x.Length);
    }

    /// <summary>clean + noise scaled so that 10·log10(P_clean / P_noise) = <paramref name="snrDb"/>.</summary>
    public static float[] MixAtSnr(ReadOnlySpan<float> clean, ReadOnlySpan<float> noise, double snrDb)
    {
        if (noise.Length < clean.Length)
            throw new ArgumentException("The noise is shorter than the speech.");
        double ps = Power(clean), pn = Power(noise[..clean.Length]);
        double scale = pn <= 0 ? 0 : Math.Sqrt(ps / (pn * Math.Pow(10, snrDb / 10)));
        var mix = new float[clean.Length];
        for (int i = 0; i < mix.Length; i++)
            mix[i] = (float)(clean[i] + scale * noise[i]);
        return mix;
    }
}
