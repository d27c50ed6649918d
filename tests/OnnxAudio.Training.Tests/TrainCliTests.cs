namespace OnnxAudio.Training.Tests;

public class TrainCliTests
{
    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        return (TrainCli.Run(args, stdout, stderr), stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("train", "--out", "x")]
    [InlineData("frobnicate")]
    [InlineData("export", "--out", "x")]
    public void Usage_errors_exit_with_2(params string[] args) => Assert.Equal(2, Run(args).Code);

    [Fact]
    public void An_unknown_task_or_a_missing_run_is_a_user_error()
    {
        string folder = Path.Combine(Path.GetTempPath(), "onnxaudio-cli-" + Guid.NewGuid().ToString("N"));
        var (code, _, error) = Run("train", "--task", "nope", "--out", folder);
        Assert.Equal(1, code);
        Assert.Contains("unknown task 'nope'", error);
        (code, _, error) = Run("resume", "--out", folder + "-missing");
        Assert.Equal(1, code);
        Assert.Contains("run.json is missing", error);
    }

    [Fact]
    public void Accented_keywords_are_refused_outside_a_keyword_corpus()
    {
        string folder = Path.Combine(Path.GetTempPath(), "onnxaudio-cli-" + Guid.NewGuid().ToString("N"));
        var (code, _, error) = Run("data", "denoise", "--out", folder, "--accented-keywords");
        Assert.Equal(1, code);
        Assert.Contains("--accented-keywords is for keyword corpora", error);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Env_reports_libtorch_and_the_onednn_cap()
    {
        var (code, output, _) = Run("env");
        Assert.Equal(0, code);
        Assert.Contains("libtorch loaded", output);
        Assert.Contains("ONEDNN_MAX_CPU_ISA=SSE41", output);
    }
}
