using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OnnxAudio.Training;

/// <summary>
/// Process settings that must be in place before libtorch runs its first kernel.
/// </summary>
/// <remarks>
/// libtorch 2.10 (TorchSharp 0.107) computes LSTM and transposed convolutions through oneDNN in inference mode
/// (no_grad), and oneDNN's AVX-512 kernels return wrong values for them on the AVX-512 machines this project runs on
/// (measured: an LSTM's output differs from its own training-mode output and from the LSTM equations by up to 0.5;
/// a ConvTranspose1d by 0.6). At AVX2 those become exact, but a Conv1d with 321 input channels is still wrong by up to 6 %
/// of its output, in training mode too (found by the codec's export parity test, checked against a naive convolution and
/// ONNX Runtime); at SSE4.1 every kernel tested is exact. So oneDNN is capped at SSE4.1. The cap is set only when the user has not
/// chosen one (ONEDNN_MAX_CPU_ISA), and through libc's setenv, because .NET's Environment.SetEnvironmentVariable does
/// not reach native code on Unix. Guarded by TorchEnvironmentTests.
/// </remarks>
public static partial class TorchEnvironment
{
    public const string OneDnnIsaVariable = "ONEDNN_MAX_CPU_ISA";

    private static int _configured;

    /// <summary>Applies the settings once; called automatically when this assembly loads.</summary>
    [ModuleInitializer]
    public static void Configure()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1)
            return;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(OneDnnIsaVariable)))
            return;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            _ = SetEnv(OneDnnIsaVariable, "SSE41", 0);
        Environment.SetEnvironmentVariable(OneDnnIsaVariable, "SSE41");
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
