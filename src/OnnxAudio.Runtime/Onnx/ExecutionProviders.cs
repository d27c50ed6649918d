namespace OnnxAudio.Onnx;

/// <summary>One execution provider as this machine sees it: whether the loaded native library has it, and its package.</summary>
public sealed record ExecutionProviderInfo(ExecutionProvider Provider, string OrtName, string Package, bool Available);

/// <summary>What the loaded ONNX Runtime native library offers (its <c>OrtEnv</c> report), mapped onto <see cref="ExecutionProvider"/>.</summary>
public static class ExecutionProviders
{
    internal static readonly (ExecutionProvider Provider, string OrtName, string Package)[] Known =
    [
        (ExecutionProvider.Cuda, "CUDAExecutionProvider", "Microsoft.ML.OnnxRuntime.Gpu"),
        (ExecutionProvider.DirectML, "DmlExecutionProvider", "Microsoft.ML.OnnxRuntime.DirectML"),
        (ExecutionProvider.CoreML, "CoreMLExecutionProvider", "Microsoft.ML.OnnxRuntime"),
        (ExecutionProvider.Cpu, "CPUExecutionProvider", "Microsoft.ML.OnnxRuntime"),
    ];

    /// <summary>Every provider OnnxAudio can select, in the order <see cref="ExecutionProvider.Auto"/> prefers them.</summary>
    public static IReadOnlyList<ExecutionProviderInfo> List()
    {
        IReadOnlyList<string> available = SessionFactory.AvailableProviders();
        return Known.Select(k => new ExecutionProviderInfo(k.Provider, k.OrtName, k.Package, available.Contains(k.OrtName))).ToArray();
    }

    /// <summary>The provider names the native library reports, including ones OnnxAudio has no enum value for.</summary>
    public static IReadOnlyList<string> NativeNames() => SessionFactory.AvailableProviders();

    /// <summary>What <see cref="ExecutionProvider.Auto"/> resolves to on this machine.</summary>
    public static ExecutionProvider ResolveAuto() => List().First(p => p.Available).Provider;
}
