using OnnxAudio.Recognition;
using System.Text.Json;
using OnnxAudio.Dsp;
using OnnxAudio.Training.Data;
using OnnxAudio.Training.Export;
using OnnxAudio.Training.Models;
using OnnxAudio.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Recognition;

/// <summary>
/// Sound-class recognition on <see cref="ToneDataset"/>: the smallest complete task (data → features → CNN →
/// cross-entropy → accuracy → ONNX with metadata), used by the tests and as the reference for the real tasks.
/// </summary>
public sealed class ToneClassificationTask : ITrainingTask<FeatureBatch>, IRegisteredTask
{
    public static IEnumerable<TaskEntry> CatalogEntries =>
    [
        new(TaskName, "synthetic sound classes in noise (pipeline smoke test)", o => new TrainingRun<FeatureBatch>(new ToneClassificationTask(o), o)),
    ];

    public const string TaskName = "tones";
    private const int HeldOutSeed = 1_000_003;

    private readonly ToneClassifier _model;
    private readonly ToneDataset _heldOut;
    private readonly LogMelOptions _features = new() { SampleRate = ToneDataset.SampleRate, NMels = 40 };

    /// <summary>The log-mel front end the classifier is trained on.</summary>
    public LogMelOptions Features => _features;

    public ToneClassificationTask(TrainingOptions options, int trainExamples = 4000, int heldOutExamples = 400)
    {
        Seeding.Seed(options.Seed);
        _model = new ToneClassifier(new ToneClassifierConfig(_features.NMels, 32, ToneDataset.Labels.Length));
        var train = new ToneDataset(trainExamples, options.Seed, _features);
        _heldOut = new ToneDataset(heldOutExamples, HeldOutSeed, _features);
        TrainData = new DataLoader<FeatureExample, FeatureBatch>(train, options.BatchSize, FeatureBatch.Collate, options.Seed);
    }

    public string Name => TaskName;

    public nn.Module Model => _model;

    public IBatchSource<FeatureBatch> TrainData { get; }

    public Tensor ComputeLoss(FeatureBatch batch)
    {
        Tensor logits = _model.forward(tensor(batch.Features).reshape(batch.Shape));
        return nn.functional.cross_entropy(logits, tensor(batch.Labels));
    }

    public IReadOnlyDictionary<string, double> Evaluate()
    {
        int correct = 0;
        for (int start = 0; start < _heldOut.Count; start += 64)
        {
            var examples = Enumerable.Range(start, Math.Min(64, _heldOut.Count - start)).Select(i => _heldOut.Get(i, new Random(i))).ToList();
            correct += FeatureBatch.Collate(examples).CountCorrect(_model);
        }

        return new Dictionary<string, double> { ["accuracy"] = correct / (double)_heldOut.Count };
    }

    /// <summary>A held-out batch, for parity checks of the export.</summary>
    public FeatureBatch HeldOutBatch(int size) =>
        FeatureBatch.Collate(Enumerable.Range(0, size).Select(i => _heldOut.Get(i, new Random(i))).ToList());

    public void Export(string onnxPath, TrainingRecord record) => BuildGraph(record).Save(onnxPath);

    public OnnxGraph BuildGraph(TrainingRecord record)
    {
        _model.eval();
        var graph = new OnnxGraph("tone_classifier");
        var exporter = new OnnxExporter(graph);
        OnnxValue features = graph.AddInput("features", "batch", _features.NMels, "frames");
        graph.AddOutput(exporter.Apply(_model, features, "model"), "logits", "batch", ToneDataset.Labels.Length);
        record.WriteTo(graph.Metadata);
        new RecognitionSpec
        {
            SampleRate = ToneDataset.SampleRate, Labels = ToneDataset.Labels, ClipSamples = ToneDataset.ClipSamples, Features = _features,
        }.WriteTo(graph.Metadata);
        return graph;
    }

    public void Dispose() => _model.Dispose();
}
