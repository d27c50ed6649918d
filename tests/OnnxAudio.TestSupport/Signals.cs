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

    public static double Rms(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
            sum += v * (double)v;
        return Math.Sqrt(sum / Math.Max(1, x.Length));
    }
}
