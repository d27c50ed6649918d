namespace OnnxAudio.Training.Data;

/// <summary>The excitation an <see cref="LpcVocoder"/> puts through the speech's own vocal-tract filter.</summary>
public enum LpcExcitation
{
    /// <summary>White noise: a whisper of the same words.</summary>
    Whisper,

    /// <summary>A pulse train at one fixed pitch in voiced frames, noise in unvoiced ones: a monotone robot voice.</summary>
    Monotone,
}

/// <summary>
/// Source-filter resynthesis (the LPC vocoder, Atal and Hanauer 1971): every 10 ms the speech's spectral envelope is
/// measured (order-16 linear prediction on a 20 ms Hann frame, Levinson–Durbin) and a new excitation of the frame's
/// residual power is filtered through it. What is said (formants, their motion, timing, loudness) survives; how the
/// voice source sounds (pitch contour, jitter, breathiness, a recording's natural or a synthesizer's buzzy glottal
/// pulse) is replaced by one shared source. Used to keep the keyword spotter from hearing "a real voice" as a class:
/// in the allowed corpora real people speak only non-keywords.
/// </summary>
public static class LpcVocoder
{
    public const int Order = 16;
    private const int Frame = 320, Hop = 160;
    private const double BandwidthExpansion = 0.994; // a_i · γ^i: poles pulled inside the unit circle (about 30 Hz of bandwidth)

    /// <summary>
    /// <paramref name="x"/> (16 kHz) resynthesised with <paramref name="excitation"/>; a monotone voice at
    /// <paramref name="pitchHz"/>. The output has the input's length and RMS.
    /// </summary>
    public static float[] Resynthesize(ReadOnlySpan<float> x, LpcExcitation excitation, double pitchHz, Random random, int sampleRate = 16000)
    {
        if (!(pitchHz > 0) || pitchHz > sampleRate / 4.0)
            throw new ArgumentOutOfRangeException(nameof(pitchHz), pitchHz, "the pitch must lie between 0 and a quarter of the sample rate");
        var y = new float[x.Length];
        if (x.Length < Frame)
            return x.ToArray();
        var window = new double[Frame];
        double windowPower = 0;
        for (int i = 0; i < Frame; i++)
        {
            window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * (i + 0.5) / Frame);
            windowPower += window[i] * window[i];
        }

        var segment = new double[Frame];
        var r = new double[Order + 1];
        var a = new double[Order + 1];
        var history = new double[Order]; // y[n−1] … y[n−Order]
        double period = sampleRate / pitchHz, nextPulse = random.NextDouble() * period;
        for (int start = 0; start < x.Length; start += Hop)
        {
            // The envelope of the frame centred on this hop.
            int centre = start + Hop / 2;
            int from = Math.Clamp(centre - Frame / 2, 0, x.Length - Frame);
            int crossings = 0;
            for (int i = 0; i < Frame; i++)
            {
                segment[i] = window[i] * x[from + i];
                if (i > 0 && (x[from + i] >= 0) != (x[from + i - 1] >= 0))
                    crossings++;
            }

            for (int lag = 0; lag <= Order; lag++)
            {
                double sum = 0;
                for (int i = lag; i < Frame; i++)
                    sum += segment[i] * segment[i - lag];
                r[lag] = sum;
            }

            double residualPower = Levinson(r, a) / windowPower; // per-sample power of the prediction error
            for (int i = 1; i <= Order; i++)
                a[i] *= Math.Pow(BandwidthExpansion, i);
            double gain = Math.Sqrt(Math.Max(residualPower, 0));
            // Voiced: few zero crossings (a low-frequency-dominated frame); unvoiced frames (fricatives) stay noise.
            bool voiced = excitation == LpcExcitation.Monotone && crossings < 0.2 * Frame;
            int end = Math.Min(start + Hop, x.Length);
            for (int n = start; n < end; n++)
            {
                double e;
                if (voiced)
                {
                    // Unit-power pulse train: one impulse of height √period per period.
                    e = 0;
                    if (n >= nextPulse)
                    {
                        e = Math.Sqrt(period);
                        nextPulse += period;
                    }
                }
                else
                {
                    e = Gaussian(random);
                    if (n >= nextPulse)
                        nextPulse += period * Math.Ceiling((n - nextPulse + 1) / period);
                }

                double value = gain * e;
                for (int i = 0; i < Order; i++)
                    value -= a[i + 1] * history[i];
                Array.Copy(history, 0, history, 1, Order - 1);
                history[0] = value;
                y[n] = (float)value;
            }
        }

        double inputPower = 0, outputPower = 0;
        for (int i = 0; i < x.Length; i++)
        {
            inputPower += x[i] * (double)x[i];
            outputPower += y[i] * (double)y[i];
        }

        if (!(outputPower > 0) || !double.IsFinite(outputPower))
            return x.ToArray();
        float scale = (float)Math.Sqrt(inputPower / outputPower);
        for (int i = 0; i < y.Length; i++)
            y[i] *= scale;
        return y;
    }

    /// <summary>
    /// Levinson–Durbin recursion: the prediction polynomial A(z) = 1 + Σ a_i z^−i from autocorrelations
    /// <paramref name="r"/> (into <paramref name="a"/>, a[0] = 1); returns the final prediction error. Minimum phase
    /// for any valid autocorrelation, so 1/A(z) is stable.
    /// </summary>
    public static double Levinson(ReadOnlySpan<double> r, Span<double> a)
    {
        int order = a.Length - 1;
        a.Clear();
        a[0] = 1;
        double error = r[0] * (1 + 1e-9) + 1e-12; // a −90 dB white-noise floor keeps silent frames well posed
        Span<double> previous = stackalloc double[order + 1];
        for (int m = 1; m <= order; m++)
        {
            double acc = r[m];
            for (int i = 1; i < m; i++)
                acc += a[i] * r[m - i];
            double k = -acc / error;
            a.CopyTo(previous);
            for (int i = 1; i < m; i++)
                a[i] = previous[i] + k * previous[m - i];
            a[m] = k;
            error *= 1 - k * k;
        }

        return error;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
