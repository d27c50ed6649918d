using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Losses;

/// <summary>
/// Multi-resolution STFT loss (Yamamoto et al., Parallel WaveGAN, 2020, eq. 4–6): at each resolution, spectral
/// convergence ‖|S| − |Ŝ|‖_F / ‖|S|‖_F plus the mean absolute difference of log magnitudes, averaged over resolutions.
/// Inputs are waveforms [batch, samples].
/// </summary>
public sealed class MultiResolutionStftLoss
{
    private readonly (int NFft, int Hop, int Win)[] _resolutions;

    /// <param name="resolutions">(n_fft, hop, window) triples; the default suits 16 kHz speech.</param>
    public MultiResolutionStftLoss(params (int NFft, int Hop, int Win)[] resolutions)
    {
        _resolutions = resolutions.Length > 0 ? resolutions : [(512, 128, 512), (1024, 256, 1024), (256, 64, 256)];
    }

    public Tensor Compute(Tensor estimate, Tensor reference)
    {
        Tensor total = zeros(1, device: estimate.device);
        foreach (var (nFft, hop, win) in _resolutions)
        {
            using var window = hann_window(win, device: estimate.device);
            Tensor s = Magnitude(reference, nFft, hop, win, window);
            Tensor e = Magnitude(estimate, nFft, hop, win, window);
            Tensor convergence = (s - e).norm() / s.norm().clamp_min(1e-7);
            Tensor logMagnitude = (s.log() - e.log()).abs().mean();
            total = total + convergence + logMagnitude;
        }

        return (total / _resolutions.Length).squeeze();
    }

    private static Tensor Magnitude(Tensor x, int nFft, int hop, int win, Tensor window) =>
        torch.stft(x, nFft, hop, win, window, center: true, pad_mode: PaddingModes.Reflect, return_complex: true)
            .abs().clamp_min(1e-7);
}
