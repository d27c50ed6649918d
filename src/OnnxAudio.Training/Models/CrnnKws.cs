using OnnxAudio.Training.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Models;

/// <summary>
/// CRNN keyword spotter: two convolution blocks (the second strided by 2 in time) over [batch, mels, time], a GRU over
/// the frames, the mean of its outputs, and a linear classifier.
/// </summary>
public sealed class CrnnKws : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Sequential convs;
    private readonly GRU gru;
    private readonly Linear classifier;

    public CrnnKws(KwsModelConfig config) : base(nameof(CrnnKws))
    {
        int c = config.Channels;
        convs = nn.Sequential(
            ("conv1", nn.Conv1d(config.Mels, c, 3, padding: 1, bias: false)), ("bn1", nn.BatchNorm1d(c)), ("relu1", nn.ReLU()),
            ("conv2", nn.Conv1d(c, c, 3, stride: 2, padding: 1, bias: false)), ("bn2", nn.BatchNorm1d(c)), ("relu2", nn.ReLU()));
        gru = nn.GRU(c, c, batchFirst: true);
        classifier = nn.Linear(c, config.Classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        Tensor h = convs.forward(x).transpose(1, 2); // [B, T, C]
        var (y, _) = gru.forward(h);
        return classifier.forward(y.mean([1]));
    }

    public OnnxValue ExportOnnx(OnnxExporter e, OnnxValue x, string scope)
    {
        OnnxValue h = e.Graph.Transpose(e.Apply(convs, x, $"{scope}.convs"), 0, 2, 1);
        OnnxValue y = e.Gru(gru, h, null, batchFirst: true, $"{scope}.gru").Output;
        return e.Apply(classifier, e.Graph.ReduceMean(y, [1], keepDims: false), $"{scope}.classifier");
    }
}
