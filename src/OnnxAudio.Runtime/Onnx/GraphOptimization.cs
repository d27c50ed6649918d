namespace OnnxAudio.Onnx;

/// <summary>How much ONNX Runtime rewrites a graph when it loads it (its graph optimisation levels).</summary>
public enum GraphOptimization
{
    /// <summary>Run the graph as exported.</summary>
    None,
    /// <summary>Provider-independent rewrites: constant folding, redundant node removal.</summary>
    Basic,
    /// <summary>Also node fusions (e.g. GELU, layer norm, attention) for the CPU and CUDA providers.</summary>
    Extended,
    /// <summary>Also layout changes for the hardware; the default.</summary>
    All,
}
