namespace OnnxAudio.Cli.Tests;

public class CommandLineTests
{
    [Theory]
    [InlineData("info")]
    [InlineData("info", "--bogus", "x.wav")]
    [InlineData("frobnicate")]
    [InlineData("convert", "a.wav")]
    [InlineData("convert", "a.wav", "b.wav", "--rate", "12")]
    public void Usage_errors_exit_with_2(params string[] args)
    {
        var (code, output, error) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("onnxaudio --help", error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("info", "--help")]
    [InlineData("convert", "--help")]
    [InlineData("demo", "--help")]
    public void Every_command_has_help(params string[] args)
    {
        var (code, output, _) = CliRunner.Run(args);
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output);
    }
}
