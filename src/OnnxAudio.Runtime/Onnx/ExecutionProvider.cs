namespace OnnxAudio.Onnx;

/// <summary>Where ONNX Runtime executes a model. Which ones work depends on the native package the app references.</summary>
public enum ExecutionProvider
{
    /// <summary>The best provider the loaded native library has, falling back to the CPU.</summary>
    Auto,
    Cpu,
    /// <summary>NVIDIA GPUs; needs the Microsoft.ML.OnnxRuntime.Gpu package.</summary>
    Cuda,
    /// <summary>Any DirectX 12 GPU on Windows; needs the Microsoft.ML.OnnxRuntime.DirectML package.</summary>
    DirectML,
    /// <summary>Apple devices; in the Microsoft.ML.OnnxRuntime package's macOS/iOS builds.</summary>
    CoreML,
}
