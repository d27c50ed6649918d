using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Losses;

/// <summary>The over-suppression term on known signals: it counts removed speech, never added energy.</summary>
public class OverSuppressionLossTests
{
    private static Tensor Speechlike()
    {
        torch.manual_seed(4);
        Tensor t = arange(16000, dtype: float32) / 16000f;
        return (sin(2 * Math.PI * 220 * t) * sin(2 * Math.PI * 3 * t) + 0.05 * randn(16000)).reshape(1, 16000);
    }

    [Fact]
    public void It_is_the_fraction_of_clean_magnitude_removed()
    {
        Tensor s = Speechlike();
        Assert.True(OverSuppressionLoss.Compute(s, s).item<float>() < 1e-6);
        Assert.InRange(OverSuppressionLoss.Compute(zeros_like(s), s).item<float>(), 0.999f, 1.001f);
        Assert.InRange(OverSuppressionLoss.Compute(0.5 * s, s).item<float>(), 0.499f, 0.501f);
        Assert.True(OverSuppressionLoss.Compute(2 * s, s).item<float>() < 1e-6, "left-over energy is not penalised");
    }
}
