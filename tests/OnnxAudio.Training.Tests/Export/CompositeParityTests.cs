using OnnxAudio.Training.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Tests.Export;

/// <summary>A model that joins layers with the graph-level operations (residual add, concat, transpose, reshape).</summary>
public class CompositeParityTests
{
    private sealed class ResidualMixer : nn.Module<Tensor, Tensor>, IOnnxExportable
    {
        private readonly Conv1d conv;
        private readonly LayerNorm norm;
        private readonly Linear project;

        public ResidualMixer() : base(nameof(ResidualMixer))
        {
            conv = nn.Conv1d(8, 8, 3, padding: 1);
            norm = nn.LayerNorm(16);
            project = nn.Linear(16, 4);
            RegisterComponents();
        }

        // x [B, 8, T] → residual conv → concat with x on channels [B, 16, T] → [B, T, 16] → norm → linear → [B, T*4]
        public override Tensor forward(Tensor x)
        {
            Tensor residual = x + conv.forward(x).relu();
            Tensor joined = cat([residual, x], 1).transpose(1, 2);
            Tensor y = project.forward(norm.forward(joined));
            return y.reshape(y.shape[0], -1);
        }

        public OnnxValue ExportOnnx(OnnxExporter e, OnnxValue x, string scope)
        {
            OnnxValue residual = e.Graph.Add(x, e.Graph.Relu(e.Apply(conv, x, $"{scope}.conv")));
            OnnxValue joined = e.Graph.Transpose(e.Graph.Concat(1, residual, x), 0, 2, 1);
            OnnxValue y = e.Apply(project, e.Apply(norm, joined, $"{scope}.norm"), $"{scope}.project");
            return e.Graph.Reshape(y, 0, -1);
        }
    }

    [Fact]
    public void Residual_concat_transpose_and_reshape_match_torch()
    {
        torch.manual_seed(9);
        double diff = OnnxParity.MaxDifference(new ResidualMixer(), ["batch", 8, "time"], [1, 8, 3], [2, 8, 20], [3, 8, 57]);
        Assert.True(diff <= OnnxParity.Tolerance, $"max abs difference {diff:E2}");
    }
}
