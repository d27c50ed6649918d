using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Onnx;
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
        // The shipped spotter is run D's snapshot at step 2,000 (see models/kws.md), with its fitted temperature folded in.
        const string weights = "models/training/kws-dscnn-v5-clippeak/kept/step-2000.bin";
        string checkpoint = RepositoryFile(weights) ?? throw new InvalidOperationException($"models/kws.onnx ships without its weights ({weights})");

        using var ort = new Microsoft.ML.OnnxRuntime.InferenceSession(File.ReadAllBytes(onnx));
        var metadata = ort.ModelMetadata.CustomMetadataMap;
        Assert.Equal("recognition", metadata["task"]);
        int classes = System.Text.Json.JsonSerializer.Deserialize<string[]>(metadata["labels"])!.Length;
        float temperature = float.Parse(metadata["temperature"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(temperature, 0.25f, 8f);
        Assert.Equal("clip_peak", System.Text.Json.JsonDocument.Parse(metadata["features"]).RootElement.GetProperty("level_reference").GetString());
        Assert.Equal("0.99", metadata["detection_threshold"]);
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
        // The shipped denoiser is run E's snapshot at step 8,500 (see models/denoise.md).
        const string weights = "models/training/denoise-v3-softbabble/kept/step-8500.bin";
        string snapshot = RepositoryFile(weights) ?? throw new InvalidOperationException($"models/denoise.onnx ships without its weights ({weights})");
        using var model = new SpectralMaskDenoiser(OnnxAudio.Training.Restoration.RestorationTask.ParseArchitecture("base-la1", OnnxAudio.Restoration.RestorationKind.Denoise));
        model.load(snapshot);
        model.eval();
        using var restorer = OnnxAudio.Restoration.Restorer.Load(onnx);
        float[] x = OnnxAudio.Training.Tests.Restoration.RestorationParityTests.TestSignal(24_011, seed: 5);
        float[] expected = OnnxAudio.Training.Tests.Restoration.RestorationParityTests.TorchPipeline(model, x, 1f, clipLevel: null);
        float[] actual = restorer.Process(x);
        Assert.Equal(x.Length, actual.Length);
        float tolerance = 1e-4f * x.Max(Math.Abs);
        Assert.True(expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() <= tolerance);
    }
}
