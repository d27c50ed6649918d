namespace OnnxAudio.Cli.Tests;

/// <summary>'onnxaudio providers' and --provider with the CPU-only native package this repository builds with.</summary>
public class ProvidersCommandTests
{
    [Fact]
    public void Lists_the_cpu_provider_as_available_and_gpus_with_their_packages()
    {
        var (code, output, _) = CliRunner.Run("providers");
        Assert.Equal(0, code);
        Assert.Matches(@"cpu\s+yes\s+CPUExecutionProvider", output);
        Assert.Matches(@"cuda\s+no\s+CUDAExecutionProvider\s+Microsoft\.ML\.OnnxRuntime\.Gpu", output);
        Assert.Contains("auto -> cpu", output);
    }

    [Theory]
    [InlineData("cuda", "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData("directml", "Microsoft.ML.OnnxRuntime.DirectML")]
    public void A_missing_gpu_provider_names_the_package_to_reference(string provider, string package)
    {
        string clip = Directory.GetFiles(ShippedFolder("samples/kws"), "*.wav")[0];
        var (code, _, error) = CliRunner.Run("recognize", clip, "--provider", provider);
        Assert.Equal(1, code);
        Assert.Contains(package, error);
        Assert.DoesNotContain("EntryPointNotFound", error);
    }

    [Fact]
    public void Auto_says_which_provider_it_used_when_verbose()
    {
        string clip = Directory.GetFiles(ShippedFolder("samples/kws"), "*.wav")[0];
        var (code, output, error) = CliRunner.Run("recognize", clip, "--provider", "auto", "--threads", "1", "--verbose");
        Assert.Equal(0, code);
        Assert.Contains("execution provider: Cpu (auto)", error);
        Assert.Contains(Path.GetFileName(clip), output);
    }

    private static string ShippedFolder(string relative) => ShippedFiles.Path(relative);
}
