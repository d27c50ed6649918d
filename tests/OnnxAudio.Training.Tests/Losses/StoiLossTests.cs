using OnnxAudio.Evaluation;
using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Training.Losses;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Losses;

/// <summary>The differentiable STOI term against the STOI metric of the runtime (the measure the denoiser's bars use).</summary>
public class StoiLossTests
{
    private const int Rate = 16000, Length = 2 * Rate;

    private static float[] Noisy(float[] clean, double snrDb, int seed)
    {
        var random = new Random(seed);
        var noise = new float[clean.Length];
        for (int i = 0; i < noise.Length; i++)
            noise[i] = (float)(random.NextDouble() * 2 - 1);
        double gain = Signals.Rms(clean) / Signals.Rms(noise) * Math.Pow(10, -snrDb / 20);
        return clean.Select((c, i) => (float)(c + gain * noise[i])).ToArray();
    }

    private static double OneMinusLoss(float[] estimate, float[] clean) =>
        1 - StoiLoss.Compute(tensor(estimate).reshape(1, -1), tensor(clean).reshape(1, -1)).item<float>();

    [Fact]
    public void It_is_zero_for_the_clean_signal_and_invariant_to_gain()
    {
        float[] clean = Signals.Speechlike(Length, seed: 3);
        Assert.InRange(OneMinusLoss(clean, clean), 0.999, 1.0001);
        Assert.InRange(OneMinusLoss(clean.Select(v => 0.1f * v).ToArray(), clean), 0.999, 1.0001);
    }

    [Fact]
    public void It_follows_the_metric_over_noise_levels()
    {
        float[] clean = Signals.Speechlike(Length, seed: 5);
        double previous = double.MaxValue;
        foreach (double snr in new[] { 20.0, 10, 5, 0, -5 })
        {
            float[] noisy = Noisy(clean, snr, seed: 7);
            double metric = Stoi.Compute(clean, noisy, Rate);
            double term = OneMinusLoss(noisy, clean);
            // Measured: within 0.035 from 20 to 0 dB, 0.084 at −5 dB, where the metric's hard frame selection and its
            // 10 kHz resolution matter more.
            Assert.True(Math.Abs(term - metric) < (snr >= 0 ? 0.04 : 0.1), $"{snr} dB: loss-based {term:F3} vs metric {metric:F3}");
            Assert.True(term < previous, $"{snr} dB: {term:F3} not below the higher SNR's {previous:F3}");
            previous = term;
        }
    }

    [Fact]
    public void Its_gradient_points_toward_the_clean_signal()
    {
        float[] clean = Signals.Speechlike(Length, seed: 9);
        Tensor reference = tensor(clean).reshape(1, -1);
        Tensor estimate = tensor(Noisy(clean, 0, seed: 11)).reshape(1, -1).requires_grad_(true);
        Tensor loss = StoiLoss.Compute(estimate, reference);
        loss.backward();
        Tensor grad = estimate.grad!;
        Assert.False(grad.isnan().any().item<bool>());
        using (no_grad())
        {
            Tensor stepped = estimate - 0.5 * grad / grad.abs().max();
            Assert.True(StoiLoss.Compute(stepped, reference).item<float>() < loss.item<float>());
        }
    }

    /// <summary>Magnitudes [1, frames, bins] of the magnitude codec's analysis: 640-point Hann STFT, hop 160.</summary>
    private static Tensor Magnitudes(float[] x) =>
        stft(tensor(x).reshape(1, -1), 640, 160, 640, hann_window(640), center: false, return_complex: true).abs().transpose(1, 2);

    private static double OneMinusMagnitudeLoss(float[] estimate, float[] clean) =>
        1 - StoiLoss.FromMagnitudes(Magnitudes(estimate), Magnitudes(clean), 640, 160).item<float>();

    [Fact]
    public void On_magnitudes_it_is_zero_for_the_clean_signal_and_follows_the_metric_over_noise_levels()
    {
        float[] clean = Signals.Speechlike(Length, seed: 5);
        Assert.InRange(OneMinusMagnitudeLoss(clean, clean), 0.999, 1.0001);
        Assert.InRange(OneMinusMagnitudeLoss(clean.Select(v => 0.1f * v).ToArray(), clean), 0.999, 1.0001);
        double previous = double.MaxValue;
        foreach (double snr in new[] { 20.0, 10, 5, 0 })
        {
            float[] noisy = Noisy(clean, snr, seed: 7);
            double metric = Stoi.Compute(clean, noisy, Rate);
            double term = OneMinusMagnitudeLoss(noisy, clean);
            Assert.True(Math.Abs(term - metric) < 0.06, $"{snr} dB: magnitude-based {term:F3} vs metric {metric:F3}");
            Assert.True(term < previous, $"{snr} dB: {term:F3} not below the higher SNR's {previous:F3}");
            previous = term;
        }

        var ex = Assert.Throws<ArgumentException>(() => StoiLoss.FromMagnitudes(ones(1, 20, 321), ones(1, 20, 321), 640, 160));
        Assert.Contains("38 frames", ex.Message);
    }

    [Fact]
    public void Too_short_input_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => StoiLoss.Compute(zeros(1, 4000), zeros(1, 4000)));
        Assert.Contains("30 frames", ex.Message);
    }
}
