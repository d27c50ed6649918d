using OnnxAudio.Training.Data;

namespace OnnxAudio.Training.Tests.Data;

/// <summary>The LPC vocoder on signals with a known answer: an AR(2) resonance, a pitch.</summary>
public class LpcVocoderTests
{
    // x[n] = −a1 x[n−1] − a2 x[n−2] + e[n] with poles at radius √0.95 and 1,500 Hz: a resonance about 130 Hz wide.
    private const double ResonanceHz = 1500, A2 = 0.95;
    private static readonly double A1 = -2 * Math.Sqrt(A2) * Math.Cos(2 * Math.PI * ResonanceHz / 16000);

    private static float[] Resonance(int length, int seed)
    {
        var random = new Random(seed);
        var x = new float[length];
        double y1 = 0, y2 = 0;
        for (int n = 0; n < length; n++)
        {
            double e = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            double y = e - A1 * y1 - A2 * y2;
            x[n] = (float)(0.01 * y);
            (y2, y1) = (y1, y);
        }

        return x;
    }

    /// <summary>The frequency (10 Hz grid, 100 Hz–7 kHz) where the averaged periodogram of 512-sample blocks peaks, by direct DFT.</summary>
    private static double PeakHz(float[] x)
    {
        double bestHz = 0, best = -1;
        for (double f = 100; f <= 7000; f += 10)
        {
            double power = 0;
            for (int start = 0; start + 512 <= x.Length; start += 512)
            {
                double re = 0, im = 0;
                for (int i = 0; i < 512; i++)
                {
                    double w = (0.5 - 0.5 * Math.Cos(2 * Math.PI * i / 512)) * x[start + i];
                    re += w * Math.Cos(2 * Math.PI * f * i / 16000);
                    im -= w * Math.Sin(2 * Math.PI * f * i / 16000);
                }

                power += re * re + im * im;
            }

            if (power > best)
                (best, bestHz) = (power, f);
        }

        return bestHz;
    }

    private static double NormalizedAutocorrelation(float[] x, int lag)
    {
        double dot = 0, energy = 0;
        for (int n = lag; n < x.Length; n++)
        {
            dot += x[n] * (double)x[n - lag];
            energy += x[n] * (double)x[n];
        }

        return dot / energy;
    }

    private static double Rms(float[] x) => Math.Sqrt(x.Average(v => (double)v * v));

    [Fact]
    public void Levinson_recovers_the_coefficients_of_an_AR2_process()
    {
        // Exact autocorrelation of the AR(2) process (Yule–Walker): r1 = −a1 r0 / (1 + a2), r_k = −a1 r_{k−1} − a2 r_{k−2}.
        var r = new double[5];
        r[0] = 1;
        r[1] = -A1 / (1 + A2);
        for (int k = 2; k < r.Length; k++)
            r[k] = -A1 * r[k - 1] - A2 * r[k - 2];
        var a = new double[5];
        LpcVocoder.Levinson(r, a);
        Assert.Equal(1, a[0], 9);
        Assert.Equal(A1, a[1], 6);
        Assert.Equal(A2, a[2], 6);
        Assert.Equal(0, a[3], 6);
        Assert.Equal(0, a[4], 6);
    }

    [Theory]
    [InlineData(LpcExcitation.Whisper)]
    [InlineData(LpcExcitation.Monotone)]
    public void The_resonance_survives_with_the_input_length_and_level(LpcExcitation excitation)
    {
        float[] x = Resonance(16000, 1);
        float[] y = LpcVocoder.Resynthesize(x, excitation, 120, new Random(2));
        Assert.Equal(x.Length, y.Length);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(Rms(x), Rms(y), 4);
        Assert.InRange(PeakHz(x), ResonanceHz - 100, ResonanceHz + 100);
        Assert.InRange(PeakHz(y), ResonanceHz - 100, ResonanceHz + 100);
        Assert.True(Math.Abs(NormalizedAutocorrelation(x, 1) - NormalizedAutocorrelation(y, 1)) < 0.1, "the envelope's shape (lag-1 correlation) is kept");
    }

    [Fact]
    public void A_monotone_voice_repeats_at_its_pitch_and_a_whisper_does_not()
    {
        // A low resonance (few zero crossings: voiced frames) excited by noise has no period of its own.
        var random = new Random(3);
        var x = new float[16000];
        double y1 = 0, y2 = 0;
        for (int n = 0; n < x.Length; n++)
        {
            double e = random.NextDouble() - 0.5;
            double y = e + 1.9 * y1 - 0.95 * y2; // about 400 Hz
            x[n] = (float)(0.001 * y);
            (y2, y1) = (y1, y);
        }

        const int lag = 160; // 100 Hz
        float[] monotone = LpcVocoder.Resynthesize(x, LpcExcitation.Monotone, 100, new Random(4));
        float[] whisper = LpcVocoder.Resynthesize(x, LpcExcitation.Whisper, 100, new Random(4));
        Assert.True(NormalizedAutocorrelation(monotone, lag) > 0.6, $"monotone: {NormalizedAutocorrelation(monotone, lag)}");
        Assert.True(Math.Abs(NormalizedAutocorrelation(whisper, lag)) < 0.3, $"whisper: {NormalizedAutocorrelation(whisper, lag)}");
        Assert.True(Math.Abs(NormalizedAutocorrelation(x, lag)) < 0.3, $"input: {NormalizedAutocorrelation(x, lag)}");
    }
}
