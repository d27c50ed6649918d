using OnnxAudio.Dsp;
using OnnxAudio.Restoration;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Tests.Restoration;

/// <summary>RNNoise's pitch filter on the denoiser's STFT (320-point sqrt-Hann, hop 160, 16 kHz), on known signals.</summary>
public class PitchFilterTests
{
    private const int Rate = 16000, NFft = 320, Hop = 160, Bins = NFft / 2 + 1;
    private static readonly StftOptions Options = new() { NFft = NFft, HopLength = Hop, Window = WindowFunction.SqrtHann, Center = false };

    /// <summary>A vowel-like periodic signal: harmonics of 16000/period Hz with a falling spectrum.</summary>
    private static float[] Voiced(int length, int period)
    {
        var x = new float[length];
        double f0 = (double)Rate / period;
        for (int h = 1; h * f0 < 7000; h++)
            for (int n = 0; n < length; n++)
                x[n] += (float)(0.3 / h * Math.Sin(2 * Math.PI * h * f0 * n / Rate + 0.7 * h));
        return x;
    }

    private static float[] Spectrum(float[] signal, long frame)
    {
        var stft = new Stft(Options);
        float[] re = new float[Bins], im = new float[Bins];
        stft.Forward(signal.AsSpan((int)(frame * Hop), NFft), re, im);
        var interleaved = new float[2 * Bins];
        for (int f = 0; f < Bins; f++)
        {
            interleaved[2 * f] = re[f];
            interleaved[2 * f + 1] = im[f];
        }

        return interleaved;
    }

    private static float[] UniformMask(float gain)
    {
        var mask = new float[2 * Bins];
        for (int f = 0; f < Bins; f++)
            mask[2 * f] = gain;
        return mask;
    }

    /// <summary>|⟨a, b⟩| / (|a| |b|) of two complex spectra.</summary>
    private static double Similarity(float[] a, float[] b)
    {
        double re = 0, im = 0, ea = 0, eb = 0;
        for (int f = 0; f < Bins; f++)
        {
            re += a[2 * f] * b[2 * f] + a[2 * f + 1] * b[2 * f + 1];
            im += a[2 * f + 1] * b[2 * f] - a[2 * f] * b[2 * f + 1];
            ea += a[2 * f] * a[2 * f] + a[2 * f + 1] * a[2 * f + 1];
            eb += b[2 * f] * b[2 * f] + b[2 * f + 1] * b[2 * f + 1];
        }

        return Math.Sqrt(re * re + im * im) / Math.Sqrt(ea * eb);
    }

    [Theory]
    [InlineData(150)]   // 107 Hz, a low male voice
    [InlineData(73)]    // 219 Hz, a female voice (its double, 146, is in range too: the first period must win)
    public void Finds_the_period_of_a_voiced_signal(int period)
    {
        float[] x = Voiced(4000, period);
        var filter = new PitchFilter(Options, Rate);
        filter.Push(x);
        float[] spectrum = Spectrum(x, 10);
        filter.Filter(10, spectrum, UniformMask(0.5f), 1);
        Assert.Equal(period, filter.LastPeriod);
    }

    [Fact]
    public void Brings_a_noisy_voiced_frame_closer_to_the_clean_one_and_keeps_each_band_s_energy()
    {
        float[] clean = Voiced(4000, 150), noise = DspReference.RandomSignal(4000, seed: 3);
        float[] noisy = clean.Zip(noise, (c, n) => c + 0.25f * n).ToArray();
        var filter = new PitchFilter(Options, Rate);
        filter.Push(noisy);
        double gain = 0;
        for (long frame = 5; frame < 20; frame++)
        {
            float[] before = Spectrum(noisy, frame), after = (float[])before.Clone(), target = Spectrum(clean, frame);
            filter.Filter(frame, after, UniformMask(0.3f), 1);
            Assert.InRange(filter.LastPeriod, 149, 151);   // the noise may move the peak by a sample
            Assert.True(Similarity(after, target) > Similarity(before, target),
                $"frame {frame}: similarity to the clean frame {Similarity(before, target):0.000} → {Similarity(after, target):0.000}");
            gain += Similarity(after, target) - Similarity(before, target);
            double energyBefore = before.Sum(v => (double)v * v), energyAfter = after.Sum(v => (double)v * v);
            Assert.InRange(energyAfter / energyBefore, 0.9, 1.1);
        }

        Assert.True(gain / 15 > 0.01, $"mean similarity gain {gain / 15:0.000}");
    }

    [Fact]
    public void A_mask_that_passes_every_band_leaves_the_frame_untouched()
    {
        float[] x = Voiced(4000, 150).Zip(DspReference.RandomSignal(4000, seed: 4), (c, n) => c + 0.25f * n).ToArray();
        var filter = new PitchFilter(Options, Rate);
        filter.Push(x);
        float[] before = Spectrum(x, 12), after = (float[])before.Clone();
        filter.Filter(12, after, UniformMask(1f), 1);
        Assert.Equal(before, after);
        // Strength 0 blends any mask to unity: the same.
        filter.Filter(13, after = Spectrum(x, 13), UniformMask(0.2f), 0);
        Assert.Equal(Spectrum(x, 13), after);
    }

    [Fact]
    public void Silence_and_frames_before_the_stream_are_left_alone()
    {
        var filter = new PitchFilter(Options, Rate);
        filter.Push(new float[3000]);
        float[] zeros = new float[2 * Bins];
        filter.Filter(-1, zeros, UniformMask(0.1f), 1);
        filter.Filter(5, zeros, UniformMask(0.1f), 1);
        Assert.Equal(0, filter.LastPeriod);
        Assert.All(zeros, v => Assert.Equal(0f, v));
    }
}
