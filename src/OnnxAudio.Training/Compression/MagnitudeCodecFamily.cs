using OnnxAudio.Compression;
using OnnxAudio.Dsp;
using OnnxAudio.Graphs;
using OnnxAudio.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Compression;

/// <summary>
/// A DSP-assisted codec family: the <see cref="SpectralCodec"/>'s encoder and residual quantiser with a decoder that
/// gives STFT magnitudes only (<see cref="SpectralCodecOutput.Magnitude"/>); the runtime gives them a phase by phase
/// gradient heap integration (<see cref="PhaseReconstruction"/>) and resynthesises (<see cref="CodecSignal.Magnitude"/>).
/// The network never has to invent a phase that overlap-add keeps consistent — the shipped codec's weak point — and
/// learns a regression on magnitudes: log-magnitude and log-mel L1 plus spectral convergence, all on the frames the
/// encoder saw. From the true magnitudes the phase reconstruction alone scores STOI 0.99 on real speakers.
/// </summary>
public sealed class MagnitudeCodecFamily : ICodecModel
{
    /// <summary>Magnitude floor of the logarithms in the loss (about 100 dB below a full-scale sine's peak bin).</summary>
    private const float Floor = 1e-3f;
    private const int MelBands = 80;

    private readonly Tensor _window;
    private readonly Tensor _mel; // [bins, mels]
    private readonly StftOptions _stft;

    public MagnitudeCodecFamily(SpectralCodecConfig config)
    {
        if (config.Output != SpectralCodecOutput.Magnitude)
            throw new ArgumentException("A magnitude codec family needs a magnitude decoder.", nameof(config));
        Model = new SpectralCodec(config);
        _window = hann_window(config.NFft);
        var bank = new MelFilterBank(CodecTask.SampleRate, config.NFft, MelBands, 0, CodecTask.SampleRate / 2.0, MelScale.Slaney, MelNormalization.Slaney);
        _mel = tensor(bank.ToMatrix()).reshape(MelBands, bank.Bins).t().contiguous();
        _stft = new StftOptions { NFft = config.NFft, HopLength = config.HopLength };
    }

    public SpectralCodec Model { get; }

    /// <summary>
    /// Weight of the differentiable STOI term on the decoded magnitudes (<see cref="Losses.StoiLoss.FromMagnitudes"/>)
    /// added to the reconstruction loss; 0 (the default) leaves it out. Set by <c>--loss stoi</c>.
    /// </summary>
    public double StoiWeight { get; set; }

    public nn.Module Module => Model;

    public bool QuantiserDropout => Model.Config.QuantiserDropout;

    public CodecSpec Spec => SpectralCodecFamily.SpecOf(Model, CodecSignal.Magnitude, "magnitude-rvq");

    public Tensor TrainingLoss(Tensor waveform, int levels, Func<Tensor, Tensor, Tensor> waveformLoss)
    {
        Tensor spectrum = SpectralCodecFamily.Analyse(Model, _window, waveform);
        var (logMagnitude, commitment) = DecodeLogMagnitude(spectrum, levels, update: true);
        // The last code frame (two spectral frames) lacks its right context; leave it out.
        long frames = logMagnitude.shape[1] - SpectralCodecConfig.Stride;
        Tensor estimate = logMagnitude.narrow(1, 0, frames).exp();
        Tensor reference = spectrum.narrow(1, 0, frames).square().sum(-1).clamp_min(1e-12).sqrt();
        Tensor logL1 = ((estimate + Floor).log() - (reference + Floor).log()).abs().mean();
        Tensor melL1 = ((estimate.matmul(_mel) + Floor).log() - (reference.matmul(_mel) + Floor).log()).abs().mean();
        Tensor convergence = ((estimate - reference).square().sum([1, 2]).sqrt() / (reference.square().sum([1, 2]).sqrt() + 1e-6)).mean();
        Tensor loss = logL1 + melL1 + convergence + commitment;
        return StoiWeight > 0 ? loss + StoiWeight * Losses.StoiLoss.FromMagnitudes(estimate, reference, Model.Config.NFft, Model.Config.HopLength) : loss;
    }

    /// <summary>Decoded waveforms through the runtime's phase reconstruction and inverse STFT (not differentiable).</summary>
    public (Tensor Decoded, Tensor Commitment) Reconstruct(Tensor waveform, int levels, bool update)
    {
        long batch = waveform.shape[0], samples = waveform.shape[1];
        Tensor spectrum = SpectralCodecFamily.Analyse(Model, _window, waveform);
        var (logMagnitude, commitment) = DecodeLogMagnitude(spectrum, levels, update);
        int bins = Model.Config.Bins, frames = (int)spectrum.shape[1], decoded = (int)logMagnitude.shape[1];
        float[] magnitudes = logMagnitude.exp().detach().contiguous().data<float>().ToArray();
        var output = new float[batch * samples];
        var stft = new Stft(_stft);
        for (int b = 0; b < batch; b++)
        {
            var real = new float[frames * bins];
            var imag = new float[frames * bins];
            var phase = new PhaseReconstruction(_stft);
            int next = 0;
            var silent = new float[bins];
            for (int t = 0; t < frames; t++)
            {
                // Frames past the encoder's even count decode as silence, as the runtime's padding does.
                ReadOnlySpan<float> frame = t < decoded ? magnitudes.AsSpan((b * decoded + t) * bins, bins) : silent;
                if (phase.Push(frame, real.AsSpan(next * bins, bins), imag.AsSpan(next * bins, bins)))
                    next++;
            }

            phase.Flush(real.AsSpan(next * bins, bins), imag.AsSpan(next * bins, bins));
            stft.Inverse(real, imag, frames, output.AsSpan((int)(b * samples), (int)samples));
        }

        return (tensor(output).reshape(batch, samples), commitment);
    }

    public Tensor Encode(Tensor waveform) =>
        SpectralCodecFamily.Quantize(Model, SpectralCodecFamily.Analyse(Model, _window, waveform), Model.Config.Codebooks, update: false).Codes;

    public (OnnxGraph Encoder, OnnxGraph Decoder) ExportGraphs() => SpectralCodecFamily.Graphs(Model);

    public void Dispose()
    {
        _window.Dispose();
        _mel.Dispose();
        Model.Dispose();
    }

    /// <summary>Log magnitudes [B, frames, F] of the even-count frames of a spectrum [B, T, F, 2], with the commitment loss.</summary>
    private (Tensor LogMagnitude, Tensor Commitment) DecodeLogMagnitude(Tensor spectrum, int levels, bool update)
    {
        var (quantized, _, commitment) = SpectralCodecFamily.Quantize(Model, spectrum, levels, update);
        return (Model.DecodeLogMagnitude(quantized), commitment);
    }
}
