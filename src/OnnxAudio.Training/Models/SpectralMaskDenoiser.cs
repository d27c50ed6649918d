using OnnxAudio.Training.Export;
using OnnxAudio.Training.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Models;

/// <summary>Hyper-parameters of <see cref="SpectralMaskDenoiser"/>.</summary>
/// <param name="NFft">STFT size (and window length) in samples; the algorithmic latency of the streaming model.</param>
/// <param name="HopLength">STFT hop in samples; the model runs once per hop.</param>
/// <param name="Hidden">Width of the encoder, the GRU layers and the decoder.</param>
/// <param name="Layers">Stacked GRU layers.</param>
/// <param name="MaskBound">Each component of the complex mask lies in (−bound, bound): 1 for denoising (gains up to √2), larger where energy must be restored (declipping).</param>
/// <param name="LookAhead">Frames the model sees beyond the one it masks (0: fully causal); each adds one hop of latency.</param>
public sealed record SpectralMaskConfig(int NFft = 320, int HopLength = 160, int Hidden = 192, int Layers = 2, double MaskBound = 1.0, int LookAhead = 0)
{
    public int Bins => NFft / 2 + 1;
}

/// <summary>
/// Causal complex-ratio-mask model on the STFT (in the class of RNNoise / DCCRN-lite): per frame the log power spectrum
/// → linear encoder → stacked GRU → two-layer decoder → a bounded complex mask per bin, multiplied with the noisy
/// spectrum. Input and output spectra are [batch, frames, bins, 2] (real, imaginary).
/// Without look-ahead frame t's mask depends on frames ≤ t, so the model runs frame by frame with its GRU state carried
/// between calls. With <see cref="SpectralMaskConfig.LookAhead"/> = L, frame t's mask also sees frame t + L through a
/// second input projection (zero at initialisation, so a causal model's weights start it off unchanged): the streamed
/// model masks the frame L hops back, which it keeps in a cache of the last L input frames (all zero at the start of a
/// stream, like the silence the stream is primed with).
/// </summary>
public sealed class SpectralMaskDenoiser : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Linear encoder;
    private readonly Linear? lookahead;
    private readonly GRU gru;
    private readonly Linear decoder1;
    private readonly Linear decoder2;
    private readonly SpectralMaskConfig _config;

    public SpectralMaskDenoiser(SpectralMaskConfig config) : base(nameof(SpectralMaskDenoiser))
    {
        _config = config;
        encoder = nn.Linear(config.Bins, config.Hidden);
        if (config.LookAhead > 0)
        {
            lookahead = nn.Linear(config.Bins, config.Hidden, hasBias: false);
            using (no_grad())
                lookahead.weight!.zero_();
        }

        gru = nn.GRU(config.Hidden, config.Hidden, numLayers: config.Layers, batchFirst: true);
        decoder1 = nn.Linear(config.Hidden, config.Hidden);
        decoder2 = nn.Linear(config.Hidden, 2 * config.Bins);
        RegisterComponents();
    }

    public SpectralMaskConfig Config => _config;

    /// <summary>
    /// The complex mask [batch, frames, bins, 2] of a spectrum [batch, frames, bins, 2], from a zero state (with look-ahead:
    /// a zero cache in front, the last frames looking ahead into zero frames — a stream that starts and is flushed).
    /// </summary>
    public override Tensor forward(Tensor spectrum)
    {
        int l = _config.LookAhead;
        if (l == 0)
            return Mask(spectrum, null).Mask;
        long frames = spectrum.shape[1];
        Tensor pad = zeros(spectrum.shape[0], l, _config.Bins, 2, dtype: spectrum.dtype);
        return Mask(cat([spectrum, pad], 1), null, pad).Mask.narrow(1, l, frames);
    }

    /// <summary>
    /// The mask and the GRU state after the last frame; <paramref name="state"/> [layers, batch, hidden] continues a
    /// stream. With look-ahead, <paramref name="cache"/> [batch, L, bins, 2] holds the previous call's last L frames and
    /// the masks are those of cache + spectrum without its last L frames (the frames L hops back).
    /// </summary>
    public (Tensor Mask, Tensor State) Mask(Tensor spectrum, Tensor? state, Tensor? cache = null)
    {
        int l = _config.LookAhead;
        Tensor h;
        if (l == 0)
        {
            h = encoder.forward(LogPowerSpectrum.Compute(spectrum));
        }
        else
        {
            if (cache is null || cache.shape[1] != l)
                throw new ArgumentException($"A look-ahead model needs the last {l} frames of the previous call (zeros at the start).", nameof(cache));
            Tensor features = LogPowerSpectrum.Compute(cat([cache, spectrum], 1));
            long frames = spectrum.shape[1];
            h = encoder.forward(features.narrow(1, 0, frames)) + lookahead!.forward(features.narrow(1, l, frames));
        }

        var (y, next) = gru.forward(nn.functional.relu(h), state);
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
    /// One call of <see cref="Mask"/> as ONNX nodes: inputs spectrum [batch, frames, bins, 2], state [layers, batch,
    /// hidden] and, with look-ahead L, the previous call's last L frames [batch, L, bins, 2]; outputs the mask (the
    /// spectrum's shape; with look-ahead, that of the frames L hops back: cache + spectrum without its last L frames)
    /// and the next state.
    /// </summary>
    public IReadOnlyList<OnnxValue> ExportOnnx(OnnxExporter e, IReadOnlyList<OnnxValue> inputs, string scope)
    {
        OnnxGraph g = e.Graph;
        int l = _config.LookAhead;
        if (inputs.Count != (l == 0 ? 2 : 3))
            throw new ArgumentException($"{scope}: the denoiser takes spectrum and state{(l == 0 ? "" : " and the look-ahead cache")}.");
        OnnxValue spectrum = inputs[0], state = inputs[1];
        OnnxValue h;
        if (l == 0)
        {
            h = g.Relu(e.Apply(encoder, LogPowerSpectrum.Export(g, spectrum), Scoped(scope, "encoder")));
        }
        else
        {
            OnnxValue features = LogPowerSpectrum.Export(g, g.Concat(1, inputs[2], spectrum));
            OnnxValue current = g.Slice(features, [0], [-l], [1]), ahead = g.Slice(features, [l], [long.MaxValue], [1]);
            h = g.Relu(g.Add(e.Apply(encoder, current, Scoped(scope, "encoder")), e.Apply(lookahead!, ahead, Scoped(scope, "lookahead"))));
        }

        var (y, next) = e.Gru(gru, h, state, batchFirst: true, Scoped(scope, "gru"));
        OnnxValue raw = e.Apply(decoder2, g.Relu(e.Apply(decoder1, y, Scoped(scope, "decoder1"))), Scoped(scope, "decoder2"));
        OnnxValue mask = g.Mul(g.Tanh(raw), g.Scalar("mask_bound", (float)_config.MaskBound));
        return [g.Reshape(mask, 0, 0, _config.Bins, 2), next];
    }

    /// <summary>The single-input form: not this model's (it carries state).</summary>
    public OnnxValue ExportOnnx(OnnxExporter e, OnnxValue input, string scope) =>
        throw new NotSupportedException($"{scope}: the denoiser takes spectrum and state; export it with the list form.");

    private static string Scoped(string scope, string name) => scope.Length == 0 ? name : $"{scope}.{name}";
}
