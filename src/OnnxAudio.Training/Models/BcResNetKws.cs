using OnnxAudio.Training.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Models;

/// <summary>
/// Broadcasted-residual keyword spotter (BC-ResNet, Kim et al., Interspeech 2021) over log-mel [batch, mels, time] seen
/// as a one-channel image. Each block has a frequency-wise depthwise convolution (f2) on the 2-D map, then averages over
/// frequency and runs a dilated temporal depthwise and a pointwise convolution (f1) on the 1-D result, which is
/// broadcast back over frequency: y = ReLU(x + f2(x) + f1(mean_f f2(x))). Stages of 2, 2, 4 and 4 blocks at 8w, 12w, 16w
/// and 20w channels, halving frequency at the first three; a depthwise 5×5 and pointwise head, mean over frequency and
/// time, and a linear classifier. Simplifications for small compute and the exporter: batch norm instead of
/// sub-spectral norm, ReLU instead of Swish.
/// </summary>
public sealed class BcResNetKws : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private static readonly int[] StageBlocks = [2, 2, 4, 4];
    private static readonly int[] StageWidths = [8, 12, 16, 20];

    private readonly Sequential stem;
    private readonly ModuleList<Block> blocks;
    private readonly Sequential head;
    private readonly Linear classifier;

    public BcResNetKws(KwsModelConfig config) : base(nameof(BcResNetKws))
    {
        int w = Math.Max(1, config.Channels / 16); // Channels 96 → width 6
        int first = 16 * w;
        stem = nn.Sequential(
            ("conv", nn.Conv2d(1, first, (5, 5), stride: (2, 1), padding: (2, 2), bias: false)), ("bn", nn.BatchNorm2d(first)), ("relu", nn.ReLU()));
        blocks = new ModuleList<Block>();
        int channels = first;
        for (int s = 0; s < StageBlocks.Length; s++)
        {
            int width = StageWidths[s] * w;
            for (int b = 0; b < StageBlocks[s]; b++)
            {
                bool transition = b == 0 && width != channels;
                blocks.Add(new Block(channels, width, frequencyStride: b == 0 && s is 1 or 2 ? 2 : 1, dilation: 1 << s, transition));
                channels = width;
            }
        }

        int last = 32 * w;
        head = nn.Sequential(
            ("depthwise", nn.Conv2d(channels, channels, (5, 5), padding: (0, 2), groups: channels, bias: false)), ("bn1", nn.BatchNorm2d(channels)),
            ("pointwise", nn.Conv2d(channels, last, (1, 1), bias: false)), ("bn2", nn.BatchNorm2d(last)), ("relu", nn.ReLU()));
        classifier = nn.Linear(last, config.Classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        Tensor h = stem.forward(x.unsqueeze(1));
        foreach (Block block in blocks)
            h = block.forward(h);
        return classifier.forward(head.forward(h).mean([2, 3]));
    }

    public OnnxValue ExportOnnx(OnnxExporter e, OnnxValue x, string scope)
    {
        OnnxValue h = e.Apply(stem, e.Graph.Unsqueeze(x, 1), $"{scope}.stem");
        for (int b = 0; b < blocks.Count; b++)
            h = blocks[b].ExportOnnx(e, h, $"{scope}.block{b}");
        return e.Apply(classifier, e.Graph.ReduceMean(e.Apply(head, h, $"{scope}.head"), [2, 3], keepDims: false), $"{scope}.classifier");
    }

    /// <summary>One broadcasted residual block; a transition block changes the channel count and has no identity path.</summary>
    public sealed class Block : nn.Module<Tensor, Tensor>, IOnnxExportable
    {
        private readonly Sequential? expand;
        private readonly Sequential f2;
        private readonly Sequential f1;
        private readonly bool transition;

        public Block(int inChannels, int outChannels, int frequencyStride, int dilation, bool transition) : base(nameof(Block))
        {
            this.transition = transition;
            if (transition)
                expand = nn.Sequential(("conv", nn.Conv2d(inChannels, outChannels, (1, 1), bias: false)), ("bn", nn.BatchNorm2d(outChannels)), ("relu", nn.ReLU()));
            int c = outChannels;
            f2 = nn.Sequential(
                ("conv", nn.Conv2d(c, c, (3, 1), stride: (frequencyStride, 1), padding: (1, 0), groups: c, bias: false)), ("bn", nn.BatchNorm2d(c)));
            f1 = nn.Sequential(
                ("temporal", nn.Conv2d(c, c, (1, 3), padding: (0, dilation), dilation: (1, dilation), groups: c, bias: false)), ("bn", nn.BatchNorm2d(c)),
                ("relu", nn.ReLU()), ("pointwise", nn.Conv2d(c, c, (1, 1), bias: false)), ("dropout", nn.Dropout(0.1)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            Tensor input = expand is null ? x : expand.forward(x);
            Tensor frequency = f2.forward(input);
            Tensor temporal = f1.forward(frequency.mean([2], keepdim: true));
            Tensor y = frequency + temporal;
            if (!transition && y.shape[2] == x.shape[2])
                y = y + x;
            return nn.functional.relu(y);
        }

        public OnnxValue ExportOnnx(OnnxExporter e, OnnxValue x, string scope)
        {
            OnnxValue input = expand is null ? x : e.Apply(expand, x, $"{scope}.expand");
            OnnxValue frequency = e.Apply(f2, input, $"{scope}.f2");
            OnnxValue temporal = e.Apply(f1, e.Graph.ReduceMean(frequency, [2], keepDims: true), $"{scope}.f1");
            OnnxValue y = e.Graph.Add(frequency, temporal);
            if (!transition && HasIdentity)
                y = e.Graph.Add(y, x);
            return e.Graph.Relu(y);
        }

        /// <summary>Whether the identity path applies: not across a frequency stride.</summary>
        private bool HasIdentity => ((Conv2d)f2[0]).stride[0] == 1;
    }
}
