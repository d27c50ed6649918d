using OnnxAudio.Training.Export;
using OnnxAudio.Training.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Models;

/// <summary>Hyper-parameters of <see cref="SpectralMaskDenoiser"/>.</summary>
/// <param name="NFft">STFT size (and window length) in samples; the algorithmic latency of the streaming model.</param>
/// <param name="HopLength">STFT hop in samples; the model runs once per hop.</param>
/// <param name="Hidden">Width of the encoder, the GRU layers and the decoder.</param>
/// <param name="Layers">Stacked GRU layers.</param>
/// <param name="MaskBound">Each component of the complex mask lies in (−bound, bound): 1 for denoising (gains up to √2), larger where energy must be restored (declipping).</param>
public sealed record SpectralMaskConfig(int NFft = 320, int HopLength = 160, int Hidden = 192, int Layers = 2, double MaskBound = 1.0)
{
    public int Bins => NFft / 2 + 1;
}

/// <summary>
/// Causal complex-ratio-mask model on the STFT (in the class of RNNoise / DCCRN-lite): per frame the log power spectrum
/// → linear encoder → stacked GRU → two-layer decoder → a bounded complex mask per bin, multiplied with the noisy
/// spectrum. Nothing looks ahead: frame t's mask depends on frames ≤ t, so the model runs frame by frame with its GRU
/// state carried between calls. Input and output spectra are [batch, frames, bins, 2] (real, imaginary).
/// </summary>
public sealed class SpectralMaskDenoiser : nn.Module<Tensor, Tensor>
{
    private readonly Linear encoder;
    private readonly GRU gru;
    private readonly Linear decoder1;
    private readonly Linear decoder2;
    private readonly SpectralMaskConfig _config;

    public SpectralMaskDenoiser(SpectralMaskConfig config) : base(nameof(SpectralMaskDenoiser))
    {
        _config = config;
        encoder = nn.Linear(config.Bins, config.Hidden);
        gru = nn.GRU(config.Hidden, config.Hidden, numLayers: config.Layers, batchFirst: true);
        decoder1 = nn.Linear(config.Hidden, config.Hidden);
        decoder2 = nn.Linear(config.Hidden, 2 * config.Bins);
        RegisterComponents();
    }

    public SpectralMaskConfig Config => _config;

    /// <summary>The complex mask [batch, frames, bins, 2] of a spectrum [batch, frames, bins, 2], from a zero state.</summary>
    public override Tensor forward(Tensor spectrum) => Mask(spectrum, null).Mask;

    /// <summary>The mask and the GRU state after the last frame; <paramref name="state"/> [layers, batch, hidden] continues a stream.</summary>
    public (Tensor Mask, Tensor State) Mask(Tensor spectrum, Tensor? state)
    {
        Tensor features = LogPowerSpectrum.Compute(spectrum);
        Tensor h = nn.functional.relu(encoder.forward(features));
        var (y, next) = gru.forward(h, state);
        Tensor raw = decoder2.forward(nn.functional.relu(decoder1.forward(y)));
        Tensor mask = raw.tanh().mul(_config.MaskBound).reshape(spectrum.shape[0], spectrum.shape[1], _config.Bins, 2);
        return (mask, next);
    }

    /// <summary>Complex product of a mask and a spectrum, both [..., 2].</summary>
    public static Tensor ApplyMask(Tensor mask, Tensor spectrum)
    {
        Tensor mr = mask.select(-1, 0), mi = mask.select(-1, 1), xr = spectrum.select(-1, 0), xi = spectrum.select(-1, 1);
        return stack([mr * xr - mi * xi, mr * xi + mi * xr], -1);
    }

    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// The ONNX graph of one call: inputs <c>spectrum</c> [batch, frames, bins, 2] and <c>state</c> [layers, batch, hidden],
    /// outputs <c>mask</c> (same shape as the spectrum) and <c>next_state</c>.
    /// </summary>
    public void Export(OnnxExporter e)
    {
        OnnxGraph g = e.Graph;
        OnnxValue spectrum = g.AddInput("spectrum", "batch", "frames", _config.Bins, 2);
        OnnxValue state = g.AddInput("state", _config.Layers, "batch", _config.Hidden);
        OnnxValue features = LogPowerSpectrum.Export(g, spectrum);
        OnnxValue h = g.Relu(e.Apply(encoder, features, "encoder"));
        var (y, next) = e.Gru(gru, h, state, batchFirst: true, "gru");
        OnnxValue raw = e.Apply(decoder2, g.Relu(e.Apply(decoder1, y, "decoder1")), "decoder2");
        OnnxValue mask = g.Mul(g.Tanh(raw), g.Scalar("mask_bound", (float)_config.MaskBound));
        g.AddOutput(g.Reshape(mask, 0, 0, _config.Bins, 2), "mask", "batch", "frames", _config.Bins, 2);
        g.AddOutput(next, "next_state", _config.Layers, "batch", _config.Hidden);
    }
}
