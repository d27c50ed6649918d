using OnnxAudio.Onnx;
using OnnxAudio.Recognition;
using OnnxAudio.Training.Export;
using OnnxAudio.Training.Models;
using OnnxAudio.Training.Recognition;
using OnnxAudio.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Tests.Recognition;

/// <summary>
/// The runtime's classifier on a trained, exported model: raw audio in, the runtime's own front end and ONNX Runtime,
/// against the TorchSharp model on the training pipeline's features.
/// </summary>
public class AudioClassifierTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "onnxaudio-classifier-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Classifies_raw_audio_like_the_trained_model()
    {
        var options = new TrainingOptions { Steps = 40, BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 4, EvaluateEvery = 0, CheckpointEvery = 40, Seed = 2, OutputDirectory = _folder };
        using var task = new ToneClassificationTask(options, 640, 64);
        new Trainer<FeatureBatch>(task, options, TextWriter.Null).Run();
        var record = new TrainingRecord { Task = task.Name, Command = "test", Seed = 2, Steps = 40, TrainingSeconds = 0 };
        using AudioClassifier classifier = AudioClassifier.Load(task.BuildGraph(record).ToBytes(), "tones.onnx");

        Assert.Equal(ToneDataset.Labels, classifier.Labels);
        Assert.Equal(16000, classifier.SampleRate);
        Assert.Equal(ToneDataset.ClipSamples, classifier.ClipSamples);
        Assert.Equal(ExecutionProvider.Cpu, classifier.Provider);

        var model = (ToneClassifier)task.Model;
        model.eval();
        var dataset = new ToneDataset(8, 77, new OnnxAudio.Dsp.LogMelOptions { NMels = 40 });
        for (int i = 0; i < 8; i++)
        {
            float[] audio = ToneDataset.Synthesize(i % 4, new Random(i));
            float[] probabilities = new float[4];
            classifier.Probabilities(audio, probabilities);

            FeatureExample example = FeatureExample.FromClip(new OnnxAudio.Dsp.LogMelSpectrogram(new OnnxAudio.Dsp.LogMelOptions { NMels = 40 }), audio, 0);
            float[] channelMajor = example.Features;
            int frames = example.Frames;
            float[] expected;
            using (no_grad())
                expected = OnnxExporter.ToArray(model.forward(tensor(channelMajor).reshape(1, 40, frames)).softmax(1));
            Assert.True(expected.Zip(probabilities, (a, b) => Math.Abs(a - b)).Max() <= 1e-4);
            Assert.Equal(1f, probabilities.Sum(), 4);
        }
    }

    [Fact]
    public void A_model_of_another_kind_or_not_a_model_is_a_clear_error()
    {
        var graph = new OnnxGraph();
        graph.AddOutput(graph.Relu(graph.AddInput("x", 1, 4)), "y");
        graph.Metadata["task"] = "restoration";
        graph.Metadata["sample_rate"] = "16000";
        var e = Assert.Throws<OnnxAudioException>(() => AudioClassifier.Load(graph.ToBytes(), "denoiser.onnx"));
        Assert.Contains("'restoration' model, not a recognition model", e.Message);
        Assert.Contains("denoiser.onnx", e.Message);
        var garbage = Assert.Throws<OnnxAudioException>(() => AudioClassifier.Load("not onnx"u8.ToArray(), "junk.onnx"));
        Assert.StartsWith("junk.onnx:", garbage.Message);
    }

    [Theory]
    [InlineData(ExecutionProvider.Cuda, "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData(ExecutionProvider.DirectML, "Microsoft.ML.OnnxRuntime.DirectML")]
    public void A_missing_gpu_provider_names_the_package_to_reference(ExecutionProvider provider, string package)
    {
        var graph = new OnnxGraph();
        graph.AddOutput(graph.Relu(graph.AddInput("x", 1, 4)), "y");
        var e = Assert.Throws<ProviderUnavailableException>(() => AudioClassifier.Load(graph.ToBytes(), "m.onnx", new InferenceOptions { Provider = provider }));
        Assert.Contains(package, e.Message);
        Assert.Contains("CPUExecutionProvider", e.Message);
    }
}
