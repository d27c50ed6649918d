using Microsoft.ML.OnnxRuntime;

namespace OnnxAudio.Onnx;

/// <summary>
/// The one place that turns <see cref="InferenceOptions"/> into an ONNX Runtime session. A provider the native library
/// lacks fails with <see cref="ProviderUnavailableException"/> naming the package to reference, never with
/// EntryPointNotFoundException; options are disposed if any step fails.
/// </summary>
internal static class SessionFactory
{
    public static InferenceSession Create(byte[] model, InferenceOptions options, out ExecutionProvider used)
    {
        var session = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        try
        {
            if (options.IntraOpThreads > 0)
                session.IntraOpNumThreads = options.IntraOpThreads;
            if (options.InterOpThreads > 0)
                session.InterOpNumThreads = options.InterOpThreads;
            used = AppendProvider(session, options);
            return new InferenceSession(model, session);
        }
        finally
        {
            session.Dispose();
        }
    }

    /// <summary>The providers the loaded native library reports, e.g. CPUExecutionProvider.</summary>
    public static IReadOnlyList<string> AvailableProviders() => OrtEnv.Instance().GetAvailableProviders();

    private static ExecutionProvider AppendProvider(SessionOptions session, InferenceOptions options)
    {
        IReadOnlyList<string> available = AvailableProviders();
        ExecutionProvider provider = options.Provider == ExecutionProvider.Auto ? ExecutionProviders.ResolveAuto() : options.Provider;
        (string name, string package) = ExecutionProviders.Known.Where(k => k.Provider == provider).Select(k => (k.OrtName, k.Package)).First();
        if (provider == ExecutionProvider.Cpu)
            return provider;
        if (!available.Contains(name))
            throw new ProviderUnavailableException(provider, package, available);
        try
        {
            switch (provider)
            {
                case ExecutionProvider.Cuda: session.AppendExecutionProvider_CUDA(options.DeviceId); break;
                case ExecutionProvider.DirectML: session.AppendExecutionProvider_DML(options.DeviceId); break;
                case ExecutionProvider.CoreML: session.AppendExecutionProvider_CoreML(); break;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or OnnxRuntimeException or DllNotFoundException)
        {
            throw new ProviderUnavailableException(provider, package, available, e);
        }

        return provider;
    }
}
