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
}
