using System.Diagnostics;

namespace OnnxAudio.Tests.Dsp;

/// <summary>
/// Runs every DSP and audio test once more with hardware intrinsics disabled (DOTNET_EnableHWIntrinsic=0), so the
/// non-SIMD paths of Vector&lt;T&gt; and TensorPrimitives are checked against the same references.
/// </summary>
public class ScalarFallbackTests
{
    private const string Marker = "ONNXAUDIO_SCALAR_RERUN";

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Dsp_tests_pass_without_hardware_intrinsics()
    {
        if (Environment.GetEnvironmentVariable(Marker) == "1")
            return; // this is the re-run itself
        string assembly = typeof(ScalarFallbackTests).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "test", assembly, "--filter", "FullyQualifiedName~OnnxAudio.Tests.Dsp|FullyQualifiedName~OnnxAudio.Tests.Audio.Resampler" })
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_EnableHWIntrinsic"] = "0";
        start.Environment[Marker] = "1";
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("Passed!", output);
    }
}
