using System.Diagnostics;

namespace OnnxAudio.Cli.Tests.Packaging;

/// <summary>Runs a program (dotnet, a published binary) to completion, and finds the repository the tests run in.</summary>
internal static class ExternalProcess
{
    /// <summary>Exit code and everything the program printed (standard output, then standard error); fails after 10 minutes.</summary>
    public static (int Code, string Output) Run(string workingDirectory, string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
            info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish in 10 minutes");
        }

        return (process.ExitCode, output + error.Result);
    }

    public static string RepositoryRoot() => RepositoryFiles.Root;
}
