using System.CommandLine;
using OnnxAudio.Onnx;

namespace OnnxAudio.Cli;

/// <summary>The options every model-running command shares: execution provider, device, threads, graph optimisation and the optimised-model cache.</summary>
internal sealed class InferenceArguments
{
    private readonly Option<ExecutionProvider> _provider = new("--provider")
    {
        Description = "Execution provider: auto (the best the native library has), cpu, cuda, directml or coreml",
        DefaultValueFactory = _ => ExecutionProvider.Auto,
    };

    private readonly Option<int> _device = new("--device") { Description = "GPU index for cuda and directml", DefaultValueFactory = _ => 0 };
    private readonly Option<int> _threads = new("--threads") { Description = "ONNX Runtime threads per model call (0: one per core)", DefaultValueFactory = _ => 0 };

    private readonly Option<GraphOptimization> _optimization = new("--graph-optimization")
    {
        Description = "How much ONNX Runtime optimises each model at load: none, basic, extended or all",
        DefaultValueFactory = _ => GraphOptimization.All,
    };

    private readonly Option<string?> _cache = new("--model-cache")
    {
        Description = "Folder for optimised models: the first run saves them, later runs start without re-optimising",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_provider);
        command.Options.Add(_device);
        command.Options.Add(_threads);
        command.Options.Add(_optimization);
        command.Options.Add(_cache);
    }

    public InferenceOptions Read(ParseResult parse)
    {
        int threads = parse.GetValue(_threads);
        if (threads is < 0 or > InferenceOptions.MaxThreads)
            throw new OnnxAudioException($"--threads must lie between 0 (one per core) and {InferenceOptions.MaxThreads}, not {threads}");
        if (parse.GetValue(_device) < 0)
            throw new OnnxAudioException("--device must not be negative");
        if (parse.GetValue(_cache) is string cache)
            RequireWritableFolder(cache);
        return new InferenceOptions
        {
            Provider = parse.GetValue(_provider),
            DeviceId = parse.GetValue(_device),
            IntraOpThreads = threads,
            GraphOptimization = parse.GetValue(_optimization),
            OptimizedModelCache = parse.GetValue(_cache),
        };
    }

    /// <summary>The model cache must be usable: a folder that cannot be written is an error, not silently ignored.</summary>
    private static void RequireWritableFolder(string folder)
    {
        string probe = Path.Combine(folder, $".onnxaudio-write-test-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxAudioException($"{folder}: the --model-cache folder cannot be written: {e.Message}");
        }
    }

    /// <summary>With --provider auto, says on standard error which provider was picked (only with --verbose, to keep output clean).</summary>
    public static void ReportChoice(CliContext context, ParseResult parse, InferenceOptions options, ExecutionProvider used)
    {
        if (options.Provider == ExecutionProvider.Auto && parse.GetValue(CliApp.VerboseOption))
            context.Error.WriteLine($"onnxaudio: execution provider: {used} (auto)");
    }
}
