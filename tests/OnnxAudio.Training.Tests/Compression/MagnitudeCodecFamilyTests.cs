using OnnxAudio.Tests.TestSupport;
using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Compression;
using OnnxAudio.Dsp;
using OnnxAudio.Evaluation;
using OnnxAudio.Graphs;
using OnnxAudio.Training.Compression;
using OnnxAudio.Training.Export;
using OnnxAudio.Training.Models;
using OnnxAudio.Training.Tests.Export;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Compression;

/// <summary>
/// The magnitude codec family through the seam: its decoder graph against TorchSharp, its spec, and the runtime's
/// whole pipeline (blocks with context, bitstream, phase reconstruction, inverse STFT) against the family's own torch
/// round trip — with no runtime code of its own beyond the signal path — and its self-contained graphs (for Triton and
/// the KServe server), whose phase comes from <see cref="PhaseGraph"/> instead of the runtime's RTPGHI.
/// </summary>
public sealed class MagnitudeCodecFamilyTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "onnxaudio-magnitude-" + Guid.NewGuid().ToString("N"));
    private readonly MagnitudeCodecFamily _family;
    private readonly SpeechCodec _codec;

    public MagnitudeCodecFamilyTests()
    {
        Directory.CreateDirectory(_folder);
        manual_seed(21);
        _family = new MagnitudeCodecFamily(new SpectralCodecConfig(Channels: 24, LatentDim: 8, Codebooks: 4, CodebookSize: 16,
            EncoderBlocks: 1, DecoderBlocks: 1, Output: SpectralCodecOutput.Magnitude));
        // One training-mode pass seeds the codebooks from data; a little spread keeps argmin ties rare.
        using (no_grad())
        {
            _family.Module.train();
            _family.TrainingLoss(tensor(Signals.Speechlike(16_000, 1)).reshape(1, -1), 4, (_, _) => throw new InvalidOperationException());
            _family.Model.Quantizer.Codebooks.add_(randn_like(_family.Model.Quantizer.Codebooks) * _family.Model.Quantizer.Codebooks.std() * 0.5);
        }

        _family.Module.eval();
        var (encoder, decoder) = CodecTask.CreateGraphs(_family);
        var (e, d) = CodecTask.ExportPaths(Path.Combine(_folder, "magnitude.onnx"));
        encoder.Save(e);
        decoder.Save(d);
        _codec = SpeechCodec.Load(Path.Combine(_folder, "magnitude"));
    }

    [Fact]
    public void The_spec_names_the_magnitude_signal_path()
    {
        Assert.Equal(CodecSignal.Magnitude, _codec.Spec.Signal);
        Assert.Equal("magnitude-rvq", _codec.Spec.Family);
        Assert.Equal(CodecSpec.SpectrumName, _codec.Spec.EncoderInputName);
        Assert.Equal(CodecSpec.MagnitudeName, _codec.Spec.DecoderOutputName);
        Assert.Equal(320, _codec.Spec.SamplesPerFrame);
    }

    [Fact]
    public void Decoder_graph_gives_the_models_magnitudes()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor codes = _family.Encode(tensor(Signals.Speechlike(8000, 3)).reshape(1, -1)).narrow(1, 0, 3).contiguous();
        float[] expected = OnnxExporter.ToArray(_family.Model.DecodeLogMagnitude(_family.Model.Quantizer.Decode(codes)).exp());
        var (_, decoder) = _family.ExportGraphs();
        using var session = OnnxParity.Session(decoder);
        using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(codes.data<long>().ToArray(), [1, 3, codes.shape[2]]);
        using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
        using var outputs = session.Run(runOptions, ["codes"], [input], ["magnitude"]);
        float[] actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual, (a, b) => Math.Abs(a - b) / Math.Max(1e-3, Math.Abs(a))).Max();
        Assert.True(worst < 1e-4, $"relative difference {worst:E2}");
    }

    [Theory]
    [InlineData(7_777, 4)]
    [InlineData(16_000 * 11 + 123, 2)]   // 551 code frames: two blocks, context across the boundary
    public void Runtime_round_trip_matches_the_torch_round_trip(int length, int codebooks)
    {
        float[] x = Signals.Speechlike(length, 4);
        float[] decoded = _codec.Decompress(_codec.Compress(x, codebooks, entropyCoding: true));
        Assert.Equal(length, decoded.Length);

        // The family's torch round trip over the whole padded signal (as CodecTask.Roundtrip pads it).
        int unit = _codec.Spec.SamplesPerFrame, padded = (length + unit - 1) / unit * unit + unit;
        var input = new float[padded];
        x.CopyTo(input, 0);
        float[] expected;
        using (no_grad())
            expected = _family.Reconstruct(tensor(input).reshape(1, padded), codebooks, update: false).Decoded.data<float>().ToArray()[..length];

        // The phase integration visits bins in magnitude order, so float noise between ONNX Runtime and torch may
        // reorder near-ties; what must agree is the signal (SI-SDR) and its spectrogram.
        double agreement = SignalMetrics.SiSdr(expected, decoded);
        Assert.True(agreement > 30, $"runtime against torch: SI-SDR {agreement:0.0} dB");
    }

    [Fact]
    public void Self_contained_graphs_give_the_runtimes_codes_and_a_waveform_as_true_to_the_decoded_magnitudes()
    {
        float[] x = Signals.Speechlike(16_000 * 3 + 77, 5);
        string stem = Path.Combine(_folder, "magnitude");
        byte[] encoderBytes = File.ReadAllBytes(stem + ".encoder.onnx"), decoderBytes = File.ReadAllBytes(stem + ".decoder.onnx");
        using var encoder = new InferenceSession(WaveformGraphs.Build("codec-encoder", encoderBytes, "encoder").ToBytes());
        using var decoder = new InferenceSession(WaveformGraphs.Build("codec-decoder", decoderBytes, "decoder").ToBytes());
        byte[] stream = _codec.Compress(x, 4, entropyCoding: true);
        var (header, codes) = _codec.ReadCodes(new MemoryStream(stream), "speech");
        int frames = (int)header.FrameCount;

        using var waveform = OrtValue.CreateTensorValueFromMemory(x, [1, x.Length]);
        using (var encoded = encoder.Run(new RunOptions(), ["waveform"], [waveform], ["codes"]))
        {
            ReadOnlySpan<long> graphCodes = encoded[0].GetTensorDataAsSpan<long>();   // [1, 4, frames]
            Assert.Equal(4 * frames, graphCodes.Length);
            int agree = 0;
            for (int f = 0; f < frames; f++)
                for (int b = 0; b < 4; b++)
                    agree += codes[f * 4 + b] == graphCodes[b * frames + f] ? 1 : 0;
            Assert.True(agree >= 0.98 * 4 * frames, $"{agree} of {4 * frames} codes agree");
        }

        long[] codeMajor = new long[codes.Length];
        for (int f = 0; f < frames; f++)
            for (int b = 0; b < 4; b++)
                codeMajor[b * frames + f] = codes[f * 4 + b];
        using var codeValue = OrtValue.CreateTensorValueFromMemory(codeMajor, [1, 4, frames]);
        float[] graphOutput;
        using (var decoded = decoder.Run(new RunOptions(), ["codes"], [codeValue], ["waveform"]))
            graphOutput = decoded[0].GetTensorDataAsSpan<float>()[..x.Length].ToArray();
        float[] runtimeOutput = _codec.Decompress(stream);

        // The decoder's own magnitudes (frame f centred on sample f·hop) are what both syntheses aim at.
        using var plain = new InferenceSession(decoderBytes);
        float[] target;
        using (var magnitudes = plain.Run(new RunOptions(), ["codes"], [codeValue], ["magnitude"]))
            target = magnitudes[0].GetTensorDataAsSpan<float>().ToArray();
        var stft = new Stft(new StftOptions { NFft = _codec.Spec.NFft, HopLength = _codec.Spec.HopLength });
        double Convergence(float[] y)
        {
            ComplexSpectrogram s = stft.Forward(y);
            int bins = s.Bins, count = Math.Min(s.Frames, target.Length / bins);
            double error = 0, energy = 0;
            for (int i = 0; i < count * bins; i++)
            {
                double m = Math.Sqrt(s.Real[i] * (double)s.Real[i] + s.Imag[i] * (double)s.Imag[i]);
                error += (m - target[i]) * (m - target[i]);
                energy += target[i] * (double)target[i];
            }

            return Math.Sqrt(error / energy);
        }

        double graph = Convergence(graphOutput), runtime = Convergence(runtimeOutput);
        Assert.True(graph < runtime + 0.05, $"spectral convergence: graph {graph:0.000}, runtime {runtime:0.000}");
        static double Energy(float[] y) => y.Sum(v => (double)v * v);
        Assert.True(Energy(graphOutput) > 0.5 * Energy(runtimeOutput), "the graph decoded (nearly) silence");
    }

    public void Dispose()
    {
        _codec.Dispose();
        _family.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
