using OnnxAudio.Audio;
using OnnxAudio.Dsp;

namespace OnnxAudio.Evaluation;

/// <summary>
/// Short-time objective intelligibility (C. Taal et al., "An algorithm for intelligibility prediction of
/// time-frequency weighted noisy speech", IEEE TASLP 2011) and its extended form ESTOI (J. Jensen and C. Taal, 2016):
/// both signals at 10 kHz; frames within 40 dB of the loudest clean frame kept; 256-sample Hann frames, hop 128,
/// 512-point FFT; 15 one-third-octave bands from 150 Hz; 384 ms segments (30 frames, sliding by one); processed band
/// envelopes scaled to the clean ones and clipped at a −15 dB signal-to-distortion ratio; the mean correlation.
/// </summary>
public static class Stoi
{
    private const int Rate = 10000, FrameLength = 256, Hop = 128, FftSize = 512, Bands = 15, SegmentFrames = 30;
    private const double MinFrequency = 150, Beta = -15, DynamicRange = 40, Eps = 2.220446049250313e-16;

    private static readonly Lazy<int[][]> BandBins = new(BuildBands);
    private static readonly float[] Window = SymmetricHann(FrameLength);

    /// <summary>STOI (or ESTOI with <paramref name="extended"/>) of <paramref name="processed"/> against <paramref name="clean"/>, 0 to 1.</summary>
    public static double Compute(ReadOnlySpan<float> clean, ReadOnlySpan<float> processed, int sampleRate, bool extended = false)
    {
        SignalMetrics.CheckLengths(clean, processed);
        float[] x = sampleRate == Rate ? clean.ToArray() : Resampler.Resample(clean, sampleRate, Rate);
        float[] y = sampleRate == Rate ? processed.ToArray() : Resampler.Resample(processed, sampleRate, Rate);
        (x, y) = RemoveSilentFrames(x, y);
        double[,] xBands = BandEnvelopes(x), yBands = BandEnvelopes(y);
        int frames = xBands.GetLength(1);
        if (frames < SegmentFrames)
            throw new ArgumentException($"STOI needs at least {SegmentFrames} speech frames (about 0.4 s of non-silent speech); these signals have {frames}.");

        double total = 0;
        int segments = frames - SegmentFrames + 1;
        var xs = new double[Bands, SegmentFrames];
        var ys = new double[Bands, SegmentFrames];
        for (int m = 0; m < segments; m++)
        {
            for (int j = 0; j < Bands; j++)
                for (int n = 0; n < SegmentFrames; n++)
                {
                    xs[j, n] = xBands[j, m + n];
                    ys[j, n] = yBands[j, m + n];
                }

            total += extended ? ExtendedSegment(xs, ys) : ClassicSegment(xs, ys);
        }

        return extended ? total / segments : total / (segments * Bands);
    }

    /// <summary>Σ over bands of the correlation of the clean envelope and the scaled, clipped processed one.</summary>
    private static double ClassicSegment(double[,] xs, double[,] ys)
    {
        double clip = Math.Pow(10, -Beta / 20), sum = 0;
        var yPrime = new double[SegmentFrames];
        var xRow = new double[SegmentFrames];
        for (int j = 0; j < Bands; j++)
        {
            double xNorm = 0, yNorm = 0;
            for (int n = 0; n < SegmentFrames; n++)
            {
                xNorm += xs[j, n] * xs[j, n];
                yNorm += ys[j, n] * ys[j, n];
            }

            double alpha = Math.Sqrt(xNorm) / (Math.Sqrt(yNorm) + Eps);
            for (int n = 0; n < SegmentFrames; n++)
            {
                yPrime[n] = Math.Min(alpha * ys[j, n], xs[j, n] * (1 + clip));
                xRow[n] = xs[j, n];
            }

            sum += Correlation(xRow, yPrime);
        }

        return sum;
    }

    /// <summary>ESTOI: rows (bands) then columns (frames) normalised to zero mean and unit norm, then the mean inner product per frame.</summary>
    private static double ExtendedSegment(double[,] xs, double[,] ys)
    {
        double[,] xn = RowColumnNormalize(xs), yn = RowColumnNormalize(ys);
        double sum = 0;
        for (int j = 0; j < Bands; j++)
            for (int n = 0; n < SegmentFrames; n++)
                sum += xn[j, n] * yn[j, n];
        return sum / SegmentFrames;
    }

    private static double[,] RowColumnNormalize(double[,] a)
    {
        var r = (double[,])a.Clone();
        for (int j = 0; j < Bands; j++)
        {
            double mean = 0, norm = 0;
            for (int n = 0; n < SegmentFrames; n++)
                mean += r[j, n] / SegmentFrames;
            for (int n = 0; n < SegmentFrames; n++)
            {
                r[j, n] -= mean;
                norm += r[j, n] * r[j, n];
            }

            double inv = 1 / (Math.Sqrt(norm) + Eps);
            for (int n = 0; n < SegmentFrames; n++)
                r[j, n] *= inv;
        }

        for (int n = 0; n < SegmentFrames; n++)
        {
            double mean = 0, norm = 0;
            for (int j = 0; j < Bands; j++)
                mean += r[j, n] / Bands;
            for (int j = 0; j < Bands; j++)
            {
                r[j, n] -= mean;
                norm += r[j, n] * r[j, n];
            }

            double inv = 1 / (Math.Sqrt(norm) + Eps);
            for (int j = 0; j < Bands; j++)
                r[j, n] *= inv;
        }

        return r;
    }

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double da = a[i] - ma, db = b[i] - mb;
            dot += da * db;
            na += da * da;
            nb += db * db;
        }

        return dot / ((Math.Sqrt(na) + Eps) * (Math.Sqrt(nb) + Eps));
    }

    /// <summary>Drops frames of both signals where the clean frame is more than 40 dB below the loudest, and overlap-adds the rest.</summary>
    private static (float[] X, float[] Y) RemoveSilentFrames(float[] x, float[] y)
    {
        var starts = new List<int>();
        for (int i = 0; i < x.Length - FrameLength; i += Hop)
            starts.Add(i);
        double[] energy = starts.Select(s =>
        {
            double e = 0;
            for (int i = 0; i < FrameLength; i++)
                e += (Window[i] * x[s + i]) * (double)(Window[i] * x[s + i]);
            return 20 * Math.Log10(Math.Sqrt(e) + Eps);
        }).ToArray();
        if (energy.Length == 0)
            return (x, y);
        double max = energy.Max();
        int[] kept = starts.Where((_, i) => max - DynamicRange - energy[i] < 0).ToArray();
        int length = kept.Length == 0 ? 0 : (kept.Length - 1) * Hop + FrameLength;
        float[] xo = new float[length], yo = new float[length];
        for (int f = 0; f < kept.Length; f++)
            for (int i = 0; i < FrameLength; i++)
            {
                xo[f * Hop + i] += Window[i] * x[kept[f] + i];
                yo[f * Hop + i] += Window[i] * y[kept[f] + i];
            }

        return (xo, yo);
    }

    /// <summary>One-third-octave band magnitudes [band, frame] of 256-sample Hann frames zero-padded to 512 points.</summary>
    private static double[,] BandEnvelopes(float[] x)
    {
        var starts = new List<int>();
        for (int i = 0; i < x.Length - FrameLength; i += Hop)
            starts.Add(i);
        var result = new double[Bands, starts.Count];
        float[] frame = new float[FftSize], re = new float[FftSize / 2 + 1], im = new float[FftSize / 2 + 1];
        int[][] bands = BandBins.Value;
        for (int t = 0; t < starts.Count; t++)
        {
            Array.Clear(frame);
            for (int i = 0; i < FrameLength; i++)
                frame[i] = Window[i] * x[starts[t] + i];
            Fft.ForwardReal(frame, re, im);
            for (int j = 0; j < Bands; j++)
            {
                double power = 0;
                for (int k = bands[j][0]; k < bands[j][1]; k++)
                    power += re[k] * (double)re[k] + im[k] * (double)im[k];
                result[j, t] = Math.Sqrt(power);
            }
        }

        return result;
    }

    /// <summary>For each band, the FFT bins [low, high) nearest to its edges 150·2^((2k∓1)/6) Hz.</summary>
    private static int[][] BuildBands()
    {
        int bins = FftSize / 2 + 1;
        var bands = new int[Bands][];
        for (int k = 0; k < Bands; k++)
        {
            double low = MinFrequency * Math.Pow(2, (2.0 * k - 1) / 6), high = MinFrequency * Math.Pow(2, (2.0 * k + 1) / 6);
            bands[k] = [Nearest(low, bins), Nearest(high, bins)];
        }

        return bands;
    }

    private static int Nearest(double frequency, int bins)
    {
        int best = 0;
        for (int i = 1; i < bins; i++)
            if (Math.Abs(i * (double)Rate / FftSize - frequency) < Math.Abs(best * (double)Rate / FftSize - frequency))
                best = i;
        return best;
    }

    /// <summary>numpy's hanning(N + 2)[1:-1]: a symmetric Hann window without its zero end points.</summary>
    private static float[] SymmetricHann(int n)
    {
        var w = new float[n];
        for (int i = 0; i < n; i++)
            w[i] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * (i + 1) / (n + 1)));
        return w;
    }
}
