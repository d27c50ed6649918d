namespace OnnxAudio.Onnx;

/// <summary>
/// How models are run: execution provider, device, threads, graph optimisation, optimised-model caching and warm-up.
/// Validated where a model is loaded.
/// </summary>
public sealed class InferenceOptions
{
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Cpu;

    /// <summary>GPU index for CUDA and DirectML.</summary>
    public int DeviceId { get; init; }

    /// <summary>The most threads a session may ask for: more only costs memory and start-up time (each is a real thread).</summary>
    public const int MaxThreads = 256;

    /// <summary>Threads inside one operator; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads running independent operators in parallel; 0 lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>How much ONNX Runtime optimises the graph at load.</summary>
    public GraphOptimization GraphOptimization { get; init; } = GraphOptimization.All;

    /// <summary>
    /// A folder for optimised models: the first load of a model saves its optimised graph there (named by the model's
    /// content hash, the provider and the optimisation level), later loads read it and skip the optimisation — a faster
    /// start for short-lived processes. The files suit this machine's hardware only; null (the default) turns caching off.
    /// </summary>
    public string? OptimizedModelCache { get; init; }

    /// <summary>Run each model once on silence when it loads, so that the first real call does not pay for allocations and kernel selection.</summary>
    public bool WarmUp { get; init; }

    public static InferenceOptions Default { get; } = new();

    internal void Validate()
    {
        if (DeviceId < 0)
            throw new ArgumentOutOfRangeException(nameof(DeviceId), DeviceId, "The device id must be 0 or more.");
        if (IntraOpThreads is < 0 or > MaxThreads || InterOpThreads is < 0 or > MaxThreads)
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), $"Thread counts must lie between 0 (ONNX Runtime's choice) and {MaxThreads}.");
        if (!Enum.IsDefined(GraphOptimization))
            throw new ArgumentOutOfRangeException(nameof(GraphOptimization), GraphOptimization, "Unknown graph optimisation level.");
    }
}
