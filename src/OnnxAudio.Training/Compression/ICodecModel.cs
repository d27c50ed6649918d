using OnnxAudio.Compression;
using OnnxAudio.Graphs;
using OnnxAudio.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Compression;

/// <summary>
/// A codec family as <see cref="CodecTask"/> trains and exports it: the network (checkpointed and optimised), how a
/// waveform goes through it, its two graphs and the <see cref="CodecSpec"/> they carry. The task, the losses, the
/// bitstream and the runtime's <see cref="SpeechCodec"/> are the same for every family; a new family is its model, one
/// implementation of this interface, an entry in <see cref="CodecFamilies"/> and, for a new kind of signal, a signal
/// path in the runtime.
/// </summary>
public interface ICodecModel : IDisposable
{
    /// <summary>The network whose parameters are trained, checkpointed and hashed into the model id.</summary>
    nn.Module Module { get; }

    /// <summary>What the exported halves say about the codec; the model id and the coder's tables are added at export.</summary>
    CodecSpec Spec { get; }

    /// <summary>Waveforms [B, N] (N a whole number of code frames) → decoded waveforms [B, N] through the first
    /// <paramref name="levels"/> codebooks, with the quantiser's commitment loss; <paramref name="update"/> lets the
    /// quantiser learn (EMA codebooks).</summary>
    (Tensor Decoded, Tensor Commitment) Reconstruct(Tensor waveform, int levels, bool update);

    /// <summary>
    /// The training loss for waveforms [B, N] through the first <paramref name="levels"/> codebooks, the quantiser
    /// learning. A family that synthesises waveforms differentiably returns <paramref name="waveformLoss"/> of its
    /// output (decoded, reference) plus the commitment loss; one whose synthesis is fixed DSP outside the network scores
    /// what its network does produce.
    /// </summary>
    Tensor TrainingLoss(Tensor waveform, int levels, Func<Tensor, Tensor, Tensor> waveformLoss);

    /// <summary>
    /// Whether training draws the number of codebooks per batch (quantiser dropout: one model for every bitrate) or
    /// always uses all of them (a model of its own for the top bitrate).
    /// </summary>
    bool QuantiserDropout { get; }

    /// <summary>The codes [1, Codebooks, frames] of one waveform [1, N], every codebook, as the encoder graph gives them.</summary>
    Tensor Encode(Tensor waveform);

    /// <summary>The encoder and decoder graphs with the inputs and outputs <see cref="CodecSpec.Signal"/> names, no metadata.</summary>
    (OnnxGraph Encoder, OnnxGraph Decoder) ExportGraphs();
}

/// <summary>The codec families <c>--arch</c> names.</summary>
public static class CodecFamilies
{
    /// <summary>
    /// "small", "base" (the default) or "large": the spectral residual-VQ codec of <see cref="SpectralCodecFamily"/>;
    /// "magnitude": the same encoder and quantiser with a magnitude decoder whose phase the runtime reconstructs
    /// (<see cref="MagnitudeCodecFamily"/>); "magnitude-6k": a magnitude codec for 6 kbit/s alone (all 12 codebooks in
    /// every batch, no quantiser dropout) with a 128-dimensional latent.
    /// </summary>
    public static ICodecModel Create(string? architecture) => architecture?.ToLowerInvariant() switch
    {
        null or "base" => new SpectralCodecFamily(new SpectralCodecConfig()),
        "small" => new SpectralCodecFamily(new SpectralCodecConfig(Channels: 96)),
        "large" => new SpectralCodecFamily(new SpectralCodecConfig(Channels: 256, DecoderBlocks: 6)),
        "magnitude" => new MagnitudeCodecFamily(new SpectralCodecConfig(Output: SpectralCodecOutput.Magnitude)),
        "magnitude-6k" => new MagnitudeCodecFamily(new SpectralCodecConfig(LatentDim: 128, Output: SpectralCodecOutput.Magnitude, QuantiserDropout: false)),
        _ => throw new OnnxAudioException($"unknown architecture '{architecture}' (small, base, large, magnitude or magnitude-6k)"),
    };
}
