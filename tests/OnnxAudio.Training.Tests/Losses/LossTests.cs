using OnnxAudio.Dsp;
using OnnxAudio.Training.Export;
using OnnxAudio.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Losses;

public class LossTests
{
    private static Tensor Noise(int seed, long samples = 16000)
    {
        torch.manual_seed(seed);
        return randn(2, samples) * 0.1;
    }

    [Fact]
    public void Multi_resolution_stft_loss_is_zero_for_identical_signals_and_grows_with_the_error()
    {
        var loss = new MultiResolutionStftLoss();
        Tensor x = Noise(1), small = x + Noise(2) * 0.05, large = x + Noise(3) * 0.5;
        Assert.True(loss.Compute(x, x).item<float>() < 1e-5);
        float s = loss.Compute(small, x).item<float>(), l = loss.Compute(large, x).item<float>();
        Assert.True(0 < s && s < l, $"small {s}, large {l}");
    }

    [Fact]
    public void Multi_resolution_stft_loss_has_gradients_that_reduce_it()
    {
        var loss = new MultiResolutionStftLoss();
        Tensor target = Noise(4);
        Tensor estimate = (target + Noise(5) * 0.3).detach().requires_grad_(true);
        Tensor before = loss.Compute(estimate, target);
        before.backward();
        using (no_grad())
        {
            Tensor stepped = estimate - estimate.grad! * 0.01;
            Assert.True(loss.Compute(stepped, target).item<float>() < before.item<float>());
        }
    }

    [Fact]
    public void Mel_loss_uses_the_same_log_mel_as_the_runtime()
    {
        using var loss = new MelSpectrogramLoss(16000, 1024, 256, 80);
        Tensor x = Noise(6, 8000)[0];
        float[] torchLogMel = OnnxExporter.ToArray(loss.LogMel(x).t()); // [frames, mels]
        var runtime = new LogMelSpectrogram(new LogMelOptions
        {
            NFft = 1024, HopLength = 256, WinLength = 1024, NMels = 80, FMin = 0, Spectrum = SpectrumKind.Magnitude, LogFloor = 1e-5f,
        });
        float[] ours = runtime.Compute(OnnxExporter.ToArray(x));
        Assert.Equal(ours.Length, torchLogMel.Length);
        Assert.True(ours.Zip(torchLogMel, (a, b) => Math.Abs(a - b)).Max() < 1e-3);
        Assert.True(loss.Compute(x, x).item<float>() < 1e-6);
    }
}
