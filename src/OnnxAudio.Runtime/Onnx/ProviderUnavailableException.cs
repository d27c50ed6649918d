namespace OnnxAudio.Onnx;

/// <summary>An execution provider was requested that the loaded ONNX Runtime native library does not have.</summary>
public sealed class ProviderUnavailableException : OnnxAudioException
{
    public ProviderUnavailableException(ExecutionProvider provider, string package, IEnumerable<string> available, Exception? inner = null)
        : base($"the {provider} execution provider is not in the ONNX Runtime native library this program loaded " +
               $"(it has: {string.Join(", ", available)}); reference the NuGet package '{package}' instead of Microsoft.ML.OnnxRuntime, or choose another provider", inner)
    {
        Provider = provider;
        Package = package;
    }

    public ExecutionProvider Provider { get; }

    public string Package { get; }
}
