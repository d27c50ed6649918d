using OnnxAudio.Compression;
using OnnxAudio.Graphs;
using OnnxAudio.Onnx;

namespace OnnxAudio.Tests.Compression;

/// <summary>
/// The codec seam: a family whose graphs take and give samples (<see cref="CodecSignal.Waveform"/>) runs through the same
/// <see cref="SpeechCodec"/> — blocks, context, bitstream, range coding, alignment — with no change to the runtime. The
/// family here is a toy with a known answer: each 10 ms frame is sent as its mean, quantised to 8 bits.
/// </summary>
public sealed class CodecFamilyTests : IDisposable
{
    private const int SamplesPerFrame = 160;
    private readonly string _folder = Directory.CreateTempSubdirectory("onnxaudio-codec-family-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static CodecSpec Spec(CodecRole role) => new()
    {
        SampleRate = 16000, Role = role, ModelId = "0123456789abcdef", Codebooks = 1, CodebookSize = 256,
        SamplesPerFrame = SamplesPerFrame, Signal = CodecSignal.Waveform, Family = "frame-mean",
    };

    /// <summary>audio [1, T] (T a whole number of frames) → codes [1, 1, T / 160]: round(127 · mean) + 128, clamped.</summary>
    private static OnnxGraph Encoder()
    {
        var g = new OnnxGraph("frame_mean_encoder");
        OnnxValue audio = g.AddInput(CodecSpec.AudioName, 1, "samples");
        OnnxValue frames = g.Reshape(audio, 1, -1, SamplesPerFrame);
        OnnxValue mean = g.ReduceMean(frames, [2], keepDims: false);
        OnnxValue level = g.Op("Clip", [g.Op("Round", [g.Mul(mean, g.Scalar("scale", 127f))]), g.Scalar("low", -128f), g.Scalar("high", 127f)]);
        OnnxValue codes = g.Op("Cast", [g.Add(level, g.Scalar("offset", 128f))], ("to", 7L));
        g.AddOutput(g.Unsqueeze(codes, 1), CodecSpec.CodesName, OnnxElementType.Int64, 1, 1, "latent_frames");
        Spec(CodecRole.Encoder).WriteTo(g.Metadata);
        return g;
    }

    /// <summary>codes [1, n, L] → audio [1, L · 160]: every sample of frame t is (code − 128) / 127.</summary>
    private static OnnxGraph Decoder()
    {
        var g = new OnnxGraph("frame_mean_decoder");
        OnnxValue codes = g.AddInput(CodecSpec.CodesName, OnnxElementType.Int64, 1, "codebooks", "latent_frames");
        OnnxValue first = g.Op("Gather", [codes, g.Int64s("codebook", 0)], ("axis", 1L));        // [1, 1, L]
        OnnxValue level = g.Div(g.Sub(g.Op("Cast", [first], ("to", 1L)), g.Scalar("offset", 128f)), g.Scalar("scale", 127f));
        OnnxValue held = g.Op("Expand", [g.Transpose(level, 0, 2, 1), g.Int64s("frame", 1, 1, SamplesPerFrame)]); // [1, L, 160]
        g.AddOutput(g.Reshape(held, 1, -1), CodecSpec.AudioName, 1, "samples");
        Spec(CodecRole.Decoder).WriteTo(g.Metadata);
        return g;
    }

    private SpeechCodec Load()
    {
        string stem = Path.Combine(_folder, "toy");
        Encoder().Save(stem + ".encoder.onnx");
        Decoder().Save(stem + ".decoder.onnx");
        return SpeechCodec.Load(stem);
    }

    [Theory]
    [InlineData(2_000, false)]
    [InlineData(200_123, false)]  // 1,251 code frames: three blocks of 500 with context on both sides
    [InlineData(200_123, true)]
    public void A_waveform_family_round_trips_through_the_bitstream_to_the_known_answer(int length, bool entropyCoding)
    {
        using SpeechCodec codec = Load();
        Assert.Equal(CodecSignal.Waveform, codec.Spec.Signal);
        Assert.Equal(0.8, codec.Kbps(1), 9);
        var random = new Random(5);
        float[] input = new float[length];
        for (int f = 0; f * SamplesPerFrame < length; f++)
        {
            double level = random.NextDouble() * 1.6 - 0.8;
            for (int i = f * SamplesPerFrame; i < Math.Min(length, (f + 1) * SamplesPerFrame); i++)
                input[i] = (float)(level + 0.1 * (random.NextDouble() - 0.5));
        }

        byte[] bitstream = codec.Compress(input, 1, entropyCoding);
        float[] output = codec.Decompress(bitstream);

        Assert.Equal(length, output.Length);
        for (int f = 0; f * SamplesPerFrame < length; f++)
        {
            // The encoder sees the signal zero-padded to whole frames.
            int end = Math.Min(length, (f + 1) * SamplesPerFrame);
            double mean = input.AsSpan(f * SamplesPerFrame, end - f * SamplesPerFrame).ToArray().Sum(v => (double)v) / SamplesPerFrame;
            float expected = (float)(Math.Clamp(Math.Round(mean * 127), -128, 127) / 127);
            for (int i = f * SamplesPerFrame; i < end; i++)
                Assert.True(Math.Abs(output[i] - expected) < 1e-6, $"sample {i} (frame {f}): {output[i]} vs {expected}");
        }
    }

    [Fact]
    public void Halves_that_describe_their_codec_differently_are_refused()
    {
        string stem = Path.Combine(_folder, "mixed");
        OnnxGraph encoder = Encoder();
        (Spec(CodecRole.Encoder) with { SamplesPerFrame = 320 }).WriteTo(encoder.Metadata);
        encoder.Save(stem + ".encoder.onnx");
        Decoder().Save(stem + ".decoder.onnx");
        var e = Assert.Throws<ModelMismatchException>(() => SpeechCodec.Load(stem));
        Assert.Contains("mixed.encoder.onnx", e.Message);
    }

    [Fact]
    public void A_codec_spec_reads_back_equal_for_both_signal_paths()
    {
        foreach (CodecSpec spec in new[]
        {
            Spec(CodecRole.Decoder) with { CodeFrequencies = "AAEC", Parameters = 42 },
            new CodecSpec
            {
                SampleRate = 16000, Role = CodecRole.Encoder, ModelId = "fedcba9876543210", Codebooks = 12, CodebookSize = 1024,
                SamplesPerFrame = 320, Signal = CodecSignal.Spectrum, NFft = 640, HopLength = 160, Family = "spectral-rvq",
            },
        })
        {
            var metadata = new Dictionary<string, string>();
            spec.WriteTo(metadata);
            Assert.Equal(spec, CodecSpec.Read(ModelInfo.From("codec.onnx", metadata)));
        }
    }
}
