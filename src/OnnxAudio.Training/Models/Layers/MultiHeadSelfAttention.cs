using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Models.Layers;

/// <summary>
/// Multi-head scaled dot-product self-attention over [batch, time, dim] (Vaswani et al. 2017, §3.2), with an optional
/// causal mask so that frame t attends to frames ≤ t only. Written out in plain layers so its ONNX export is explicit.
/// </summary>
public sealed class MultiHeadSelfAttention : nn.Module<Tensor, Tensor>
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
}
