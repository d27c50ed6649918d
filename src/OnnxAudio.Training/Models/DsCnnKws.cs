using OnnxAudio.Training.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Models;

/// <summary>
/// Depthwise-separable temporal CNN over log-mel frames [batch, mels, time] (the mels are channels, as in TC-ResNet,
/// Choi et al. 2019): a 3-tap stem, then residual blocks of a dilated depthwise 9-tap convolution and a pointwise one,
/// each with batch norm and ReLU; average over time; a linear classifier.
/// </summary>
public sealed class DsCnnKws : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Sequential stem;
    private readonly ModuleList<Sequential> blocks;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    public DsCnnKws(KwsModelConfig config) : base(nameof(DsCnnKws))
    {
        int c = config.Channels;
        stem = nn.Sequential(("conv", nn.Conv1d(config.Mels, c, 3, padding: 1, bias: false)), ("bn", nn.BatchNorm1d(c)), ("relu", nn.ReLU()));
        blocks = new ModuleList<Sequential>();
        for (int b = 0; b < config.Blocks; b++)
        {
            int dilation = 1 << Math.Min(b, 3);
            blocks.Add(nn.Sequential(
                ("depthwise", nn.Conv1d(c, c, 9, padding: 4 * dilation, dilation: dilation, groups: c, bias: false)),
                ("bn1", nn.BatchNorm1d(c)),
                ("pointwise", nn.Conv1d(c, c, 1, bias: false)),
                ("bn2", nn.BatchNorm1d(c)),
                ("relu", nn.ReLU())));
        }

        dropout = nn.Dropout(0.1);
        classifier = nn.Linear(c, config.Classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        Tensor h = stem.forward(x);
        foreach (Sequential block in blocks)
            h = h + block.forward(h);
        return classifier.forward(dropout.forward(h.mean([2])));
    }

    public OnnxValue ExportOnnx(OnnxExporter e, OnnxValue x, string scope)
    {
        OnnxValue h = e.Apply(stem, x, $"{scope}.stem");
        for (int b = 0; b < blocks.Count; b++)
            h = e.Graph.Add(h, e.Apply(blocks[b], h, $"{scope}.block{b}"));
        return e.Apply(classifier, e.Graph.ReduceMean(h, [2], keepDims: false), $"{scope}.classifier");
    }
}
