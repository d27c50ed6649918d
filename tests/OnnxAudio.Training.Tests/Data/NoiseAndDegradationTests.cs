using OnnxAudio.Evaluation;
using OnnxAudio.Dsp;
using OnnxAudio.Training.Data;

namespace OnnxAudio.Training.Tests.Data;

/// <summary>Noise colours against their theoretical spectral slopes, and degradations against their definitions.</summary>
public class NoiseAndDegradationTests
{
    /// <summary>Average power in an octave band, from a Welch estimate (Hann, 1024-point, 50 % overlap).</summary>
    private static double OctavePower(float[] x, double lowHz)
    {
        var stft = new Stft(new StftOptions { NFft = 1024, HopLength = 512, Center = false });
        float[] power = new float[stft.FrameCount(x.Length) * stft.Bins];
        stft.Power(x, power);
        int frames = power.Length / stft.Bins;
        double sum = 0;
        int count = 0;
        for (int k = (int)(lowHz * 1024 / 16000); k < (int)(2 * lowHz * 1024 / 16000); k++, count++)
            for (int t = 0; t < frames; t++)
                sum += power[t * stft.Bins + k];
        return sum / count / frames;
    }

    [Theory]
    [InlineData(NoiseType.White, 0.0)]
    [InlineData(NoiseType.Pink, -3.0)]
    [InlineData(NoiseType.Brown, -6.0)]
    public void Noise_colours_have_their_spectral_slope(NoiseType type, double dbPerOctave)
    {
        float[] noise = NoiseGenerator.Generate(type, 16000 * 20, new Random(1));
        // Per-bin power density slope between the 250–500 Hz and 2–4 kHz octaves (3 octaves apart).
        double slope = 10 * Math.Log10(OctavePower(noise, 2000) / OctavePower(noise, 250)) / 3;
        Assert.InRange(slope, dbPerOctave - 1.0, dbPerOctave + 1.0);
    }

    [Fact]
    public void Hum_is_at_mains_frequency_and_its_harmonics()
    {
        float[] hum = NoiseGenerator.Hum(16000 * 4, new Random(2));
        double at = OctavePower(hum, 40), between = OctavePower(hum, 1500);
        Assert.True(at > 1000 * between);
    }

    [Theory]
    [InlineData(-5.0)]
    [InlineData(0.0)]
    [InlineData(12.5)]
    public void Mixing_hits_the_requested_snr(double snr)
    {
        float[] clean = NoiseGenerator.Pink(16000, new Random(3)), noise = NoiseGenerator.White(16000, new Random(4));
        float[] mix = NoiseMixing.MixAtSnr(clean, noise, snr);
        double residual = clean.Zip(mix, (c, m) => (double)(m - c) * (m - c)).Sum(), signal = clean.Sum(c => (double)c * c);
        Assert.Equal(snr, 10 * Math.Log10(signal / residual), 3);
    }

    [Fact]
    public void Band_limiting_removes_what_lies_above_the_cutoff()
    {
        float[] high = Enumerable.Range(0, 16000).Select(i => (float)Math.Sin(2 * Math.PI * 5000 * i / 16000)).ToArray();
        float[] low = Enumerable.Range(0, 16000).Select(i => (float)Math.Sin(2 * Math.PI * 1000 * i / 16000)).ToArray();
        float[] h = Degradations.BandLimit(high, 16000, 4000), l = Degradations.BandLimit(low, 16000, 4000);
        Assert.True(NoiseMixing.Power(h.AsSpan(1000, 14000)) < 1e-6);
        Assert.Equal(0.5, NoiseMixing.Power(l.AsSpan(1000, 14000)), 3);
    }

    [Fact]
    public void Convolution_matches_the_direct_sum_and_reverb_keeps_the_level()
    {
        var r = new Random(5);
        float[] x = NoiseGenerator.White(300, r), h = NoiseGenerator.White(50, r);
        float[] y = Degradations.Convolve(x, h);
        for (int n = 0; n < y.Length; n++)
        {
            double direct = 0;
            for (int k = 0; k < h.Length; k++)
                if (n - k >= 0 && n - k < x.Length)
                    direct += x[n - k] * (double)h[k];
            Assert.True(Math.Abs(direct - y[n]) < 1e-4, $"sample {n}: {y[n]} vs {direct}");
        }

        float[] speechLike = NoiseGenerator.Pink(32000, r);
        float[] wet = Degradations.Reverberate(speechLike, 16000, 0.5, r);
        Assert.Equal(NoiseMixing.Power(speechLike), NoiseMixing.Power(wet), 3);
    }
}
