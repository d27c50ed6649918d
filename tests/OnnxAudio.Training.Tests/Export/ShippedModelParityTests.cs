using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Compression;
using OnnxAudio.Onnx;
using OnnxAudio.Training.Compression;
using OnnxAudio.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Export;

/// <summary>
/// Every model shipped in models/ against the TorchSharp model rebuilt from its committed checkpoint: random inputs
/// of several lengths, max abs difference ≤ 1e-4, and the metadata the runtime needs.
/// </summary>
public class ShippedModelParityTests
{
    private static string? RepositoryFile(string relative) => RepositoryFiles.Find(relative);

    [Fact]
    public void Keyword_spotter_matches_its_checkpoint()
    {
        string? onnx = RepositoryFile("models/kws.onnx");
        if (onnx is null)
            return; // not shipped yet
        // The shipped spotter is the mean of run D's snapshots 2,000–4,000 (see models/kws.md), with its fitted temperature folded in.
        const string weights = "models/training/kws-dscnn-v5-avg234/checkpoint/model.bin";
        string checkpoint = RepositoryFile(weights) ?? throw new InvalidOperationException($"models/kws.onnx ships without its weights ({weights})");

        using var ort = new Microsoft.ML.OnnxRuntime.InferenceSession(File.ReadAllBytes(onnx));
        var metadata = ort.ModelMetadata.CustomMetadataMap;
        Assert.Equal("recognition", metadata["task"]);
        int classes = System.Text.Json.JsonSerializer.Deserialize<string[]>(metadata["labels"])!.Length;
        float temperature = float.Parse(metadata["temperature"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(temperature, 0.25f, 8f);
        Assert.Equal("clip_peak", System.Text.Json.JsonDocument.Parse(metadata["features"]).RootElement.GetProperty("level_reference").GetString());
        Assert.Equal("0.98", metadata["detection_threshold"]);
        var model = new DsCnnKws(new KwsModelConfig(40, classes));
        model.load(checkpoint);
        model.eval();
        foreach (long frames in new long[] { 101, 57, 160 })
        {
            torch.manual_seed(frames);
            using var scope = NewDisposeScope();
            Tensor x = randn(2, 40, frames) * 3 - 5;
            float[] expected;
            using (no_grad())
                expected = OnnxAudio.Training.Export.OnnxExporter.ToArray(model.forward(x) / temperature);
            float[] actual = OnnxParity.Run(ort, ("features", OnnxAudio.Training.Export.OnnxExporter.ToArray(x), [2, 40, frames]))[0];
            Assert.True(expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() <= OnnxParity.Tolerance, $"frames {frames}");
        }
    }

    [Fact]
    public void Denoiser_matches_its_snapshot_through_the_runtime()
    {
        string? onnx = RepositoryFile("models/denoise.onnx");
        if (onnx is null)
            return;
        // The shipped denoiser is run K's snapshot at step 9,750 (see models/denoise.md).
        const string weights = "models/training/denoise-v3-keepbabble/kept/step-9750.bin";
        string snapshot = RepositoryFile(weights) ?? throw new InvalidOperationException($"models/denoise.onnx ships without its weights ({weights})");
        using var model = new SpectralMaskDenoiser(OnnxAudio.Training.Restoration.RestorationTask.ParseArchitecture("base-la1", OnnxAudio.Restoration.RestorationKind.Denoise));
        model.load(snapshot);
        model.eval();
        using var restorer = OnnxAudio.Restoration.Restorer.Load(onnx);
        float[] x = OnnxAudio.Training.Tests.Restoration.RestorationParityTests.TestSignal(24_011, seed: 5);
        float[] expected = OnnxAudio.Training.Tests.Restoration.RestorationParityTests.TorchPipeline(model, x, 1f, clipLevel: null);
        // The torch pipeline is the network alone: the runtime's pitch filter (a DSP step after it) is left out.
        float[] actual = restorer.Process(x, new OnnxAudio.Restoration.RestoreOptions { PitchFilter = false });
        Assert.Equal(x.Length, actual.Length);
        float tolerance = 1e-4f * x.Max(Math.Abs);
        Assert.True(expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() <= tolerance);
    }

    [Fact]
    public void Codec_matches_its_snapshot()
    {
        string? decoderPath = RepositoryFile("models/codec.decoder.onnx");
        if (decoderPath is null)
            return;
        // The shipped codec is run C's snapshot at step 24,000 (see models/codec.md).
        const string architecture = "magnitude-6k", weights = "models/training/codec-v3-6k/kept/step-24000.bin";
        string snapshot = RepositoryFile(weights) ?? throw new InvalidOperationException($"models/codec.*.onnx ship without their weights ({weights})");
        using var family = (MagnitudeCodecFamily)CodecFamilies.Create(architecture);
        family.Module.load(snapshot);
        family.Module.eval();
        using var codec = SpeechCodec.Load(decoderPath);
        Assert.Equal(CodecSignal.Magnitude, codec.Spec.Signal);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        // The encoder: the runtime's codes for a real sentence are the snapshot's (but for near-ties of the quantiser).
        float[] speech = OnnxAudio.Audio.AudioFile.ReadMono(ShippedFiles.SpeechSamples()[1].Clean, 16000);
        var (header, codes) = codec.ReadCodes(new MemoryStream(codec.Compress(speech, codec.Codebooks)), "speech");
        int unit = codec.Spec.SamplesPerFrame, frames = (int)header.FrameCount, books = codec.Codebooks;
        var padded = new float[(speech.Length + unit - 1) / unit * unit + unit];
        speech.CopyTo(padded, 0);
        long[] expectedCodes = family.Encode(tensor(padded).reshape(1, -1)).data<long>().ToArray();   // [1, books, frames]
        Assert.Equal(books * frames, expectedCodes.Length);
        int agree = 0;
        for (int f = 0; f < frames; f++)
            for (int b = 0; b < books; b++)
                agree += codes[f * books + b] == expectedCodes[b * frames + f] ? 1 : 0;
        Assert.True(agree >= 0.98 * books * frames, $"{agree} of {books * frames} codes agree");

        // The decoder: random codes of every rate give the snapshot's magnitudes.
        using var ort = new Microsoft.ML.OnnxRuntime.InferenceSession(File.ReadAllBytes(decoderPath));
        manual_seed(3);
        Tensor all = randint(0, codec.Spec.CodebookSize, [1, books, 37], dtype: int64);
        foreach (int n in new[] { 3, 6, books })
        {
            Tensor some = all.narrow(1, 0, n).contiguous();
            float[] expected = OnnxAudio.Training.Export.OnnxExporter.ToArray(family.Model.DecodeLogMagnitude(family.Model.Quantizer.Decode(some)).exp());
            using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(some.data<long>().ToArray(), [1, n, 37]);
            using var outputs = ort.Run(new Microsoft.ML.OnnxRuntime.RunOptions(), [CodecSpec.CodesName], [input], [CodecSpec.MagnitudeName]);
            float[] actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            double worst = expected.Zip(actual, (a, b) => Math.Abs(a - b) / Math.Max(1e-3, Math.Abs(a))).Max();
            Assert.True(worst < 1e-4, $"{n} codebooks: relative difference {worst:E2}");
        }
    }
}
