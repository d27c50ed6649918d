using System.CommandLine;
using OnnxAudio.Cli.Commands;
using OnnxAudio.Cli.Commands.Eval;

namespace OnnxAudio.Cli;

/// <summary>The <c>onnxaudio</c> command line: argument parsing, dispatch and the exit-code contract.</summary>
internal static class CliApp
{
    public static readonly Option<bool> VerboseOption = new("--verbose", "-v")
    {
        Description = "Show details, and the stack trace of an error",
        Recursive = true,
    };

    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("OnnxAudio: neural audio compression, restoration and recognition on ONNX Runtime.");
        root.Options.Add(VerboseOption);
        root.Subcommands.Add(InfoCommand.Create(context));
        root.Subcommands.Add(ConvertCommand.Create(context));
        root.Subcommands.Add(RecognizeCommand.Create(context));
        root.Subcommands.Add(RestoreCommand.Create(context));
        root.Subcommands.Add(CodecCommands.Compress(context));
        root.Subcommands.Add(CodecCommands.Decompress(context));
        root.Subcommands.Add(EvalCommand.Create(context));
        root.Subcommands.Add(ProvidersCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(TritonRepositoryCommand.Create(context));
        root.Subcommands.Add(ServeCommand.Create(context));
        return root;
    }

    /// <summary>
    /// Parses and runs; returns 0 on success, 1 on a user error, 2 on a usage error, 130/143 when interrupted by
    /// SIGINT/SIGTERM (<paramref name="interruption"/>), 70 for a bug.
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Interruption? interruption = null)
    {
        var context = new CliContext(stdout, stderr);
        RootCommand root = BuildRoot(context);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                stderr.WriteLine($"onnxaudio: {error.Message}");
            stderr.WriteLine("Run 'onnxaudio --help' for usage.");
            return ExitCodes.UsageError;
        }

        bool verbose = parse.GetValue(VerboseOption);
        try
        {
            // Asynchronous invocation passes the token to the commands (synchronous invocation never cancels it);
            // System.CommandLine's own signal handling is off: Interruption owns the signals.
            return parse.InvokeAsync(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            }, interruption?.Token ?? CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (interruption is { ExitCode: > 0 })
        {
            stderr.WriteLine($"onnxaudio: interrupted by {interruption.SignalName}; finished outputs are kept, unfinished ones removed");
            return interruption.ExitCode;
        }
        catch (Exception e) when (IsUserError(e))
        {
            stderr.WriteLine($"onnxaudio: {StandardInput.Display(OneLine(e.Message))}");
            if (verbose)
                stderr.WriteLine(e);
            return ExitCodes.UserError;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("onnxaudio: cancelled");
            return ExitCodes.UserError;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"onnxaudio: internal error, please report it: {e.GetType().Name}: {OneLine(e.Message)}");
            if (verbose)
                stderr.WriteLine(e);
            return ExitCodes.InternalError;
        }
        finally
        {
            StandardInput.Release();
        }
    }

    private static bool IsUserError(Exception e) =>
        e is OnnxAudioException or IOException or UnauthorizedAccessException;

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
