using OnnxAudio.Training.Export;
using OnnxAudio.Training.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Models;

/// <summary>
/// A small transformer keyword spotter: a convolutional stem (strided by 2 in time) whose depthwise convolution also
/// gives the frames their relative position (as in convolutional position embeddings, Gulati et al. 2020), then
/// pre-norm blocks of multi-head self-attention and a GELU feed-forward layer, the mean over frames, a classifier.
/// </summary>
public sealed class TransformerKws : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Sequential stem;
    private readonly Conv1d position;
    private readonly ModuleList<LayerNorm> attentionNorms;
    private readonly ModuleList<MultiHeadSelfAttention> attentions;
    private readonly ModuleList<LayerNorm> feedForwardNorms;
    private readonly ModuleList<Sequential> feedForwards;
    private readonly LayerNorm finalNorm;
    private readonly Linear classifier;

    public TransformerKws(KwsModelConfig config) : base(nameof(TransformerKws))
    {
        int d = config.Channels;
        stem = nn.Sequential(("conv", nn.Conv1d(config.Mels, d, 3, stride: 2, padding: 1)), ("gelu", nn.GELU()));
        position = nn.Conv1d(d, d, 7, padding: 3, groups: d);
        attentionNorms = new ModuleList<LayerNorm>();
        attentions = new ModuleList<MultiHeadSelfAttention>();
        feedForwardNorms = new ModuleList<LayerNorm>();
        feedForwards = new ModuleList<Sequential>();
        for (int b = 0; b < config.Blocks; b++)
        {
            attentionNorms.Add(nn.LayerNorm(d));
            attentions.Add(new MultiHeadSelfAttention(d, config.Heads));
            feedForwardNorms.Add(nn.LayerNorm(d));
            feedForwards.Add(nn.Sequential(("up", nn.Linear(d, 2 * d)), ("gelu", nn.GELU()), ("dropout", nn.Dropout(0.1)), ("down", nn.Linear(2 * d, d))));
        }

        finalNorm = nn.LayerNorm(d);
        classifier = nn.Linear(d, config.Classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        Tensor h = stem.forward(x);
        h = (h + position.forward(h)).transpose(1, 2); // [B, T, D]
        for (int b = 0; b < attentions.Count; b++)
        {
            h = h + attentions[b].forward(attentionNorms[b].forward(h));
            h = h + feedForwards[b].forward(feedForwardNorms[b].forward(h));
        }

        return classifier.forward(finalNorm.forward(h).mean([1]));
    }

    public OnnxValue ExportOnnx(OnnxExporter e, OnnxValue x, string scope)
    {
        OnnxGraph g = e.Graph;
        OnnxValue h = e.Apply(stem, x, $"{scope}.stem");
        h = g.Transpose(g.Add(h, e.Apply(position, h, $"{scope}.position")), 0, 2, 1);
        for (int b = 0; b < attentions.Count; b++)
        {
            h = g.Add(h, e.Apply(attentions[b], e.Apply(attentionNorms[b], h, $"{scope}.norm_a{b}"), $"{scope}.attention{b}"));
            h = g.Add(h, e.Apply(feedForwards[b], e.Apply(feedForwardNorms[b], h, $"{scope}.norm_f{b}"), $"{scope}.ffn{b}"));
        }

        return e.Apply(classifier, g.ReduceMean(e.Apply(finalNorm, h, $"{scope}.final_norm"), [1], keepDims: false), $"{scope}.classifier");
    }
}
