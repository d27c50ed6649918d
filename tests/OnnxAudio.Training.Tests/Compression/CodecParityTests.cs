using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Compression;
using OnnxAudio.Training.Compression;
using OnnxAudio.Training.Export;
using OnnxAudio.Training.Models;
using OnnxAudio.Training.Tests.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Compression;

/// <summary>A small codec with data-seeded codebooks, exported once for the codec tests.</summary>
public sealed class SmallCodecFixture : IDisposable
{
    public SmallCodecFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), "onnxaudio-codec-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        torch.manual_seed(13);
        Model = new SpectralCodec(new SpectralCodecConfig(Channels: 24, LatentDim: 8, Codebooks: 4, CodebookSize: 16, EncoderBlocks: 1, DecoderBlocks: 1));
        // One training-mode quantisation seeds the codebooks from data (random codebooks would leave most codes unused).
        using (no_grad())
        {
            Model.train();
            Tensor spectrum = Analyse(Model, Signals.Speechlike(16_000, 1));
            Model.Quantizer.Quantize(Model.Encode(spectrum.narrow(1, 0, spectrum.shape[1] / 2 * 2)), 4, update: true);
            // Spread the entries apart so that argmin ties (which float rounding may break either way) are rare.
            Model.Quantizer.Codebooks.add_(randn_like(Model.Quantizer.Codebooks) * Model.Quantizer.Codebooks.std() * 0.5);
        }

        var (encoder, decoder) = CodecTask.CreateGraphs(new SpectralCodecFamily(Model));
        string frequencies = CodecTask.CodeFrequencies(new SpectralCodecFamily(Model), [Signals.Speechlike(24_000, 2)]);
        encoder.Metadata["code_frequencies"] = decoder.Metadata["code_frequencies"] = frequencies;
        Stem = Path.Combine(Folder, "small");
        var (e, d) = CodecTask.ExportPaths(Stem + ".onnx");
        encoder.Save(e);
        decoder.Save(d);
        Codec = SpeechCodec.Load(Stem);
    }

    public string Folder { get; }

    public string Stem { get; }

    public SpectralCodec Model { get; }

    public SpeechCodec Codec { get; }

    internal static Tensor Analyse(SpectralCodec model, float[] x)
    {
        var c = model.Config;
        return view_as_real(stft(tensor(x).reshape(1, x.Length), c.NFft, c.HopLength, c.NFft, hann_window(c.NFft), center: true,
            pad_mode: PaddingModes.Reflect, return_complex: true)).transpose(1, 2);
    }

    public void Dispose()
    {
        Codec.Dispose();
        Model.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>
/// The codec's exported halves against TorchSharp (codes exactly, spectra within 1e-4), and the runtime's whole
/// pipeline — padding, block-wise encoding with context, bitstream, inverse STFT — against the torch round trip.
/// </summary>
public class CodecParityTests(SmallCodecFixture fixture) : IClassFixture<SmallCodecFixture>
{
    [Fact]
    public void Encoder_graph_gives_the_quantiser_codes_and_decoder_graph_the_spectrum()
    {
        SpectralCodec model = fixture.Model;
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor spectrum = SmallCodecFixture.Analyse(model, Signals.Speechlike(8000, 3)).narrow(1, 0, 50).contiguous();
        var (_, codes, _) = model.Quantizer.Quantize(model.Encode(spectrum), 4, update: false);
        var (encoder, decoder) = CodecTask.CreateGraphs(new SpectralCodecFamily(model));

        using var encoderSession = OnnxParity.Session(encoder);
        using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(OnnxExporter.ToArray(spectrum), [1, 50, model.Config.Bins, 2]);
        using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
        using var outputs = encoderSession.Run(runOptions, ["spectrum"], [input], ["codes"]);
        long[] onnxCodes = outputs[0].GetTensorDataAsSpan<long>().ToArray();
        Assert.Equal(codes.data<long>().ToArray(), onnxCodes);
        Assert.True(onnxCodes.Distinct().Count() > 8, "the seeded codebooks should use many codes");

        // Decoder with the first 3 codebooks (a lower bitrate).
        Tensor three = codes.narrow(1, 0, 3).contiguous();
        float[] expected = OnnxExporter.ToArray(model.Decode(model.Quantizer.Decode(three)));
        using var decoderSession = OnnxParity.Session(decoder);
        using var codeValue = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(three.data<long>().ToArray(), [1, 3, 25]);
        using var decoded = decoderSession.Run(runOptions, ["codes"], [codeValue], ["spectrum"]);
        float[] actual = decoded[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(a))).Max();
        Assert.True(worst < 1e-4, $"relative difference {worst:E2}");
    }

    [Theory]
    [InlineData(7_777, 4, false)]
    [InlineData(7_777, 2, true)]
    [InlineData(16_000 * 11 + 123, 2, true)]   // 551 code frames: two blocks, context across the boundary
    [InlineData(16_000 * 11 + 123, 4, false)]
    public void Runtime_round_trip_matches_torch_and_keeps_the_length(int length, int codebooks, bool entropy)
    {
        SpectralCodec model = fixture.Model;
        model.eval();
        float[] x = Signals.Speechlike(length, 4);
        byte[] file = fixture.Codec.Compress(x, codebooks, entropy);
        var (header, codes) = fixture.Codec.ReadCodes(new MemoryStream(file), "test.oac");
        Assert.Equal(length, header.OriginalLength);
        Assert.Equal(codebooks, header.Codebooks);

        // Block-wise encoding gives the codes of the whole padded signal (up to float ties).
        var reference = new TorchReference(model, x);
        Assert.Equal(reference.Latents, header.FrameCount);
        long[] whole = reference.Codes(codebooks);
        int differing = codes.Zip(whole).Count(p => p.First != p.Second);
        Assert.True(differing <= codes.Length / 100, $"{differing} of {codes.Length} codes differ from the whole-signal codes");

        // Decoding those codes: the runtime's blocks, inverse STFT and trimming against torch.istft.
        float[] decoded = fixture.Codec.Decompress(file);
        Assert.Equal(length, decoded.Length);
        float[] expected = reference.Decode(codes, codebooks);
        double peak = x.Max(Math.Abs);
        double worst = expected.Zip(decoded, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-4 * peak, $"max difference {worst:E2} against peak {peak:0.###}");
    }

    [Fact]
    public void File_size_is_the_payload_plus_a_small_container()
    {
        float[] x = Signals.Speechlike(16_000 * 4, 5);
        SpeechCodec codec = fixture.Codec;
        byte[] file = codec.Compress(x, 3);
        double seconds = x.Length / 16000.0;
        double payloadBits = Math.Ceiling(x.Length / 320.0 + 1) * 3 * 4;
        Assert.InRange(file.Length * 8 - payloadBits, 0, 8 * 30);
        Assert.Equal(3 * 4 * 50 / 1000.0, codec.Kbps(3), 9);
        _ = seconds;
    }

    /// <summary>The torch reference of <see cref="CodecTask.Roundtrip"/>'s padding and framing with the fixture's model.</summary>
    private sealed class TorchReference
    {
        private readonly SpectralCodec _model;
        private readonly int _length, _padded;
        private readonly float[] _x;

        public TorchReference(SpectralCodec model, float[] clean)
        {
            _model = model;
            _length = clean.Length;
            int unit = 2 * model.Config.HopLength;
            _padded = (clean.Length + unit - 1) / unit * unit + unit;
            _x = new float[_padded];
            clean.CopyTo(_x, 0);
        }

        public long Latents => _padded / (2 * _model.Config.HopLength);

        /// <summary>Codes frame-major [latents, codebooks].</summary>
        public long[] Codes(int codebooks)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor spectrum = SmallCodecFixture.Analyse(_model, _x);
            var (_, codes, _) = _model.Quantizer.Quantize(_model.Encode(spectrum.narrow(1, 0, spectrum.shape[1] / 2 * 2)), codebooks, update: false);
            return codes[0].t().contiguous().data<long>().ToArray();
        }

        public float[] Decode(int[] codes, int codebooks)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var c = _model.Config;
            Tensor codeTensor = tensor(codes.Select(v => (long)v).ToArray()).reshape(1, Latents, codebooks).transpose(1, 2).contiguous();
            Tensor decoded = _model.Decode(_model.Quantizer.Decode(codeTensor));
            decoded = cat([decoded, zeros(1, 1, c.Bins, 2)], 1);
            Tensor y = istft(view_as_complex(decoded.transpose(1, 2).contiguous()), c.NFft, c.HopLength, c.NFft, hann_window(c.NFft), center: true, length: _padded);
            return y.data<float>().ToArray()[.._length];
        }
    }
}
