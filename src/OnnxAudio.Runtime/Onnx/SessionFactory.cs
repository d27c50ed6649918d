using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace OnnxAudio.Onnx;

/// <summary>
/// The one place that turns <see cref="InferenceOptions"/> into an ONNX Runtime session. A provider the native library
/// lacks fails with <see cref="ProviderUnavailableException"/> naming the package to reference, never with
/// EntryPointNotFoundException; options are disposed if any step fails. With
/// <see cref="InferenceOptions.OptimizedModelCache"/>, optimised graphs are saved once and loaded without re-optimising.
/// </summary>
internal static class SessionFactory
{
    public static InferenceSession Create(byte[] model, InferenceOptions options, out ExecutionProvider used)
    {
        options.Validate();
        var session = new SessionOptions { GraphOptimizationLevel = Level(options.GraphOptimization) };
        try
        {
            if (options.IntraOpThreads > 0)
                session.IntraOpNumThreads = options.IntraOpThreads;
            if (options.InterOpThreads > 0)
                session.InterOpNumThreads = options.InterOpThreads;
            used = AppendProvider(session, options);
            return options.OptimizedModelCache is string folder
                ? CreateCached(model, folder, session, options.GraphOptimization, used)
                : new InferenceSession(model, session);
        }
        finally
        {
            session.Dispose();
        }
    }

    /// <summary>Where the optimised form of <paramref name="model"/> is cached: its content hash, provider and level.</summary>
    public static string CachePath(byte[] model, string folder, ExecutionProvider provider, GraphOptimization level) =>
        Path.Combine(folder, $"{Convert.ToHexString(SHA256.HashData(model))[..16]}.{provider}.{level}.onnx".ToLowerInvariant());

    private static InferenceSession CreateCached(byte[] model, string folder, SessionOptions session, GraphOptimization level, ExecutionProvider provider)
    {
        string path = CachePath(model, folder, provider, level);
        if (File.Exists(path))
        {
            GraphOptimizationLevel asConfigured = session.GraphOptimizationLevel;
            try
            {
                session.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
                return new InferenceSession(path, session);
            }
            catch (OnnxRuntimeException)
            {
                // A damaged cache entry (a disk filled up mid-write, another ONNX Runtime version): optimise afresh.
                session.GraphOptimizationLevel = asConfigured;
            }
        }

        // ONNX Runtime writes the optimised graph while it creates the session: into a private file, renamed into
        // place, so that concurrent processes never read a half-written entry. A cache folder that cannot be written
        // is not an error (checked by creating the file first); the model then loads as if there were no cache.
        string temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(folder);
            File.Create(temp).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new InferenceSession(model, session);
        }

        session.OptimizedModelFilePath = temp;
        // ONNX Runtime warns that an ENABLE_ALL graph may hold hardware-specific kernels: known, and why the cache is per machine.
        session.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
        InferenceSession created;
        try
        {
            created = new InferenceSession(model, session);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
        }

        return created;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static GraphOptimizationLevel Level(GraphOptimization level) => level switch
    {
        GraphOptimization.None => GraphOptimizationLevel.ORT_DISABLE_ALL,
        GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
        GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
    };

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
