namespace OnnxAudio.Onnx;

/// <summary>How models are run: execution provider, device and threads. Validated where a model is loaded.</summary>
public sealed class InferenceOptions
{
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Cpu;

    /// <summary>GPU index for CUDA and DirectML.</summary>
    public int DeviceId { get; init; }

    /// <summary>Threads inside one operator; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads running independent operators in parallel; 0 lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; init; }

    public static InferenceOptions Default { get; } = new();
}
