using System.Diagnostics;

namespace OnnxAudio.Cli.Tests;

/// <summary>
/// The CLI's ONNX Runtime native package is chosen by the MSBuild property OnnxRuntimeFlavor. The GPU packages are not in
/// this machine's registry, so the switch is checked by evaluating the project (no restore), not by building it.
/// </summary>
[Trait("Category", "Slow")]
public class NativePackageSwitchTests
{
    [Theory]
    [InlineData(null, "Microsoft.ML.OnnxRuntime")]
    [InlineData("Cpu", "Microsoft.ML.OnnxRuntime")]
    [InlineData("Cuda", "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData("DirectML", "Microsoft.ML.OnnxRuntime.DirectML")]
    public void Each_flavour_references_exactly_its_native_package(string? flavour, string expected)
    {
        string output = MsBuild("-getItem:PackageReference", flavour is null ? null : $"-p:OnnxRuntimeFlavor={flavour}");
        string[] onnxRuntime = System.Text.RegularExpressions.Regex.Matches(output, "\"Identity\": \"(Microsoft\\.ML\\.OnnxRuntime[^\"]*)\"")
            .Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal([expected], onnxRuntime);
    }

    [Fact]
    public void An_unknown_flavour_fails_the_build_with_a_clear_message()
    {
        string output = MsBuild("-t:CheckOnnxRuntimeFlavor", "-p:OnnxRuntimeFlavor=Vulkan", expectFailure: true);
        Assert.Contains("OnnxRuntimeFlavor must be Cpu, Cuda or DirectML, not 'Vulkan'", output);
    }

    private static string MsBuild(string what, string? property, bool expectFailure = false)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string? a in new[] { "msbuild", Project(), what, property, "-nologo" })
            if (a is not null)
                info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(expectFailure ? process.ExitCode != 0 : process.ExitCode == 0, output);
        return output;
    }

    private static string Project() => RepositoryFiles.Path("src/OnnxAudio.Cli/OnnxAudio.Cli.csproj");
}
