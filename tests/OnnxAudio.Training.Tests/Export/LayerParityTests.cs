using OnnxAudio.Training.Export;
using OnnxAudio.Training.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Tests.Export;

/// <summary>Every converter: TorchSharp forward vs ONNX Runtime on the export, random inputs, several time lengths.</summary>
public class LayerParityTests
{
    private static readonly object[] Ncl = ["batch", 8, "time"];     // [batch, channels, time]
    private static readonly object[] Ntf = ["batch", "time", 12];    // [batch, time, features]

    static LayerParityTests() => torch.manual_seed(1234);

    private static long[][] NclShapes(long channels = 8) => [[1, channels, 5], [2, channels, 17], [3, channels, 64]];

    private static long[][] NtfShapes(long features = 12) => [[1, 1, features], [2, 9, features], [3, 40, features]];

    private static void AssertParity(nn.Module<Tensor, Tensor> module, object[] dims, long[][] shapes)
    {
        double diff = OnnxParity.MaxDifference(module, dims, shapes);
        Assert.True(diff <= OnnxParity.Tolerance, $"{module.GetType().Name}: max abs difference {diff:E2}");
    }

    public static TheoryData<string> ConvolutionCases() => new()
    {
        "k3", "k5-stride2-pad2", "k3-dilation2-pad2", "groups2", "depthwise", "same", "reflect", "no-bias",
    };

    [Theory]
    [MemberData(nameof(ConvolutionCases))]
    public void Conv1d(string name)
    {
        Conv1d conv = name switch
        {
            "k3" => nn.Conv1d(8, 6, 3, padding: 1),
            "k5-stride2-pad2" => nn.Conv1d(8, 6, 5, stride: 2, padding: 2),
            "k3-dilation2-pad2" => nn.Conv1d(8, 6, 3, padding: 2, dilation: 2),
            "groups2" => nn.Conv1d(8, 6, 3, padding: 1, groups: 2),
            "depthwise" => nn.Conv1d(8, 8, 3, padding: 1, groups: 8),
            "same" => nn.Conv1d(8, 6, 4, padding: Padding.Same),
            "reflect" => nn.Conv1d(8, 6, 3, padding: 1, padding_mode: PaddingModes.Reflect),
            "no-bias" => nn.Conv1d(8, 6, 3, padding: 1, bias: false),
            _ => throw new ArgumentException(name),
        };
        AssertParity(conv, Ncl, NclShapes());
    }

    [Fact]
    public void Conv2d() =>
        AssertParity(nn.Conv2d(2, 4, (3, 3), stride: (1, 2), padding: (1, 1)), ["batch", 2, 10, "time"], [[1, 2, 10, 7], [2, 2, 10, 30]]);

    [Theory]
    [InlineData(4, 2, 1, 0)]
    [InlineData(3, 2, 1, 1)]
    [InlineData(5, 1, 2, 0)]
    public void ConvTranspose1d(long kernel, long stride, long padding, long outputPadding) =>
        AssertParity(nn.ConvTranspose1d(8, 5, kernel, stride: stride, padding: padding, output_padding: outputPadding), Ncl, NclShapes());

    [Fact]
    public void Linear() => AssertParity(nn.Linear(12, 7), Ntf, NtfShapes());

    private static BatchNorm1d TrainedBatchNorm(long channels)
    {
        var bn = nn.BatchNorm1d(channels);
        using var noGrad = no_grad();
        bn.running_mean!.copy_(randn(channels));
        bn.running_var!.copy_(rand(channels) + 0.5);
        bn.weight!.copy_(randn(channels));
        bn.bias!.copy_(randn(channels));
        return bn;
    }

    [Fact]
    public void BatchNorm1d() => AssertParity(TrainedBatchNorm(8), Ncl, NclShapes());

    [Fact]
    public void Batch_norm_after_a_convolution_is_folded_into_it()
    {
        var block = nn.Sequential(("conv", nn.Conv1d(8, 6, 3, padding: 1)), ("bn", TrainedBatchNorm(6)), ("act", nn.ReLU()));
        var graph = new OnnxGraph();
        new OnnxExporter(graph).Apply(block, graph.AddInput("x", Ncl), "block");
        Assert.Equal(2, graph.NodeCount); // Conv + Relu: no BatchNormalization node
        AssertParity(block, Ncl, NclShapes());
    }

    [Fact]
    public void LayerNorm() => AssertParity(nn.LayerNorm(12), Ntf, NtfShapes());

    [Fact]
    public void GroupNorm()
    {
        var gn = nn.GroupNorm(4, 8);
        using (no_grad())
        {
            gn.weight!.copy_(randn(8));
            gn.bias!.copy_(randn(8));
        }

        AssertParity(gn, Ncl, NclShapes());
    }

    public static TheoryData<string> Activations() => new() { "relu", "leaky", "gelu", "tanh", "sigmoid", "elu", "prelu-channel", "prelu-shared", "dropout", "identity" };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Activation(string name)
    {
        nn.Module<Tensor, Tensor> module = name switch
        {
            "relu" => nn.ReLU(),
            "leaky" => nn.LeakyReLU(0.2),
            "gelu" => nn.GELU(),
            "tanh" => nn.Tanh(),
            "sigmoid" => nn.Sigmoid(),
            "elu" => nn.ELU(0.7),
            "prelu-channel" => nn.PReLU(8, 0.3),
            "prelu-shared" => nn.PReLU(1, 0.1),
            "dropout" => nn.Dropout(0.5),
            "identity" => nn.Identity(),
            _ => throw new ArgumentException(name),
        };
        if (module is PReLU prelu)
            using (no_grad())
                prelu.weight.copy_(randn(prelu.weight.shape));
        AssertParity(module, Ncl, NclShapes());
    }

    [Fact]
    public void Pooling()
    {
        AssertParity(nn.MaxPool1d(3, stride: 2, padding: 1), Ncl, NclShapes());
        AssertParity(nn.AvgPool1d(4, stride: 2), Ncl, [[1, 8, 6], [2, 8, 17], [3, 8, 64]]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Self_attention(bool causal) =>
        AssertParity(new MultiHeadSelfAttention(12, 3, causal), Ntf, NtfShapes());

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    public void Gru(int layers, bool bidirectional)
    {
        var gru = nn.GRU(12, 10, numLayers: layers, batchFirst: true, bidirectional: bidirectional);
        double diff = OnnxParity.MaxDifference(
            x => gru.forward(x).Item1,
            (e, x) => e.Gru(gru, x, null, batchFirst: true, "gru").Output,
            gru, Ntf, NtfShapes());
        Assert.True(diff <= OnnxParity.Tolerance, $"GRU: max abs difference {diff:E2}");
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    public void Lstm(int layers, bool bidirectional)
    {
        var lstm = nn.LSTM(12, 10, numLayers: layers, batchFirst: true, bidirectional: bidirectional);
        double diff = OnnxParity.MaxDifference(
            x => lstm.forward(x).Item1,
            (e, x) => e.Lstm(lstm, x, null, null, batchFirst: true, "lstm").Output,
            lstm, Ntf, NtfShapes());
        Assert.True(diff <= OnnxParity.Tolerance, $"LSTM: max abs difference {diff:E2}");
    }

    [Fact]
    public void Unsupported_modules_are_named_in_the_error()
    {
        var graph = new OnnxGraph();
        var e = Assert.Throws<NotSupportedException>(() => new OnnxExporter(graph).Apply(nn.Softplus(), graph.AddInput("x", Ncl), "head"));
        Assert.Contains("Softplus", e.Message);
        Assert.Contains("head", e.Message);
    }
}
