using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Models;

/// <summary>Hyper-parameters of <see cref="SpectrogramDiscriminator"/>.</summary>
/// <param name="Resolutions">(n_fft, hop) of each sub-discriminator's STFT (Hann window of n_fft).</param>
/// <param name="Channels">Width of every sub-discriminator's convolutions.</param>
public sealed record SpectrogramDiscriminatorConfig((int NFft, int Hop)[] Resolutions, int Channels = 16)
{
    /// <summary>Three resolutions around the 20–64 ms a speech codec works at (as in UnivNet and Vocos).</summary>
    public static SpectrogramDiscriminatorConfig Default => new([(1024, 256), (512, 128), (256, 64)]);
}

/// <summary>What a discriminator says about a batch: per sub-discriminator, its logits map and its hidden feature maps.</summary>
public sealed record DiscriminatorOutput(IReadOnlyList<Tensor> Logits, IReadOnlyList<IReadOnlyList<Tensor>> Features);

/// <summary>
/// Multi-resolution spectrogram discriminator (UnivNet, Jang et al. 2021; Vocos, Siuzdak 2023): one 2-D convolution
/// stack per STFT resolution over the power-law compressed magnitude (|X|^0.3) [batch, 1, frames, bins], strided
/// along frequency. It returns a logits map per resolution (real/fake per time–frequency patch) and every hidden
/// layer's output for feature matching. It only exists in training; nothing of it is exported.
/// </summary>
public sealed class SpectrogramDiscriminator : nn.Module<Tensor, DiscriminatorOutput>
{
    private readonly ModuleList<SpectrogramSubDiscriminator> bands;

    public SpectrogramDiscriminator(SpectrogramDiscriminatorConfig config) : base(nameof(SpectrogramDiscriminator))
    {
        bands = nn.ModuleList(config.Resolutions.Select(r => new SpectrogramSubDiscriminator(r.NFft, r.Hop, config.Channels)).ToArray());
        RegisterComponents();
    }

    /// <summary>Waveforms [batch, samples] → logits and features of every resolution.</summary>
    public override DiscriminatorOutput forward(Tensor waveform)
    {
        var logits = new List<Tensor>();
        var features = new List<IReadOnlyList<Tensor>>();
        foreach (SpectrogramSubDiscriminator band in bands)
        {
            var (l, f) = band.forward(waveform);
            logits.Add(l);
            features.Add(f);
        }

        return new DiscriminatorOutput(logits, features);
    }

    public long ParameterCount => parameters().Sum(p => p.numel());
}

/// <summary>
/// One resolution of <see cref="SpectrogramDiscriminator"/>: STFT magnitude → four 2-D convolutions strided by 2 along
/// frequency, one unstrided → logits. Kernels span 3 frames × 5 bins: narrower than UnivNet's 9 bins so a step costs
/// about a third as much on a CPU.
/// </summary>
public sealed class SpectrogramSubDiscriminator : nn.Module<Tensor, (Tensor Logits, IReadOnlyList<Tensor> Features)>
{
    private const double Slope = 0.1;
    private readonly ModuleList<Conv2d> layers;
    private readonly Conv2d output;
    private readonly Tensor window;
    private readonly int _nFft, _hop;

    public SpectrogramSubDiscriminator(int nFft, int hop, int channels) : base(nameof(SpectrogramSubDiscriminator))
    {
        _nFft = nFft;
        _hop = hop;
        layers = nn.ModuleList(
            nn.Conv2d(1, channels, (3, 5), stride: (1, 2), padding: (1, 2)),
            nn.Conv2d(channels, channels, (3, 5), stride: (1, 2), padding: (1, 2)),
            nn.Conv2d(channels, channels, (3, 5), stride: (1, 2), padding: (1, 2)),
            nn.Conv2d(channels, channels, (3, 5), stride: (1, 2), padding: (1, 2)),
            nn.Conv2d(channels, channels, (3, 3), padding: (1, 1)));
        output = nn.Conv2d(channels, 1, (3, 3), padding: (1, 1));
        window = hann_window(nFft);
        RegisterComponents();
    }

    public override (Tensor Logits, IReadOnlyList<Tensor> Features) forward(Tensor waveform)
    {
        Tensor magnitude = stft(waveform, _nFft, _hop, _nFft, window, center: true, pad_mode: PaddingModes.Reflect, return_complex: true).abs();
        Tensor h = magnitude.clamp_min(1e-7).pow(0.3).transpose(1, 2).unsqueeze(1); // [B, 1, frames, bins]
        var features = new List<Tensor>();
        foreach (Conv2d layer in layers)
        {
            h = nn.functional.leaky_relu(layer.forward(h), Slope);
            features.Add(h);
        }

        return (output.forward(h), features);
    }
}
