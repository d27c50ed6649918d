using OnnxAudio.Evaluation;
using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Training.Data;

namespace OnnxAudio.Training.Tests.Data;

/// <summary>Voice augmentation on signals with a known answer: a sine's frequency and a signal's length.</summary>
public class VoiceAugmentationTests
{
    [Theory]
    [InlineData(0.8)]
    [InlineData(1.25)]
    public void Time_stretching_changes_the_length_and_keeps_the_pitch(double factor)
    {
        float[] tone = Signals.Sine(300, 16000, 16000, 0.5);
        float[] stretched = VoiceAugmentation.TimeStretch(tone, factor);
        Assert.Equal((int)Math.Round(16000 * factor), stretched.Length);
        Assert.InRange(DominantFrequency(stretched[1000..^1000]), 299, 301);
    }

    [Theory]
    [InlineData(1.12, 335.7)]
    [InlineData(0.89, 266.7)]
    public void Pitch_shifting_scales_the_frequency_and_keeps_the_length(double factor, double expectedHz)
    {
        float[] tone = Signals.Sine(300, 16000, 16000, 0.5);
        float[] shifted = VoiceAugmentation.PitchShift(tone, factor);
        Assert.Equal(tone.Length, shifted.Length);
        // The rate is rounded to a 100 Hz grid: 16000/1.12 → 14300 Hz (×1.119), 16000/0.89 → 18000 Hz (×0.889).
        Assert.InRange(DominantFrequency(shifted[1000..^2000]), expectedHz - 2, expectedHz + 2);
    }

    [Fact]
    public void The_telephone_line_cuts_above_3_4_kHz_and_keeps_speech_band_at_mu_law_precision()
    {
        float[] low = Signals.Sine(1000, 16000, 16000, 0.3), high = Signals.Sine(5000, 16000, 16000, 0.3);
        float[] lowOut = VoiceAugmentation.Telephone(low), highOut = VoiceAugmentation.Telephone(high);
        // G.711 μ-law gives about 38 dB SNR on a full-band sine.
        Assert.InRange(SignalMetrics.Snr(low.AsSpan(500, 15000), lowOut.AsSpan(500, 15000)), 30, 50);
        Assert.True(NoiseMixing.Power(highOut.AsSpan(500, 15000)) < 1e-3 * NoiseMixing.Power(high));
    }

    /// <summary>The frequency of the largest DFT bin, refined by parabolic interpolation.</summary>
    private static double DominantFrequency(float[] x)
    {
        int n = x.Length;
        double best = 0;
        int bestK = 1;
        var mags = new double[n / 2];
        for (int k = 1; k < n / 2; k++)
        {
            double re = 0, im = 0;
            for (int i = 0; i < n; i += 1)
            {
                double a = 2 * Math.PI * k * i / n;
                re += x[i] * Math.Cos(a);
                im -= x[i] * Math.Sin(a);
            }

            mags[k] = Math.Sqrt(re * re + im * im);
            if (k > 0 && k * 16000.0 / n > 1000)
                break;
            if (mags[k] > best)
                (best, bestK) = (mags[k], k);
        }

        double a0 = mags[bestK - 1], a1 = mags[bestK], a2 = mags[bestK + 1];
        double delta = 0.5 * (a0 - a2) / (a0 - 2 * a1 + a2);
        return (bestK + delta) * 16000.0 / n;
    }
}
