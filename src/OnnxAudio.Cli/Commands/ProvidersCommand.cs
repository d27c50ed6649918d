using System.CommandLine;
using OnnxAudio.Onnx;

namespace OnnxAudio.Cli.Commands;

/// <summary><c>onnxaudio providers</c>: which execution providers this machine's ONNX Runtime native library offers.</summary>
internal static class ProvidersCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("providers", "List the execution providers this machine can use");
        command.SetAction(_ =>
        {
            TextWriter o = context.Out;
            o.WriteLine($"{"provider",-10} {"available",-10} {"ONNX Runtime name",-26} package");
            foreach (ExecutionProviderInfo p in ExecutionProviders.List())
                o.WriteLine($"{p.Provider.ToString().ToLowerInvariant(),-10} {(p.Available ? "yes" : "no"),-10} {p.OrtName,-26} {p.Package}");
            o.WriteLine($"auto -> {ExecutionProviders.ResolveAuto().ToString().ToLowerInvariant()}");
            var others = ExecutionProviders.NativeNames().Except(ExecutionProviders.List().Select(p => p.OrtName)).ToArray();
            if (others.Length > 0)
                o.WriteLine($"also in the native library (not selectable here): {string.Join(", ", others)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
