using OnnxAudio.Dsp;

namespace OnnxAudio.Evaluation;

/// <summary>
/// Estimates how many samples <c>estimate</c> lags <c>reference</c> (peer tools such as ffmpeg's afftdn and arnndn, or
/// codecs, delay their output) from the peak of their cross-correlation, computed through the FFT.
/// </summary>
public static class DelayEstimator
{
    /// <summary>The lag in [−maxLag, maxLag] maximising the cross-correlation; positive means the estimate is late.</summary>
    public static int Estimate(ReadOnlySpan<float> reference, ReadOnlySpan<float> estimate, int maxLag)
    {
        int n = 1;
        while (n < reference.Length + estimate.Length)
            n *= 2;
        float[] ar = new float[n], ai = new float[n], br = new float[n], bi = new float[n];
        reference.CopyTo(ar);
        estimate.CopyTo(br);
        Fft.Forward(ar, ai);
        Fft.Forward(br, bi);
        for (int k = 0; k < n; k++)
        {
            // conj(A)·B: correlation c[lag] = Σ a[t]·b[t + lag]
            float re = ar[k] * br[k] + ai[k] * bi[k], im = ar[k] * bi[k] - ai[k] * br[k];
            ar[k] = re;
            ai[k] = im;
        }

        Fft.Inverse(ar, ai);
        // Lags beyond the signals' length overlap nothing (and would wrap around the circular correlation).
        maxLag = Math.Min(maxLag, Math.Max(reference.Length, estimate.Length) - 1);
        int best = 0;
        float bestValue = float.NegativeInfinity;
        for (int lag = -maxLag; lag <= maxLag; lag++)
        {
            float value = ar[((lag % n) + n) % n];
            if (value > bestValue)
            {
                bestValue = value;
                best = lag;
            }
        }

        return best;
    }

    /// <summary>
    /// Shifts <paramref name="estimate"/> by <paramref name="delay"/> samples earlier and cuts both signals to their
    /// common length.
    /// </summary>
    public static (float[] Reference, float[] Estimate) Align(ReadOnlySpan<float> reference, ReadOnlySpan<float> estimate, int delay)
    {
        int start = Math.Max(0, delay), refStart = Math.Max(0, -delay);
        int length = Math.Min(reference.Length - refStart, estimate.Length - start);
        if (length <= 0)
            return ([], []);
        return (reference.Slice(refStart, length).ToArray(), estimate.Slice(start, length).ToArray());
    }
}
