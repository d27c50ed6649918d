namespace OnnxAudio.Tests.TestSupport;

/// <summary>Test signals with known answers.</summary>
public static class Signals
{
    public static float[] Sine(double frequency, int sampleRate, int length, double amplitude = 0.5, double phase = 0)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++)
            x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate + phase));
        return x;
    }

    /// <summary>
    /// Least-squares amplitude of a sine of known frequency in <paramref name="x"/>, and the RMS of what is left after
    /// removing it (passband error plus everything else: images, aliases, noise).
    /// </summary>
    public static (double Amplitude, double ResidualRms) FitSine(ReadOnlySpan<float> x, double frequency, int sampleRate)
    {
        double ss = 0, sc = 0, cc = 0, xs = 0, xc = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double w = 2 * Math.PI * frequency * i / sampleRate;
            double s = Math.Sin(w), c = Math.Cos(w);
            ss += s * s; sc += s * c; cc += c * c; xs += x[i] * s; xc += x[i] * c;
        }

        double det = ss * cc - sc * sc;
        double a = (xs * cc - xc * sc) / det, b = (xc * ss - xs * sc) / det;
        double residual = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double w = 2 * Math.PI * frequency * i / sampleRate;
            double r = x[i] - (a * Math.Sin(w) + b * Math.Cos(w));
            residual += r * r;
        }

        return (Math.Sqrt(a * a + b * b), Math.Sqrt(residual / x.Length));
    }

    /// <summary>Speech-like test signals: voiced harmonics with a syllable envelope and a slow pitch drift, plus a little noise.</summary>
    public static float[] Speechlike(int length, int seed)
    {
        var random = new Random(seed);
        double f0 = 110 + 60 * random.NextDouble();
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            double t = i / 16000.0, envelope = Math.Max(0, Math.Sin(2 * Math.PI * 2.5 * t));
            double voiced = 0;
            for (int h = 1; h <= 8; h++)
                voiced += Math.Sin(2 * Math.PI * h * f0 * t * (1 + 0.02 * Math.Sin(2 * Math.PI * 0.5 * t))) / h;
            x[i] = (float)(0.15 * envelope * voiced + 0.005 * (random.NextDouble() - 0.5));
        }

        return x;
    }

    /// <summary>
    /// Half a second at 16 kHz of one of the tone classes (sine, square, sawtooth, noise_burst) at
    /// <paramref name="frequency"/>, 0.3 peak, from 0.1 s to 0.4 s, over faint white noise.
    /// </summary>
    public static float[] ToneClass(string label, double frequency, int seed)
    {
        var random = new Random(seed);
        var x = new float[8000];
        for (int i = 0; i < x.Length; i++)
        {
            double p = frequency * i / 16000.0, frac = p - Math.Floor(p);
            double v = label switch
            {
                "sine" => Math.Sin(2 * Math.PI * p),
                "square" => frac < 0.5 ? 1.0 : -1.0,
                "sawtooth" => 2 * frac - 1,
                "noise_burst" => 2 * random.NextDouble() - 1,
                _ => throw new ArgumentException($"no tone class '{label}'", nameof(label)),
            };
            x[i] = (float)((i is >= 1600 and < 6400 ? 0.3 * v : 0) + 0.002 * (random.NextDouble() - 0.5));
        }

        return x;
    }

    public static double Rms(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
            sum += v * (double)v;
        return Math.Sqrt(sum / Math.Max(1, x.Length));
    }
}
