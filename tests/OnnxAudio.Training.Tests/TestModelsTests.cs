using OnnxAudio.Compression;
using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Restoration;
using OnnxAudio.Training.Compression;
using OnnxAudio.Training.Loop;
using OnnxAudio.Training.Models;
using OnnxAudio.Training.Recognition;
using OnnxAudio.Training.Restoration;
using OnnxAudio.Tests.TestSupport;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests;

/// <summary>
/// The small models the runtime and command-line tests run (<c>tests/OnnxAudio.TestSupport/Models</c>, committed so that those tests
/// need no training): a tone classifier trained for 200 steps, untrained denoising, declipping and look-ahead denoising
/// models, and a small codec with data-seeded codebooks. <see cref="Write"/> makes them; to refresh the committed
/// ones, run <c>ONNXAUDIO_WRITE_TEST_MODELS=tests/OnnxAudio.TestSupport/Models dotnet test tests/OnnxAudio.Training.Tests
/// --filter FullyQualifiedName~TestModelsTests</c>.
/// </summary>
public static class TestModelFiles
{
    public static readonly string[] Files =
        ["tones.onnx", "denoise.onnx", "declip.onnx", "denoise-la1.onnx", "codec.encoder.onnx", "codec.decoder.onnx"];

    public static void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var options = new TrainingOptions { Steps = 200, BatchSize = 32, LearningRate = 3e-3, WarmupSteps = 10, EvaluateEvery = 0,
            CheckpointEvery = 200, Seed = 3, OutputDirectory = Path.Combine(folder, "tones-run") };
        using (var task = new ToneClassificationTask(options, 3200, 100))
        {
            new Trainer<FeatureBatch>(task, options, TextWriter.Null).Run();
            task.Export(Path.Combine(folder, "tones.onnx"), new TrainingRecord { Task = task.Name, Command = "TestModelFiles.Write", Seed = 3, Steps = 200, TrainingSeconds = 0 });
        }

        Directory.Delete(options.OutputDirectory, recursive: true);
        manual_seed(9);
        using (var denoiser = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 16)))
            RestorationTask.CreateGraph(denoiser, RestorationKind.Denoise).Save(Path.Combine(folder, "denoise.onnx"));
        using (var declipper = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 16, MaskBound: 4)))
            RestorationTask.CreateGraph(declipper, RestorationKind.Declip).Save(Path.Combine(folder, "declip.onnx"));
        using (var ahead = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 16, LookAhead: 1)))
            RestorationTask.CreateGraph(ahead, RestorationKind.Denoise).Save(Path.Combine(folder, "denoise-la1.onnx"));

        manual_seed(13);
        using var codec = new SpectralCodecFamily(new SpectralCodecConfig(Channels: 24, LatentDim: 8, Codebooks: 4, CodebookSize: 16, EncoderBlocks: 1, DecoderBlocks: 1));
        using (no_grad())
        {
            // One training-mode pass seeds the codebooks from data (random ones would leave most codes unused).
            codec.Module.train();
            codec.Reconstruct(tensor(Signals.Speechlike(16_000, 1)).reshape(1, -1), 4, update: true);
            codec.Model.Quantizer.Codebooks.add_(randn_like(codec.Model.Quantizer.Codebooks) * codec.Model.Quantizer.Codebooks.std() * 0.5);
        }

        string frequencies = CodecTask.CodeFrequencies(codec, [Signals.Speechlike(24_000, 2)]);
        var (encoder, decoder) = CodecTask.CreateGraphs(codec, frequencies);
        var (encoderPath, decoderPath) = CodecTask.ExportPaths(Path.Combine(folder, "codec.onnx"));
        encoder.Save(encoderPath);
        decoder.Save(decoderPath);
    }
}

/// <summary>The committed command-line test models still carry the contract today's exporters write.</summary>
[Trait("Category", "Slow")]
public class TestModelsTests
{
    [Fact]
    public void Committed_models_read_as_what_the_exporters_write_today()
    {
        using var fresh = new TempFolder();
        TestModelFiles.Write(fresh.Path);
        if (Environment.GetEnvironmentVariable("ONNXAUDIO_WRITE_TEST_MODELS") is { Length: > 0 } target)
            foreach (string file in TestModelFiles.Files)
                File.Copy(fresh.File(file), Path.Combine(target, file), overwrite: true);

        string committed = CommittedFolder();
        foreach (string file in TestModelFiles.Files)
        {
            using var now = new InferenceSession(fresh.File(file));
            using var then = new InferenceSession(Path.Combine(committed, file));
            Assert.Equal(Describe(now), Describe(then));
        }
    }

    /// <summary>Every metadata entry but the trained instance's identity, tables and metrics, and the graph's inputs and outputs.</summary>
    private static string Describe(InferenceSession session)
    {
        string[] instance = [CodecSpec.ModelIdKey, CodecSpec.CodeFrequenciesKey];
        var entries = session.ModelMetadata.CustomMetadataMap
            .Where(kv => !instance.Contains(kv.Key) && !kv.Key.StartsWith("metric.", StringComparison.Ordinal))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}");
        return $"{string.Join("; ", entries)} | {string.Join(",", session.InputNames)} -> {string.Join(",", session.OutputNames)}";
    }

    private static string CommittedFolder() => RepositoryFiles.Path("tests/OnnxAudio.TestSupport/Models");
}
