using OnnxAudio.Training.Models;
using OnnxAudio.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Loop;

/// <summary>Averaging checkpoints' weights: the mean of every parameter, and clear refusals.</summary>
public class CheckpointAverageTests
{
    private static string NewFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "onnxaudio-average-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    [Fact]
    public void Every_parameter_becomes_the_mean_of_the_files()
    {
        string folder = NewFolder();
        try
        {
            var files = new List<string>();
            var weights = new List<Dictionary<string, float[]>>();
            for (int i = 0; i < 3; i++)
            {
                torch.manual_seed(10 + i);
                using var m = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 8));
                files.Add(Path.Combine(folder, $"{i}.bin"));
                m.save(files[^1]);
                weights.Add(m.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray()));
            }

            using var model = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 8));
            Checkpoint.AverageWeights(model, files);

            foreach (var (name, parameter) in model.named_parameters())
            {
                float[] actual = parameter.data<float>().ToArray();
                for (int k = 0; k < actual.Length; k++)
                    Assert.Equal((weights[0][name][k] + weights[1][name][k] + weights[2][name][k]) / 3, actual[k], 5);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Batch_norm_statistics_are_averaged_and_its_counter_kept()
    {
        // The keyword DS-CNN has batch norms: running means and variances (float) and num_batches_tracked (long).
        string folder = NewFolder();
        try
        {
            var files = new List<string>();
            var states = new List<Dictionary<string, float[]>>();
            long lastCount = 0;
            for (int i = 0; i < 3; i++)
            {
                torch.manual_seed(20 + i);
                using var m = KwsModels.Create(KwsArchitecture.DsCnn, new KwsModelConfig(40, 22));
                m.train();
                using (no_grad())
                    for (int b = 0; b <= i; b++)
                        m.forward(randn(4, 40, 101) * (1 + i)).Dispose();
                files.Add(Path.Combine(folder, $"{i}.bin"));
                m.save(files[^1]);
                var floats = m.state_dict().Where(p => p.Value.is_floating_point()).ToDictionary(p => p.Key, p => p.Value.data<float>().ToArray());
                states.Add(floats);
                lastCount = m.state_dict().First(p => p.Key.EndsWith("num_batches_tracked")).Value.item<long>();
            }

            using var model = KwsModels.Create(KwsArchitecture.DsCnn, new KwsModelConfig(40, 22));
            Checkpoint.AverageWeights(model, files);

            Assert.Contains(states[0].Keys, k => k.EndsWith("running_mean"));
            foreach (var (name, value) in model.state_dict())
            {
                if (!value.is_floating_point())
                {
                    Assert.Equal(lastCount, value.item<long>());
                    continue;
                }

                float[] actual = value.data<float>().ToArray();
                for (int k = 0; k < actual.Length; k++)
                    Assert.Equal((states[0][name][k] + states[1][name][k] + states[2][name][k]) / 3, actual[k], 4);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Missing_foreign_or_too_few_files_are_refused_by_name()
    {
        string folder = NewFolder();
        try
        {
            string good = Path.Combine(folder, "good.bin"), foreign = Path.Combine(folder, "foreign.bin"), missing = Path.Combine(folder, "missing.bin");
            using (var m = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 8)))
                m.save(good);
            using (var other = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 12)))
                other.save(foreign);
            using var model = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 8));

            Assert.Contains("at least two", Assert.Throws<OnnxAudioException>(() => Checkpoint.AverageWeights(model, [good])).Message);
            Assert.Contains(missing, Assert.Throws<OnnxAudioException>(() => Checkpoint.AverageWeights(model, [good, missing])).Message);
            Assert.Contains(foreign, Assert.Throws<OnnxAudioException>(() => Checkpoint.AverageWeights(model, [good, foreign])).Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_mean_of_kept_snapshots_counts_the_steps_of_the_latest_one()
    {
        string run = Path.Combine("runs", "r");
        string Kept(int step) => Path.Combine(run, "kept", $"step-{step}.bin");
        Assert.Equal(4000, Checkpoint.LatestKeptStep(run, [Kept(2000), Kept(4000), Kept(3000)]));
        Assert.Equal(4000, Checkpoint.LatestKeptStep(run + "/", [Path.GetFullPath(Kept(4000)), Kept(2000)]));
        // Anything else (another run's snapshots, a checkpoint's model.bin, a renamed file) leaves the run's own step.
        Assert.Null(Checkpoint.LatestKeptStep(run, [Kept(2000), Path.Combine("runs", "other", "kept", "step-3000.bin")]));
        Assert.Null(Checkpoint.LatestKeptStep(run, [Kept(2000), Path.Combine(run, "checkpoint", "model.bin")]));
        Assert.Null(Checkpoint.LatestKeptStep(run, [Kept(2000), Path.Combine(run, "kept", "step-3000-copy.bin")]));
    }
}
