using System.CommandLine;
using TorchSharp;

namespace OnnxAudio.Training;

/// <summary>The <c>onnxaudio-train</c> command line. Exit codes as in <c>onnxaudio</c>: 0 success, 1 user error, 2 usage error.</summary>
internal static class TrainCli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show details, and the stack trace of an error", Recursive = true };
        var root = new RootCommand("onnxaudio-train: train OnnxAudio models in TorchSharp and export them to ONNX.") { verbose };

        var environment = new Command("env", "Check that TorchSharp and libtorch load here, and print what they report");
        environment.SetAction(_ =>
        {
            using var probe = torch.ones(2, 2);
            stdout.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch loaded, {torch.get_num_threads()} threads");
            stdout.WriteLine($"CUDA available: {torch.cuda.is_available()}");
            stdout.WriteLine($"check: ones(2,2).sum() = {probe.sum().item<float>()}");
            return 0;
        });
        root.Subcommands.Add(environment);

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                stderr.WriteLine($"onnxaudio-train: {error.Message}");
            stderr.WriteLine("Run 'onnxaudio-train --help' for usage.");
            return 2;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is OnnxAudioException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"onnxaudio-train: {e.Message.ReplaceLineEndings(" ")}");
            if (parse.GetValue(verbose))
                stderr.WriteLine(e);
            return 1;
        }
    }
}
