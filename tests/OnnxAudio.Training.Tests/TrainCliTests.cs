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
    [InlineData("train", "--task", "kws", "--out", "x", "--voice-resynthesis", "1.5")]
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
    public void A_folder_of_averaged_weights_is_refused_by_resume_and_its_settings_stay_as_they_were()
    {
        string folder = Path.Combine(Path.GetTempPath(), "onnxaudio-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            new OnnxAudio.Training.Loop.RunSettings { Task = "denoise", Command = "onnxaudio-train average", Options = new() { Steps = 10 } }.Save(folder);
            using (var model = new OnnxAudio.Training.Models.SpectralMaskDenoiser(new OnnxAudio.Training.Models.SpectralMaskConfig(Hidden: 8)))
                OnnxAudio.Training.Loop.Checkpoint.SaveWeights(Path.Combine(folder, "checkpoint"), model, new() { Step = 10, Task = "denoise" });
            string before = File.ReadAllText(Path.Combine(folder, "run.json"));

            var (code, _, error) = Run("resume", "--out", folder, "--steps", "20");

            Assert.Equal(1, code);
            Assert.Contains("weights only", error);
            Assert.Equal(before, File.ReadAllText(Path.Combine(folder, "run.json")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
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
