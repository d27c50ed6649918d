using MathNet.Numerics.IntegralTransforms;
using Complex32 = MathNet.Numerics.Complex32;

namespace OnnxAudio.Tests.TestSupport;

/// <summary>
/// Slow, direct implementations written from the textbook definitions (and MathNet's FFT), independent of the code under
/// test: frame by frame, with explicit padding and windows.
/// </summary>
public static class DspReference
{
    public static double[] Hann(int n, bool periodic) =>
        Enumerable.Range(0, n).Select(i => n == 1 ? 1 : 0.5 * (1 - Math.Cos(2 * Math.PI * i / (periodic ? n : n - 1)))).ToArray();

    /// <summary>torch.stft: returns frames × (nFft/2+1) complex values.</summary>
    public static Complex32[][] Stft(float[] x, int nFft, int hop, double[] window, bool center, bool reflect)
    {
        int pad = center ? nFft / 2 : 0;
        var padded = new float[x.Length + 2 * pad];
        for (int i = 0; i < padded.Length; i++)
        {
            int j = i - pad;
            if (j < 0)
                padded[i] = reflect ? x[-j] : 0;
            else if (j >= x.Length)
                padded[i] = reflect ? x[2 * (x.Length - 1) - j] : 0;
            else
                padded[i] = x[j];
        }

        // The window, shorter than nFft, sits in the middle of the frame.
        var full = new double[nFft];
        int left = (nFft - window.Length) / 2;
        for (int i = 0; i < window.Length; i++)
            full[left + i] = window[i];

        int frames = padded.Length < nFft ? 0 : 1 + (padded.Length - nFft) / hop;
        var result = new Complex32[frames][];
        for (int t = 0; t < frames; t++)
        {
            var frame = new Complex32[nFft];
            for (int i = 0; i < nFft; i++)
                frame[i] = new Complex32((float)(padded[t * hop + i] * full[i]), 0);
            Fourier.Forward(frame, FourierOptions.Matlab);
            result[t] = frame[..(nFft / 2 + 1)];
        }

        return result;
    }

    /// <summary>Mel filters straight from the definition: triangles between consecutive mel-spaced edges.</summary>
    public static double[,] MelMatrix(int sampleRate, int nFft, int nMels, double fMin, double fMax, bool htk, bool slaneyNorm)
    {
        Func<double, double> toMel = htk
            ? f => 2595 * Math.Log10(1 + f / 700)
            : f => f < 1000 ? 3 * f / 200 : 15 + 27 * Math.Log(f / 1000) / Math.Log(6.4);
        Func<double, double> toHz = htk
            ? m => 700 * (Math.Pow(10, m / 2595) - 1)
            : m => m < 15 ? 200 * m / 3 : 1000 * Math.Pow(6.4, (m - 15) / 27);
        double lo = toMel(fMin), hi = toMel(fMax);
        var hz = Enumerable.Range(0, nMels + 2).Select(i => toHz(lo + (hi - lo) * i / (nMels + 1))).ToArray();
        int bins = nFft / 2 + 1;
        var w = new double[nMels, bins];
        for (int m = 0; m < nMels; m++)
        {
            for (int k = 0; k < bins; k++)
            {
                double f = k * (double)sampleRate / nFft;
                double v = 0;
                if (f > hz[m] && f <= hz[m + 1])
                    v = (f - hz[m]) / (hz[m + 1] - hz[m]);
                else if (f > hz[m + 1] && f < hz[m + 2])
                    v = (hz[m + 2] - f) / (hz[m + 2] - hz[m + 1]);
                w[m, k] = slaneyNorm ? v * 2 / (hz[m + 2] - hz[m]) : v;
            }
        }

        return w;
    }

    public static float[] RandomSignal(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }
}
