namespace OnnxAudio.Cli.Tests.Packaging;

/// <summary>
/// The README's NativeAOT publish, as a user runs it: no trimming or AOT warnings, a folder holding only the binary,
/// libonnxruntime.so and the models, a binary under 16 MB (4.7 MB before it carried the ONNX graph builder, protobuf,
/// Kestrel and the gRPC server and client for triton-repository, serve and --server), and inference commands that work from it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class NativeAotPublishTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "onnxaudio-aot-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Published_binary_is_small_alone_and_runs_the_inference_commands()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
            return;   // the README's command targets linux-x64
        string root = ExternalProcess.RepositoryRoot();
        string publish = Path.Combine(_folder, "publish");
        var (code, output) = ExternalProcess.Run(root, "dotnet", "publish", "src/OnnxAudio.Cli", "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", publish);
        Assert.True(code == 0, output);
        Assert.DoesNotMatch(@"warning (IL|NETSDK)\d+", output);

        string[] top = Directory.GetFileSystemEntries(publish).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(["libonnxruntime.so", "models", "onnxaudio"], top);
        long size = new FileInfo(Path.Combine(publish, "onnxaudio")).Length;
        Assert.True(size < 16_000_000, $"the binary is {size:N0} bytes");

        string binary = Path.Combine(publish, "onnxaudio");
        string clip = Path.Combine(root, "models", "samples", "kws", "seven_en-gb-x-rp_Andy.wav");
        string noisy = Directory.GetFiles(Path.Combine(root, "models", "samples", "speech"), "*_noisy.wav").Order(StringComparer.Ordinal).First();
        (code, output) = ExternalProcess.Run(_folder, binary, "recognize", clip);
        Assert.True(code == 0 && output.Contains(": seven "), output);
        (code, output) = ExternalProcess.Run(_folder, binary, "restore", noisy, Path.Combine(_folder, "clean.wav"));
        Assert.True(code == 0 && File.Exists(Path.Combine(_folder, "clean.wav")), output);
        (code, output) = ExternalProcess.Run(_folder, binary, "compress", noisy, Path.Combine(_folder, "a.oac"), "--kbps", "1.5");
        Assert.True(code == 0, output);
        (code, output) = ExternalProcess.Run(_folder, binary, "decompress", Path.Combine(_folder, "a.oac"), Path.Combine(_folder, "a.wav"));
        Assert.True(code == 0 && File.Exists(Path.Combine(_folder, "a.wav")), output);
        (code, output) = ExternalProcess.Run(_folder, binary, "providers");
        Assert.True(code == 0 && output.Contains("CPUExecutionProvider"), output);
        (code, output) = ExternalProcess.Run(_folder, binary, "restore", noisy, Path.Combine(_folder, "gpu.wav"), "--provider", "cuda");
        Assert.True(code == 1 && output.Contains("Microsoft.ML.OnnxRuntime.Gpu"), output);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
