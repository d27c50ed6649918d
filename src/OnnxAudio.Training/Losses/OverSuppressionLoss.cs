using static TorchSharp.torch;

namespace OnnxAudio.Training.Losses;

/// <summary>
/// Penalises speech the model removes, not noise it leaves: at each time-frequency cell the part of the clean magnitude
/// that the estimate lacks, relu(|S| − |Ŝ|), summed and divided by the clean magnitude's sum (512-point STFT, hop 128),
/// per example and averaged. Symmetric losses (SI-SDR, MR-STFT) trade a dB of removed speech for a dB of removed noise;
/// intelligibility does not, so this term tips the balance toward keeping speech.
/// </summary>
public static class OverSuppressionLoss
{
    public static Tensor Compute(Tensor estimate, Tensor reference)
    {
        using var window = hann_window(512, device: estimate.device);
        Tensor s = stft(reference, 512, 128, 512, window, center: true, pad_mode: TorchSharp.PaddingModes.Reflect, return_complex: true).abs();
        Tensor e = stft(estimate, 512, 128, 512, window, center: true, pad_mode: TorchSharp.PaddingModes.Reflect, return_complex: true).abs();
        Tensor missing = nn.functional.relu(s - e).sum([1, 2]);
        return (missing / s.sum([1, 2]).clamp_min(1e-7)).mean();
    }
}
