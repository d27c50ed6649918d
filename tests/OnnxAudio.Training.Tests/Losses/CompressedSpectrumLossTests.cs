using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Losses;

/// <summary>The compressed spectral loss on known signals: zero for the reference, level-free, phase-aware.</summary>
public class CompressedSpectrumLossTests
{
    private static Tensor Speechlike() => tensor(Signals.Speechlike(16000, seed: 5)).reshape(1, 16000);

    /// <summary>mean |S|^0.6 of the reference scaled to RMS 0.1, by a direct DFT of each sqrt-Hann frame (independent of torch.stft).</summary>
    private static double MeanCompressedPower(float[] x)
    {
        double rms = Math.Sqrt(x.Select(v => (double)v * v).Average());
        double[] y = x.Select(v => v * 0.1 / rms).ToArray();
        // center: true with reflect padding, as the loss's STFT
        int pad = 256, n = 512, hop = 256;
        double[] padded = new double[y.Length + 2 * pad];
        for (int i = 0; i < padded.Length; i++)
        {
            int j = i - pad;
            if (j < 0) j = -j;
            if (j >= y.Length) j = 2 * (y.Length - 1) - j;
            padded[i] = y[j];
        }

        double total = 0;
        int cells = 0;
        for (int start = 0; start + n <= padded.Length; start += hop)
            for (int k = 0; k <= n / 2; k++)
            {
                double re = 0, im = 0;
                for (int m = 0; m < n; m++)
                {
                    double w = Math.Sqrt(0.5 - 0.5 * Math.Cos(2 * Math.PI * m / n)) * padded[start + m];
                    re += w * Math.Cos(2 * Math.PI * k * m / n);
                    im -= w * Math.Sin(2 * Math.PI * k * m / n);
                }

                total += Math.Pow(Math.Sqrt(re * re + im * im), 0.6);
                cells++;
            }

        return total / cells;
    }

    [Fact]
    public void It_is_zero_for_the_reference_and_does_not_depend_on_the_level()
    {
        Tensor s = Speechlike();
        torch.manual_seed(5);
        Tensor e = s + 0.01 * randn_like(s);
        Assert.True(CompressedSpectrumLoss.Compute(s, s).item<float>() < 1e-5);
        float loss = CompressedSpectrumLoss.Compute(e, s).item<float>();
        Assert.True(loss > 1e-3);
        Assert.InRange(CompressedSpectrumLoss.Compute(0.01 * e, 0.01 * s).item<float>(), loss * 0.999f, loss * 1.001f);
    }

    [Fact]
    public void A_lower_level_costs_its_compressed_power_and_a_flipped_phase_costs_more()
    {
        Tensor s = Speechlike();
        double m = MeanCompressedPower(s.data<float>().ToArray());
        // half the level: both compressed errors are (1 − 0.5^0.3)² |S|^0.6, 30 × the complex one + 70 × the magnitude one
        double half = 100 * Math.Pow(1 - Math.Pow(0.5, 0.3), 2) * m;
        Assert.InRange(CompressedSpectrumLoss.Compute(0.5 * s, s).item<float>(), half * 0.99, half * 1.01);
        // −S: same magnitudes, compressed complex error |2 S_c|² = 4 |S|^0.6
        Assert.InRange(CompressedSpectrumLoss.Compute(-s, s).item<float>(), 120 * m * 0.99, 120 * m * 1.01);
    }
}
