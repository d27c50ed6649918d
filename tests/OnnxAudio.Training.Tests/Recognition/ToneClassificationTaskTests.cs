using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Training.Export;
using OnnxAudio.Training.Models;
using OnnxAudio.Training.Recognition;
using OnnxAudio.Training.Tests.Export;
using OnnxAudio.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Tests.Recognition;

/// <summary>The training loop end to end on the smallest task: train, evaluate, checkpoint, resume, export, run in ONNX Runtime.</summary>
public class ToneClassificationTaskTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "onnxaudio-train-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private TrainingOptions Options(string name, int steps) => new()
    {
        Steps = steps, BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 5, EvaluateEvery = 0, CheckpointEvery = 20,
        Seed = 11, OutputDirectory = Path.Combine(_folder, name),
    };

    [Fact]
    public void Every_layer_is_registered_as_a_trainable_parameter()
    {
        using var model = new ToneClassifier(new ToneClassifierConfig(40, 32, 4));
        long expected = (40 * 32 * 3 + 32) + 2 * 32 + (32 * 32 * 3 + 32) + 2 * 32 + (32 * 4 + 4);
        Assert.Equal(expected, model.parameters().Where(p => p.requires_grad).Sum(p => p.numel()));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Trains_exports_and_runs_in_onnx_runtime_with_matching_outputs()
    {
        TrainingOptions options = Options("e2e", 60);
        using var task = new ToneClassificationTask(options, trainExamples: 960, heldOutExamples: 200);
        TrainingResult result = new Trainer<FeatureBatch>(task, options, TextWriter.Null).Run();
        Assert.Equal(60, result.Steps);
        Assert.True(result.Metrics["accuracy"] > 0.5, $"accuracy {result.Metrics["accuracy"]} after 60 steps (chance is 0.25)");
        Assert.True(File.Exists(Path.Combine(options.OutputDirectory, "train-log.csv")));
        Assert.True(File.Exists(Path.Combine(options.OutputDirectory, "training.png")));

        var record = new TrainingRecord { Task = task.Name, Command = "test", Seed = 11, Steps = 60, TrainingSeconds = result.Seconds, Metrics = result.Metrics };
        OnnxGraph graph = task.BuildGraph(record);
        using InferenceSession session = OnnxParity.Session(graph);
        FeatureBatch batch = task.HeldOutBatch(8);
        float[] expected;
        task.Model.eval();
        using (no_grad())
            expected = OnnxExporter.ToArray(((ToneClassifier)task.Model).forward(tensor(batch.Features).reshape(batch.Shape)));
        float[] actual = OnnxParity.Run(session, ("features", batch.Features, batch.Shape))[0];
        Assert.True(expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() <= OnnxParity.Tolerance);

        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("recognition", metadata["task"]);
        Assert.Equal("tones", metadata["training_task"]);
        Assert.Equal("16000", metadata["sample_rate"]);
        Assert.Equal(ToneDataset.Labels, JsonSerializer.Deserialize<string[]>(metadata["labels"]));
        Assert.Equal("11", metadata["seed"]);
        // The runtime rebuilds exactly the front end the task trained with, every field of it.
        var spec = OnnxAudio.Recognition.RecognitionSpec.Read(OnnxAudio.Onnx.ModelInfo.From("tones.onnx", metadata));
        Assert.Equal(ToneDataset.ClipSamples, spec.ClipSamples);
        foreach (var field in typeof(OnnxAudio.Dsp.LogMelOptions).GetProperties())
            Assert.Equal(field.GetValue(task.Features), field.GetValue(spec.Features));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void A_resumed_run_continues_exactly_where_an_uninterrupted_one_goes()
    {
        TrainingResult straight;
        using (var task = new ToneClassificationTask(Options("straight", 40), 640, 100))
            straight = new Trainer<FeatureBatch>(task, Options("straight", 40), TextWriter.Null).Run();

        // The same 40-step run, interrupted after 20 steps (as a session ending would) and resumed by a new process.
        using (var task = new ToneClassificationTask(Options("split", 40), 640, 100))
            Assert.Equal(20, new Trainer<FeatureBatch>(task, Options("split", 40), TextWriter.Null).Run(stopAtStep: 20).Steps);
        TrainingResult resumed;
        using (var task = new ToneClassificationTask(Options("split", 40), 640, 100))
            resumed = new Trainer<FeatureBatch>(task, Options("split", 40), TextWriter.Null).Run(resume: true);

        double[] a = LossColumn("straight"), b = LossColumn("split");
        Assert.Equal(40, b.Length);
        for (int i = 0; i < 40; i++)
            Assert.True(Math.Abs(a[i] - b[i]) < 1e-4, $"step {i + 1}: {a[i]} vs {b[i]}");
        Assert.Equal(straight.Metrics["accuracy"], resumed.Metrics["accuracy"], 6);
    }

    [Fact]
    public void A_checkpoint_reloads_to_the_same_outputs()
    {
        TrainingOptions options = Options("reload", 20);
        float[] before;
        FeatureBatch batch;
        using (var task = new ToneClassificationTask(options, 320, 50))
        {
            new Trainer<FeatureBatch>(task, options, TextWriter.Null).Run();
            batch = task.HeldOutBatch(4);
            task.Model.eval();
            using (no_grad())
                before = OnnxExporter.ToArray(((ToneClassifier)task.Model).forward(tensor(batch.Features).reshape(batch.Shape)));
        }

        using var fresh = new ToneClassificationTask(new TrainingOptions { Seed = 99, BatchSize = 16, OutputDirectory = options.OutputDirectory }, 320, 50);
        Checkpoint.LoadModel(Path.Combine(options.OutputDirectory, "checkpoint"), fresh.Model);
        fresh.Model.eval();
        using (no_grad())
        {
            float[] after = OnnxExporter.ToArray(((ToneClassifier)fresh.Model).forward(tensor(batch.Features).reshape(batch.Shape)));
            Assert.Equal(before, after);
        }
    }

    [Fact]
    public void Keeps_weights_along_the_run_and_a_new_run_warm_starts_from_them()
    {
        TrainingOptions options = Options("kept", 20) with { KeepEvery = 5 };
        float[] last;
        using (var task = new ToneClassificationTask(options, 320, 50))
        {
            new Trainer<FeatureBatch>(task, options, TextWriter.Null).Run();
            last = task.Model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        }

        foreach (int step in new[] { 5, 10, 15, 20 })
            Assert.True(File.Exists(Trainer<FeatureBatch>.KeptWeights(options.OutputDirectory, step)), $"step {step} not kept");
        using var kept = new ToneClassificationTask(options, 320, 50);
        kept.Model.load(Trainer<FeatureBatch>.KeptWeights(options.OutputDirectory, 20));
        Assert.Equal(last, kept.Model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray());

        // A kept snapshot exports with its own step and the training time logged at that step, not the checkpoint's.
        string early = Path.Combine(_folder, "step5.onnx"), final = Path.Combine(_folder, "step20.onnx");
        using (var exporter = new ToneClassificationTask(options, 320, 50))
        {
            var run = new TrainingRun<FeatureBatch>(exporter, options);
            TrainingRecord record = run.ExportCheckpoint(early, "test", keptStep: 5);
            Assert.Equal(5, record.Steps);
            double logged = double.Parse(File.ReadLines(Path.Combine(options.OutputDirectory, "train-log.csv")).First(l => l.StartsWith("5,", StringComparison.Ordinal)).Split(',')[3],
                System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(logged, record.TrainingSeconds, 3);
            Assert.Equal(20, run.ExportCheckpoint(final, "test").Steps);
            var missing = Assert.Throws<OnnxAudioException>(() => run.ExportCheckpoint(early, "test", keptStep: 7));
            Assert.Contains("step-7.bin", missing.Message);
        }

        Assert.False(File.ReadAllBytes(early).AsSpan().SequenceEqual(File.ReadAllBytes(final)));

        // A second run initialised from the first starts from its final weights (same architecture: every weight fits).
        TrainingOptions warm = Options("warm", 1) with { InitFrom = options.OutputDirectory, LearningRate = 1e-12 };
        var log = new StringWriter();
        using var task2 = new ToneClassificationTask(warm, 320, 50);
        new Trainer<FeatureBatch>(task2, warm, log).Run();
        Assert.Contains("(every weight)", log.ToString());
        float[] started = task2.Model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        Assert.True(last.Zip(started, (a, b) => Math.Abs(a - b)).Max() < 1e-6);
    }

    private double[] LossColumn(string run) =>
        File.ReadLines(Path.Combine(_folder, run, "train-log.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
