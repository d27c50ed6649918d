using OnnxAudio.Evaluation;
using OnnxAudio.Audio;
using OnnxAudio.Dsp;

namespace OnnxAudio.Training.Data;

/// <summary>Damage applied to clean speech to make restoration and robustness data.</summary>
public static class Degradations
{
    public static void Gain(Span<float> x, double db)
    {
        float g = (float)Math.Pow(10, db / 20);
        for (int i = 0; i < x.Length; i++)
            x[i] *= g;
    }

    /// <summary>Hard clipping at ±<paramref name="threshold"/>.</summary>
    public static void Clip(Span<float> x, float threshold)
    {
        for (int i = 0; i < x.Length; i++)
            x[i] = Math.Clamp(x[i], -threshold, threshold);
    }

    /// <summary>Removes content above <paramref name="cutoffHz"/> by resampling down to 2·cutoff and back (as a telephone or a low-rate codec would).</summary>
    public static float[] BandLimit(ReadOnlySpan<float> x, int sampleRate, int cutoffHz)
    {
        int low = 2 * cutoffHz;
        float[] down = Resampler.Resample(x, sampleRate, low);
        float[] up = Resampler.Resample(down, low, sampleRate);
        return up.Length >= x.Length ? up[..x.Length] : [.. up, .. new float[x.Length - up.Length]];
    }

    /// <summary>
    /// Reverberation by convolution with a synthetic room response: a direct path, then exponentially decaying noise
    /// with the given RT60 (the time the energy takes to fall by 60 dB). Output length equals the input's.
    /// </summary>
    public static float[] Reverberate(ReadOnlySpan<float> x, int sampleRate, double rt60Seconds, Random r)
    {
        int length = (int)(rt60Seconds * sampleRate);
        var h = new float[Math.Max(1, length)];
        h[0] = 1;
        double decay = Math.Log(1000) / (rt60Seconds * sampleRate); // amplitude falls 60 dB over RT60
        int predelay = (int)(0.002 * sampleRate) + r.Next((int)(0.01 * sampleRate));
        for (int i = predelay; i < h.Length; i++)
            h[i] += (float)(0.3 * NoiseGenerator.Gaussian(r) * Math.Exp(-decay * i));
        float[] y = Convolve(x, h);
        // Keep the level of the dry signal.
        double scale = Math.Sqrt(NoiseMixing.Power(x) / Math.Max(1e-20, NoiseMixing.Power(y.AsSpan(0, x.Length))));
        var result = new float[x.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = (float)(y[i] * scale);
        return result;
    }

    /// <summary>Linear convolution through the FFT.</summary>
    public static float[] Convolve(ReadOnlySpan<float> x, ReadOnlySpan<float> h)
    {
        int n = 1;
        while (n < x.Length + h.Length - 1)
            n *= 2;
        var xr = new float[n];
        var xi = new float[n];
        var hr = new float[n];
        var hi = new float[n];
        x.CopyTo(xr);
        h.CopyTo(hr);
        Fft.Forward(xr, xi);
        Fft.Forward(hr, hi);
        for (int k = 0; k < n; k++)
        {
            float re = xr[k] * hr[k] - xi[k] * hi[k];
            float im = xr[k] * hi[k] + xi[k] * hr[k];
            xr[k] = re;
            xi[k] = im;
        }

        Fft.Inverse(xr, xi);
        return xr[..(x.Length + h.Length - 1)];
    }
}
