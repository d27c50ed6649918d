using OnnxAudio.Graphs;
using OnnxAudio.Training.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Models.Layers;

/// <summary>
/// Multi-head scaled dot-product self-attention over [batch, time, dim] (Vaswani et al. 2017, §3.2), with an optional
/// causal mask so that frame t attends to frames ≤ t only. Written out in plain layers; it exports itself (<see cref="ExportOnnx"/>).
/// </summary>
public sealed class MultiHeadSelfAttention : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Linear qkv;
    private readonly Linear project;

    public MultiHeadSelfAttention(long dim, long heads, bool causal = false) : base(nameof(MultiHeadSelfAttention))
    {
        if (dim % heads != 0)
            throw new ArgumentException($"dim {dim} is not divisible by {heads} heads.");
        Dim = dim;
        Heads = heads;
        Causal = causal;
        qkv = nn.Linear(dim, 3 * dim);
        project = nn.Linear(dim, dim);
        RegisterComponents();
    }

    public long Dim { get; }

    public long Heads { get; }

    public bool Causal { get; }

    internal Linear Qkv => qkv;

    internal Linear Project => project;

    /// <summary>Added to the scores of masked (future) positions.</summary>
    internal const float MaskValue = -1e9f;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1], headDim = Dim / Heads;
        Tensor packed = qkv.forward(x).reshape(b, t, 3, Heads, headDim).permute(2, 0, 3, 1, 4); // [3, B, H, T, hd]
        Tensor q = packed[0], k = packed[1], v = packed[2];
        Tensor scores = q.matmul(k.transpose(-2, -1)) * (float)(1.0 / Math.Sqrt(headDim));
        if (Causal)
            scores = scores + (ones(t, t, device: x.device).tril() - 1) * -MaskValue;
        Tensor attended = scores.softmax(-1).matmul(v).transpose(1, 2).reshape(b, t, Dim);
        return project.forward(attended).MoveToOuterDisposeScope();
    }

    /// <summary>The forward pass as ONNX nodes: packed projection, per-head scaled dot products, the causal mask, softmax, merge.</summary>
    public OnnxValue ExportOnnx(OnnxExporter exporter, OnnxValue x, string scope)
    {
        OnnxGraph g = exporter.Graph;
        long headDim = Dim / Heads;
        OnnxValue packed = exporter.Apply(qkv, x, $"{scope}.qkv");                                   // [B, T, 3D]
        OnnxValue split = g.Transpose(g.Reshape(packed, 0, 0, 3, Heads, headDim), 2, 0, 3, 1, 4);    // [3, B, H, T, hd]
        OnnxValue Part(long i) => g.Squeeze(g.Slice(split, [i], [i + 1], [0]), 0);
        OnnxValue q = Part(0), k = Part(1), v = Part(2);
        OnnxValue scores = g.Mul(g.MatMul(q, g.Transpose(k, 0, 1, 3, 2)), g.Scalar($"{scope}.scale", (float)(1.0 / Math.Sqrt(headDim))));
        if (Causal)
        {
            // (tril(ones(T, T)) − 1)·1e9, as in the forward.
            OnnxValue t = g.Slice(g.Shape(x), [1], [2], [0]);
            OnnxValue ones = g.Op("Expand", [g.Scalar("one", 1f), g.Concat(0, t, t)]);
            OnnxValue lower = g.Op("Trilu", [ones], ("upper", 0L));
            scores = g.Add(scores, g.Mul(g.Sub(lower, g.Scalar("one", 1f)), g.Scalar("mask", -MaskValue)));
        }

        OnnxValue attended = g.MatMul(g.Softmax(scores, -1), v);                                      // [B, H, T, hd]
        OnnxValue merged = g.Reshape(g.Transpose(attended, 0, 2, 1, 3), 0, 0, Dim);                   // [B, T, D]
        return exporter.Apply(project, merged, $"{scope}.project");
    }
}
