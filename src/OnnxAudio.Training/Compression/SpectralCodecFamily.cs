using OnnxAudio.Compression;
using OnnxAudio.Graphs;
using OnnxAudio.Training.Export;
using OnnxAudio.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Compression;

/// <summary>
/// The spectral residual-VQ codec (<see cref="SpectralCodec"/>) as a codec family: the encoder graph takes centred Hann
/// STFT frames, the decoder graph gives them back and the runtime's inverse STFT resynthesises (<see cref="CodecSignal.Spectrum"/>).
/// </summary>
public sealed class SpectralCodecFamily : ICodecModel
{
    private readonly Tensor _window;

    public SpectralCodecFamily(SpectralCodecConfig config) : this(new SpectralCodec(config))
    {
    }

    public SpectralCodecFamily(SpectralCodec model)
    {
        Model = model;
        _window = hann_window(model.Config.NFft);
    }

    public SpectralCodec Model { get; }

    public nn.Module Module => Model;

    public bool QuantiserDropout => Model.Config.QuantiserDropout;

    public CodecSpec Spec => SpecOf(Model, CodecSignal.Spectrum, "spectral-rvq");

    /// <summary>The spec of a <see cref="SpectralCodec"/> whose graphs meet the signal as <paramref name="signal"/>.</summary>
    internal static CodecSpec SpecOf(SpectralCodec model, CodecSignal signal, string family) => new()
    {
        SampleRate = CodecTask.SampleRate, Role = CodecRole.Encoder, ModelId = "0000000000000000", Codebooks = model.Config.Codebooks,
        CodebookSize = model.Config.CodebookSize, Signal = signal, NFft = model.Config.NFft, HopLength = model.Config.HopLength,
        SamplesPerFrame = SpectralCodecConfig.Stride * model.Config.HopLength, Family = family, Parameters = model.ParameterCount,
    };

    public (Tensor Decoded, Tensor Commitment) Reconstruct(Tensor waveform, int levels, bool update)
    {
        SpectralCodecConfig c = Model.Config;
        long samples = waveform.shape[1];
        Tensor spectrum = Analyse(Model, _window, waveform); // [B, T, F, 2]
        var (quantized, _, commitment) = Quantize(Model, spectrum, levels, update);
        Tensor decoded = Model.Decode(quantized);           // [B, frames, F, 2]
        if (decoded.shape[1] < spectrum.shape[1])
            decoded = cat([decoded, zeros(decoded.shape[0], spectrum.shape[1] - decoded.shape[1], c.Bins, 2)], 1);
        Tensor y = istft(view_as_complex(decoded.transpose(1, 2).contiguous()), c.NFft, c.HopLength, c.NFft, _window, center: true, length: samples);
        return (y, commitment);
    }

    public Tensor TrainingLoss(Tensor waveform, int levels, Func<Tensor, Tensor, Tensor> waveformLoss)
    {
        var (decoded, commitment) = Reconstruct(waveform, levels, update: true);
        return waveformLoss(decoded, waveform) + commitment;
    }

    public Tensor Encode(Tensor waveform) => Quantize(Model, Analyse(Model, _window, waveform), Model.Config.Codebooks, update: false).Codes;

    public (OnnxGraph Encoder, OnnxGraph Decoder) ExportGraphs() => Graphs(Model);

    /// <summary>
    /// The two graphs of a <see cref="SpectralCodec"/> with the inputs and outputs the runtime's spectrum and magnitude
    /// signal paths use: spectrum [batch, frames, bins, 2] → codes; codes → spectrum, or → magnitude [batch, frames, bins].
    /// </summary>
    internal static (OnnxGraph Encoder, OnnxGraph Decoder) Graphs(SpectralCodec model)
    {
        model.eval();
        int bins = model.Config.Bins, codebooks = model.Quantizer.Count;
        var encoder = new OnnxGraph("codec_encoder");
        OnnxValue spectrum = encoder.AddInput(CodecSpec.SpectrumName, "batch", "frames", bins, 2);
        OnnxValue codes = new OnnxExporter(encoder).Apply(model.EncoderHalf, [spectrum], "")[0];
        encoder.AddOutput(codes, CodecSpec.CodesName, OnnxElementType.Int64, "batch", codebooks, "latent_frames");

        var decoder = new OnnxGraph("codec_decoder");
        OnnxValue input = decoder.AddInput(CodecSpec.CodesName, OnnxElementType.Int64, "batch", "codebooks", "latent_frames");
        OnnxValue decoded = new OnnxExporter(decoder).Apply(model.DecoderHalf, [input], "")[0];
        if (model.Config.Output == SpectralCodecOutput.Magnitude)
            decoder.AddOutput(decoded, CodecSpec.MagnitudeName, "batch", "frames", bins);
        else
            decoder.AddOutput(decoded, CodecSpec.SpectrumName, "batch", "frames", bins, 2);
        return (encoder, decoder);
    }

    public void Dispose()
    {
        _window.Dispose();
        Model.Dispose();
    }

    /// <summary>Centred, reflect-padded Hann STFT frames [B, T, F, 2] of waveforms [B, N], as the runtime analyses.</summary>
    internal static Tensor Analyse(SpectralCodec model, Tensor window, Tensor x) =>
        view_as_real(stft(x, model.Config.NFft, model.Config.HopLength, model.Config.NFft, window, center: true, pad_mode: PaddingModes.Reflect, return_complex: true))
            .transpose(1, 2);

    /// <summary>The quantised latents of a spectrum's even-count frames (what the encoder graph takes) with codes and commitment loss.</summary>
    internal static (Tensor Quantized, Tensor Codes, Tensor Commitment) Quantize(SpectralCodec model, Tensor spectrum, int levels, bool update)
    {
        long frames = spectrum.shape[1] / 2 * 2;
        return model.Quantizer.Quantize(model.Encode(spectrum.narrow(1, 0, frames)), levels, update);
    }
}
