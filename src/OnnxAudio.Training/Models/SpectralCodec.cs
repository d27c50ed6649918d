using OnnxAudio.Training.Export;
using OnnxAudio.Training.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Models;

/// <summary>Hyper-parameters of <see cref="SpectralCodec"/>.</summary>
/// <param name="NFft">STFT size of the analysis and synthesis (Hann window).</param>
/// <param name="HopLength">STFT hop: spectral frames come at sample_rate / hop per second (100 at 16 kHz).</param>
/// <param name="Channels">Width of the convolution stacks.</param>
/// <param name="LatentDim">Dimension of the latent vectors that are quantised.</param>
/// <param name="Codebooks">Residual codebooks; the bitrate is chosen by how many of them are sent.</param>
/// <param name="CodebookSize">Entries per codebook (1024 = 10 bits).</param>
/// <param name="EncoderBlocks">Residual blocks before and after the encoder's stride-2 convolution (each).</param>
/// <param name="DecoderBlocks">Residual blocks after the decoder's upsampling.</param>
/// <param name="Output">What the decoder gives: a complex spectrum, or magnitudes that the runtime gives a phase.</param>
public sealed record SpectralCodecConfig(
    int NFft = 640, int HopLength = 160, int Channels = 192, int LatentDim = 64, int Codebooks = 12, int CodebookSize = 1024,
    int EncoderBlocks = 2, int DecoderBlocks = 4, SpectralCodecOutput Output = SpectralCodecOutput.Complex, bool QuantiserDropout = true)
{
    public int Bins => NFft / 2 + 1;

    /// <summary>Spectral frames per latent frame.</summary>
    public const int Stride = 2;

    public int BitsPerCode => (int)Math.Round(Math.Log2(CodebookSize));
}

/// <summary>What a <see cref="SpectralCodec"/>'s decoder gives.</summary>
public enum SpectralCodecOutput
{
    /// <summary>Log magnitude and phase per bin, as a complex spectrum (Vocos-style): the phase is learned.</summary>
    Complex,

    /// <summary>Magnitude per bin only: the phase comes from the magnitudes (phase gradient heap integration, in the runtime).</summary>
    Magnitude,
}

/// <summary>
/// Residual unit of the codec's convolution stacks: x + Conv1×1(ELU(Conv_k,dilated(ELU(x)))), length-preserving.
/// </summary>
public sealed class CodecResidualUnit : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv1d dilated;
    private readonly Conv1d pointwise;

    public CodecResidualUnit(int channels, int dilation) : base(nameof(CodecResidualUnit))
    {
        dilated = nn.Conv1d(channels, channels, 3, dilation: dilation, padding: dilation);
        pointwise = nn.Conv1d(channels, channels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        x + pointwise.forward(nn.functional.elu(dilated.forward(nn.functional.elu(x, 1.0)), 1.0));

    public OnnxValue ExportOnnx(OnnxExporter e, OnnxValue x, string scope)
    {
        OnnxValue h = e.Graph.Op("Elu", [x], ("alpha", 1.0f));
        h = e.Graph.Op("Elu", [e.Apply(dilated, h, $"{scope}.dilated")], ("alpha", 1.0f));
        return e.Graph.Add(x, e.Apply(pointwise, h, $"{scope}.pointwise"));
    }
}

/// <summary>
/// Residual vector quantiser (SoundStream / EnCodec): each codebook quantises what the previous ones left, so the first
/// n codes of a frame are the best n-codebook description of it and a lower bitrate is a truncation. Codebooks learn by
/// exponential moving averages of their assigned vectors (with Laplace smoothing), start from data vectors, and
/// unused entries are re-seeded from the current batch.
/// </summary>
public sealed class ResidualVectorQuantizer : nn.Module
{
    private readonly Tensor codebooks;   // [Nq, K, D]
    private readonly Tensor ema_count;   // [Nq, K]
    private readonly Tensor ema_sum;     // [Nq, K, D]
    private readonly Tensor initialized; // [1]: 0 until the first training batch seeds the codebooks
    private readonly double _decay;

    public ResidualVectorQuantizer(int codebooks, int size, int dim, double decay = 0.99) : base(nameof(ResidualVectorQuantizer))
    {
        this.codebooks = randn(codebooks, size, dim) * 0.1;
        ema_count = ones(codebooks, size);
        ema_sum = this.codebooks.clone();
        initialized = zeros(1);
        _decay = decay;
        register_buffer(nameof(this.codebooks), this.codebooks);
        register_buffer(nameof(ema_count), ema_count);
        register_buffer(nameof(ema_sum), ema_sum);
        register_buffer(nameof(initialized), initialized);
    }

    public int Count => (int)codebooks.shape[0];

    public int Size => (int)codebooks.shape[1];

    public int Dim => (int)codebooks.shape[2];

    public Tensor Codebooks => codebooks;

    /// <summary>
    /// Quantises latents [B, D, T] with the first <paramref name="levels"/> codebooks. Returns the quantised latents
    /// (straight-through: gradients pass to the input unchanged), the codes [B, levels, T] and the commitment loss.
    /// Codebooks update only when <paramref name="update"/> is set (training).
    /// </summary>
    public (Tensor Quantized, Tensor Codes, Tensor Commitment) Quantize(Tensor z, int levels, bool update)
    {
        long b = z.shape[0], d = z.shape[1], t = z.shape[2];
        Tensor x = z.transpose(1, 2).reshape(-1, d);
        if (update && initialized.item<float>() == 0)
            Seed(x.detach());
        Tensor residual = x.detach();
        Tensor sum = zeros_like(x);
        Tensor commitment = zeros(1, device: z.device);
        var codes = new List<Tensor>();
        for (int i = 0; i < levels; i++)
        {
            Tensor book = codebooks[i];
            Tensor scores = book.square().sum(1).unsqueeze(0) - 2 * residual.matmul(book.t());
            Tensor index = scores.argmin(1);
            Tensor q = book.index_select(0, index);
            if (update)
                Update(i, residual, index);
            codes.Add(index.reshape(b, t));
            sum = sum + q;
            residual = residual - q;
        }

        commitment = (x - sum.detach()).square().mean();
        Tensor quantized = x + (sum - x).detach();
        return (quantized.reshape(b, t, d).transpose(1, 2), stack(codes, 1), commitment);
    }

    /// <summary>Latents [B, D, T] from codes [B, levels, T].</summary>
    public Tensor Decode(Tensor codes)
    {
        long b = codes.shape[0], t = codes.shape[2];
        Tensor sum = zeros(b * t, Dim, device: codes.device);
        for (int i = 0; i < codes.shape[1]; i++)
            sum = sum + codebooks[i].index_select(0, codes.select(1, i).reshape(-1));
        return sum.reshape(b, t, Dim).transpose(1, 2);
    }

    private void Seed(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor residual = x;
        for (int i = 0; i < Count; i++)
        {
            Tensor pick = randint(x.shape[0], [Size], device: x.device);
            Tensor book = residual.index_select(0, pick) + 1e-3 * randn(Size, Dim, device: x.device);
            codebooks[i].copy_(book);
            ema_sum[i].copy_(book);
            ema_count[i].fill_(1);
            Tensor scores = book.square().sum(1).unsqueeze(0) - 2 * residual.matmul(book.t());
            residual = residual - book.index_select(0, scores.argmin(1));
        }

        initialized.fill_(1);
    }

    private void Update(int level, Tensor residual, Tensor index)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor counts = zeros(Size, device: residual.device).index_add_(0, index, ones(index.shape[0], device: residual.device), 1.0);
        Tensor sums = zeros(Size, Dim, device: residual.device).index_add_(0, index, residual, 1.0);
        Tensor count = ema_count[level], accumulated = ema_sum[level];
        count.mul_(_decay).add_(counts, alpha: 1 - _decay);
        accumulated.mul_(_decay).add_(sums, alpha: 1 - _decay);
        Tensor n = count.sum();
        Tensor smoothed = (count + 1e-5) / (n + Size * 1e-5) * n;
        codebooks[level].copy_(accumulated / smoothed.unsqueeze(1));

        // Entries that (almost) nothing chooses any more restart at vectors of this batch.
        Tensor dead = (count < 1e-3).nonzero().squeeze(1);
        long deadCount = dead.shape[0];
        if (deadCount > 0)
        {
            Tensor fresh = residual.index_select(0, randint(residual.shape[0], [deadCount], device: residual.device));
            codebooks[level].index_copy_(0, dead, fresh);
            accumulated.index_copy_(0, dead, fresh);
            count.index_fill_(0, dead, 1.0);
        }
    }
}

/// <summary>
/// A neural speech codec on STFT frames (a Vocos-style spectral decoder with an EnCodec-style residual quantiser):
/// the encoder turns the log power spectrum (100 frames/s at 16 kHz) into 50 latent vectors per second, the quantiser
/// turns each into up to <see cref="SpectralCodecConfig.Codebooks"/> 10-bit codes, and the decoder turns latents back
/// into a complex spectrum (log magnitude and phase per bin) that the inverse STFT resynthesises — or, with
/// <see cref="SpectralCodecOutput.Magnitude"/>, into magnitudes only. Spectra are [batch, frames, bins, 2]; the encoder
/// takes an even number of frames and the decoder returns as many.
/// </summary>
public sealed class SpectralCodec : nn.Module
{
    private readonly Conv1d encoder_in;
    private readonly Sequential encoder_blocks1;
    private readonly Conv1d downsample;
    private readonly Sequential encoder_blocks2;
    private readonly Conv1d encoder_out;
    private readonly ResidualVectorQuantizer quantizer;
    private readonly Conv1d decoder_in;
    private readonly ConvTranspose1d upsample;
    private readonly Sequential decoder_blocks;
    private readonly Conv1d decoder_out;

    public SpectralCodec(SpectralCodecConfig config) : base(nameof(SpectralCodec))
    {
        Config = config;
        int c = config.Channels, f = config.Bins;
        encoder_in = nn.Conv1d(f, c, 3, padding: 1);
        encoder_blocks1 = Blocks(c, config.EncoderBlocks);
        downsample = nn.Conv1d(c, c, 4, stride: SpectralCodecConfig.Stride, padding: 1);
        encoder_blocks2 = Blocks(c, config.EncoderBlocks);
        encoder_out = nn.Conv1d(c, config.LatentDim, 3, padding: 1);
        quantizer = new ResidualVectorQuantizer(config.Codebooks, config.CodebookSize, config.LatentDim);
        decoder_in = nn.Conv1d(config.LatentDim, c, 3, padding: 1);
        upsample = nn.ConvTranspose1d(c, c, 4, stride: SpectralCodecConfig.Stride, padding: 1);
        decoder_blocks = Blocks(c, config.DecoderBlocks);
        decoder_out = nn.Conv1d(c, config.Output == SpectralCodecOutput.Complex ? 2 * f : f, 1);
        RegisterComponents();
    }

    public SpectralCodecConfig Config { get; }

    public ResidualVectorQuantizer Quantizer => quantizer;

    /// <summary>Log-magnitude ceiling of the decoder's output (e^8 ≈ 3000, far above any 16-bit spectrum bin).</summary>
    public const float MaxLogMagnitude = 8f;

    private static Sequential Blocks(int channels, int count) =>
        nn.Sequential(Enumerable.Range(0, count).Select(i => ($"unit{i}", (nn.Module<Tensor, Tensor>)new CodecResidualUnit(channels, 1 << i))).ToArray());

    /// <summary>Latents [B, D, T/2] of a spectrum [B, T, F, 2] (T even).</summary>
    public Tensor Encode(Tensor spectrum)
    {
        Tensor features = LogPowerSpectrum.Compute(spectrum).transpose(1, 2); // [B, F, T]
        Tensor h = encoder_blocks1.forward(encoder_in.forward(features));
        h = encoder_blocks2.forward(downsample.forward(nn.functional.elu(h, 1.0)));
        return encoder_out.forward(nn.functional.elu(h, 1.0));
    }

    /// <summary>Spectrum [B, 2T', F, 2] of latents [B, D, T'] (a <see cref="SpectralCodecOutput.Complex"/> codec).</summary>
    public Tensor Decode(Tensor latents)
    {
        if (Config.Output != SpectralCodecOutput.Complex)
            throw new InvalidOperationException("This codec decodes magnitudes (DecodeLogMagnitude).");
        Tensor h = DecoderOutput(latents); // [B, 2F, T]
        long b = h.shape[0], t = h.shape[2];
        int f = Config.Bins;
        Tensor logMagnitude = h.narrow(1, 0, f).clamp_max(MaxLogMagnitude);
        Tensor phase = h.narrow(1, f, f);
        Tensor magnitude = logMagnitude.exp();
        return stack([magnitude * phase.cos(), magnitude * phase.sin()], -1).transpose(1, 2).reshape(b, t, f, 2);
    }

    /// <summary>Log magnitudes [B, 2T', F] of latents [B, D, T'] (a <see cref="SpectralCodecOutput.Magnitude"/> codec).</summary>
    public Tensor DecodeLogMagnitude(Tensor latents)
    {
        if (Config.Output != SpectralCodecOutput.Magnitude)
            throw new InvalidOperationException("This codec decodes complex spectra (Decode).");
        return DecoderOutput(latents).clamp_max(MaxLogMagnitude).transpose(1, 2);
    }

    private Tensor DecoderOutput(Tensor latents)
    {
        Tensor h = upsample.forward(nn.functional.elu(decoder_in.forward(latents), 1.0));
        return decoder_out.forward(nn.functional.elu(decoder_blocks.forward(h), 1.0));
    }

    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// The encoder half for export: spectrum [batch, frames, bins, 2] (frames even) → codes int64 [batch, codebooks,
    /// frames/2], every codebook's code (a bitstream at a lower rate keeps the first n).
    /// </summary>
    public IOnnxExportable EncoderHalf => new Half(this, encoder: true);

    /// <summary>
    /// The decoder half for export: codes int64 [batch, n, latent_frames] (any n ≤ codebooks: the first n) → spectrum
    /// [batch, 2·latent_frames, bins, 2], or magnitudes [batch, 2·latent_frames, bins] for a magnitude codec.
    /// </summary>
    public IOnnxExportable DecoderHalf => new Half(this, encoder: false);

    private sealed class Half(SpectralCodec codec, bool encoder) : IOnnxExportable
    {
        public OnnxValue ExportOnnx(OnnxExporter e, OnnxValue input, string scope) =>
            encoder ? codec.ExportEncoder(e, input) : codec.ExportDecoder(e, input);
    }

    private OnnxValue ExportEncoder(OnnxExporter e, OnnxValue spectrum)
    {
        OnnxGraph g = e.Graph;
        OnnxValue features = g.Transpose(LogPowerSpectrum.Export(g, spectrum), 0, 2, 1);
        OnnxValue h = e.Apply(encoder_blocks1, e.Apply(encoder_in, features, "encoder_in"), "encoder_blocks1");
        h = e.Apply(encoder_blocks2, e.Apply(downsample, Elu(g, h), "downsample"), "encoder_blocks2");
        OnnxValue z = e.Apply(encoder_out, Elu(g, h), "encoder_out"); // [B, D, T']
        OnnxValue residual = g.Transpose(z, 0, 2, 1);                 // [B, T', D]
        var codes = new List<OnnxValue>();
        for (int i = 0; i < quantizer.Count; i++)
        {
            Tensor book = quantizer.Codebooks[i];
            OnnxValue bookT = e.Weight(book.t().contiguous(), $"codebook{i}_t");
            OnnxValue norms = e.Weight(book.square().sum(1), $"codebook{i}_norms");
            OnnxValue scores = g.Sub(norms, g.Mul(g.MatMul(residual, bookT), g.Scalar("two", 2f)));
            OnnxValue index = g.Op("ArgMin", [scores], ("axis", -1L), ("keepdims", 0L)); // [B, T']
            codes.Add(g.Unsqueeze(index, 1));
            if (i + 1 < quantizer.Count)
                residual = g.Sub(residual, g.Op("Gather", [e.Weight(book, $"codebook{i}"), index], ("axis", 0L)));
        }

        return g.Concat(1, codes.ToArray());
    }

    private OnnxValue ExportDecoder(OnnxExporter e, OnnxValue codes)
    {
        OnnxGraph g = e.Graph;
        int k = quantizer.Size, nq = quantizer.Count;
        // Codebook i's entries sit at rows i·K … i·K + K − 1 of one table; offset each level's codes, gather, sum.
        OnnxValue table = e.Weight(quantizer.Codebooks.reshape(nq * k, quantizer.Dim), "codebooks");
        OnnxValue offsets = g.Int64Tensor("offsets", Enumerable.Range(0, nq).Select(i => (long)i * k).ToArray(), nq, 1);
        OnnxValue levels = g.Slice(g.Shape(codes), [1], [2], [0]);
        OnnxValue used = g.Op("Slice", [offsets, g.Int64s("zero", 0), levels, g.Int64s("axis0", 0)]);
        OnnxValue vectors = g.Op("Gather", [table, g.Add(codes, used)], ("axis", 0L));           // [B, n, T', D]
        OnnxValue latents = g.Transpose(g.Op("ReduceSum", [vectors, g.Int64s("axis1", 1)], ("keepdims", 0L)), 0, 2, 1); // [B, D, T']
        OnnxValue h = e.Apply(upsample, Elu(g, e.Apply(decoder_in, latents, "decoder_in")), "upsample");
        h = e.Apply(decoder_out, Elu(g, e.Apply(decoder_blocks, h, "decoder_blocks")), "decoder_out"); // [B, 2F, T]
        int f = Config.Bins;
        OnnxValue logMagnitude = g.Op("Min", [g.Slice(h, [0], [f], [1]), g.Scalar("max_log_magnitude", MaxLogMagnitude)]);
        if (Config.Output == SpectralCodecOutput.Magnitude)
            return g.Transpose(g.Op("Exp", [logMagnitude]), 0, 2, 1);
        OnnxValue phase = g.Slice(h, [f], [2 * f], [1]);
        OnnxValue magnitude = g.Op("Exp", [logMagnitude]);
        OnnxValue real = g.Mul(magnitude, g.Op("Cos", [phase])), imag = g.Mul(magnitude, g.Op("Sin", [phase]));
        OnnxValue spectrum = g.Concat(3, g.Unsqueeze(real, 3), g.Unsqueeze(imag, 3)); // [B, F, T, 2]
        return g.Transpose(spectrum, 0, 2, 1, 3);
    }

    private static OnnxValue Elu(OnnxGraph g, OnnxValue x) => g.Op("Elu", [x], ("alpha", 1.0f));
}
