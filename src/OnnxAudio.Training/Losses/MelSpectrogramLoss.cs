using OnnxAudio.Dsp;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Losses;

/// <summary>
/// L1 distance between log-mel spectrograms (as in HiFi-GAN's mel loss), computed differentiably with torch.stft and
/// the same mel filters the runtime uses (<see cref="MelFilterBank"/>). Inputs are waveforms [batch, samples].
/// </summary>
public sealed class MelSpectrogramLoss : IDisposable
{
    private readonly Tensor _filters; // [mels, bins]
    private readonly Tensor _window;
    private readonly int _nFft, _hop;

    public MelSpectrogramLoss(int sampleRate = 16000, int nFft = 1024, int hop = 256, int nMels = 80)
    {
        var bank = new MelFilterBank(sampleRate, nFft, nMels, 0, sampleRate / 2.0, MelScale.Slaney, MelNormalization.Slaney);
        _filters = tensor(bank.ToMatrix()).reshape(nMels, bank.Bins);
        _window = hann_window(nFft);
        _nFft = nFft;
        _hop = hop;
    }

    public Tensor Compute(Tensor estimate, Tensor reference) => (LogMel(estimate) - LogMel(reference)).abs().mean();

    public Tensor LogMel(Tensor x)
    {
        Tensor magnitude = torch.stft(x, _nFft, _hop, _nFft, _window.to(x.device), center: true, pad_mode: PaddingModes.Reflect, return_complex: true).abs();
        return _filters.to(x.device).matmul(magnitude).clamp_min(1e-5).log();
    }

    public void Dispose()
    {
        _filters.Dispose();
        _window.Dispose();
    }
}
