using OnnxAudio.Evaluation;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Tests.Evaluation;

public class SignalMetricsTests
{
    private static float[] Noise(int n, int seed, double scale = 1)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(scale * (Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble())))).ToArray();
    }

    private static double Energy(float[] x) => x.Sum(v => (double)v * v);

    [Theory]
    [InlineData(-5.0)]
    [InlineData(10.0)]
    [InlineData(30.0)]
    public void Snr_of_a_mixture_made_at_a_known_snr(double snr)
    {
        float[] s = Signals.Sine(440, 16000, 16000), n = Noise(16000, 1);
        double scale = Math.Sqrt(Energy(s) / (Energy(n) * Math.Pow(10, snr / 10)));
        float[] mix = s.Zip(n, (a, b) => (float)(a + scale * b)).ToArray();
        Assert.Equal(snr, SignalMetrics.Snr(s, mix), 4);
    }

    [Fact]
    public void Si_sdr_with_orthogonal_noise_is_the_energy_ratio_and_ignores_scale()
    {
        float[] s = Noise(8000, 2), n = Noise(8000, 3);
        // Make both zero-mean and n orthogonal to s (Gram–Schmidt) so the definition gives exactly ‖s‖²/‖n‖².
        double ms = s.Average(v => (double)v), mn = n.Average(v => (double)v);
        double[] sd = s.Select(v => v - ms).ToArray(), nd = n.Select(v => v - mn).ToArray();
        double proj = sd.Zip(nd, (a, b) => a * b).Sum() / sd.Sum(v => v * v);
        nd = nd.Zip(sd, (b, a) => (b - proj * a) * 0.3).ToArray();
        float[] reference = sd.Select(v => (float)v).ToArray(), estimate = sd.Zip(nd, (a, b) => (float)(a + b)).ToArray();
        double expected = 10 * Math.Log10(sd.Sum(v => v * v) / nd.Sum(v => v * v));
        Assert.Equal(expected, SignalMetrics.SiSdr(reference, estimate), 3);
        float[] louder = estimate.Select(v => 3.7f * v).ToArray();
        Assert.Equal(SignalMetrics.SiSdr(reference, estimate), SignalMetrics.SiSdr(reference, louder), 4);
    }

    [Fact]
    public void Segmental_snr_is_clamped_to_its_limits()
    {
        float[] s = Noise(16000, 4);
        Assert.Equal(35, SignalMetrics.SegmentalSnr(s, s, 16000), 6);
        Assert.Equal(-10, SignalMetrics.SegmentalSnr(s, s.Select(v => -3 * v).ToArray(), 16000), 6);
        // Stationary noise at 5 dB in every frame gives about 5 dB per frame.
        float[] n = Noise(16000, 5, Math.Pow(10, -5 / 20.0));
        Assert.InRange(SignalMetrics.SegmentalSnr(s, s.Zip(n, (a, b) => a + b).ToArray(), 16000), 4.5, 5.5);
    }

    [Fact]
    public void Log_spectral_distance_of_a_doubled_signal_is_6_dB()
    {
        float[] s = Noise(16000, 6);
        Assert.Equal(0, SignalMetrics.LogSpectralDistance(s, s), 9);
        Assert.Equal(20 * Math.Log10(2), SignalMetrics.LogSpectralDistance(s, s.Select(v => 2 * v).ToArray()), 3);
    }

    [Fact]
    public void Mel_distance_of_a_doubled_signal_is_ln_2()
    {
        float[] s = Noise(16000, 7);
        Assert.Equal(0, SignalMetrics.MelDistance(s, s, 16000), 9);
        Assert.Equal(Math.Log(2), SignalMetrics.MelDistance(s, s.Select(v => 2 * v).ToArray(), 16000), 3);
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SignalMetrics.Snr(new float[10], new float[11]));
    }

    [Fact]
    public void Octave_band_powers_put_a_tone_in_its_band_and_see_a_gain()
    {
        float[] tone = Signals.Sine(1000, 16_000, 16_000, amplitude: 0.5);
        double[] bands = SignalMetrics.OctaveBandPowers(tone, 16_000);
        int band = Array.IndexOf(SignalMetrics.OctaveBandCentres, 1000.0);
        // (The reflect-padded first and last frames leak a little: the band holds more than 99.6 %.)
        Assert.True(bands[band] > 300 * bands.Where((_, i) => i != band).Sum(), $"a 1 kHz tone lies in the 1 kHz band: {string.Join(", ", bands)}");
        // Half the amplitude is 6.02 dB less power, in that band.
        double[] quieter = SignalMetrics.OctaveBandPowers(tone.Select(v => v / 2).ToArray(), 16_000);
        Assert.Equal(-6.02, 10 * Math.Log10(quieter[band] / bands[band]), 2);
        // White noise: each octave holds about twice the power of the one below (twice the bins).
        double[] white = SignalMetrics.OctaveBandPowers(Noise(16_000 * 4, 3, 0.1), 16_000);
        Assert.InRange(10 * Math.Log10(white[4] / white[3]), 2.5, 3.5);
    }
}
