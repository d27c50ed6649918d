using OnnxAudio.Training.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Models;

/// <summary>
/// A small convolutional classifier over log-mel frames [batch, mels, time]: two conv–batch-norm–ReLU blocks (the
/// second dilated), mean over time, and a linear layer to class logits. Small enough to train in seconds on a CPU.
/// </summary>
public sealed class ToneClassifier : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Sequential features;
    private readonly Linear classifier;

    public ToneClassifier(ToneClassifierConfig config) : base(nameof(ToneClassifier))
    {
        Config = config;
        features = nn.Sequential(
            ("conv1", nn.Conv1d(config.Mels, config.Channels, 3, padding: 1)),
            ("bn1", nn.BatchNorm1d(config.Channels)),
            ("relu1", nn.ReLU()),
            ("conv2", nn.Conv1d(config.Channels, config.Channels, 3, padding: 2, dilation: 2)),
            ("bn2", nn.BatchNorm1d(config.Channels)),
            ("relu2", nn.ReLU()));
        classifier = nn.Linear(config.Channels, config.Classes);
        RegisterComponents();
    }

    public ToneClassifierConfig Config { get; }

    public override Tensor forward(Tensor x) => classifier.forward(features.forward(x).mean([2]));

    public OnnxValue ExportOnnx(OnnxExporter exporter, OnnxValue input, string scope)
    {
        OnnxValue h = exporter.Apply(features, input, $"{scope}.features");
        OnnxValue pooled = exporter.Graph.ReduceMean(h, [2], keepDims: false);
        return exporter.Apply(classifier, pooled, $"{scope}.classifier");
    }
}
