using static TorchSharp.torch;

namespace OnnxAudio.Training.Losses;

/// <summary>
/// Scale-invariant signal-to-distortion ratio (Le Roux et al., "SDR — half-baked or well done?", 2019) of waveforms
/// [batch, samples], in dB per example. Both signals are made zero-mean; the estimate is projected on the reference.
/// </summary>
public static class SiSdrLoss
{
    public static Tensor SiSdr(Tensor estimate, Tensor reference, double eps = 1e-8)
    {
        Tensor s = reference - reference.mean([-1], keepdim: true);
        Tensor y = estimate - estimate.mean([-1], keepdim: true);
        Tensor scale = (y * s).sum(-1, keepdim: true) / (s.square().sum(-1, keepdim: true) + eps);
        Tensor target = scale * s;
        Tensor error = y - target;
        return 10 * ((target.square().sum(-1) + eps) / (error.square().sum(-1) + eps)).log10();
    }

    /// <summary>The negative mean SI-SDR of the batch, a loss to minimise.</summary>
    public static Tensor Compute(Tensor estimate, Tensor reference) => -SiSdr(estimate, reference).mean();
}
