using OnnxAudio.Restoration;
using OnnxAudio.Training.Models;
using OnnxAudio.Training.Restoration;
using OnnxAudio.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Restoration;

/// <summary>The look-ahead denoiser's architecture names and its warm start from a causal model's checkpoint.</summary>
public class LookAheadTests
{
    [Theory]
    [InlineData("base", 192, 0)]
    [InlineData("base-la1", 192, 1)]
    [InlineData("SMALL-LA2", 128, 2)]
    [InlineData("large", 256, 0)]
    public void Architecture_names_give_width_and_look_ahead(string name, int hidden, int lookAhead)
    {
        SpectralMaskConfig config = RestorationTask.ParseArchitecture(name, RestorationKind.Denoise);
        Assert.Equal(hidden, config.Hidden);
        Assert.Equal(lookAhead, config.LookAhead);
    }

    [Theory]
    [InlineData("base-la3")]
    [InlineData("base-la")]
    [InlineData("huge-la1")]
    public void Unknown_architectures_are_refused(string name)
    {
        var e = Assert.Throws<OnnxAudioException>(() => RestorationTask.ParseArchitecture(name, RestorationKind.Denoise));
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Look_ahead_adds_one_bins_by_hidden_projection_that_starts_at_zero()
    {
        using var causal = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 24));
        using var ahead = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 24, LookAhead: 1));
        Assert.Equal(causal.ParameterCount + 161 * 24, ahead.ParameterCount);
        Tensor weight = ahead.named_parameters().Single(p => p.name == "lookahead.weight").parameter;
        Assert.Equal(0f, weight.abs().max().item<float>());
    }

    [Theory]
    [InlineData(0, "1", "unexpected model signature")]   // a causal graph that claims look-ahead lacks spectrum_cache
    [InlineData(1, "0", "unexpected model signature")]   // a look-ahead graph that claims none has an extra input
    [InlineData(1, "-1", "invalid look_ahead_frames '-1'")]
    [InlineData(1, "99", "invalid look_ahead_frames '99'")]
    public void Restorer_refuses_look_ahead_metadata_that_does_not_fit_the_graph(int lookAhead, string claimed, string expected)
    {
        using var model = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 8, LookAhead: lookAhead));
        var graph = RestorationTask.CreateGraph(model, RestorationKind.Denoise);
        graph.Metadata["look_ahead_frames"] = claimed;
        var e = Assert.Throws<OnnxAudioException>(() => OnnxAudio.Restoration.Restorer.Load(graph.ToBytes(), "bad-denoiser"));
        Assert.Contains("bad-denoiser", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Warm_start_copies_every_shared_weight_and_leaves_the_new_projection_at_zero()
    {
        string folder = Path.Combine(Path.GetTempPath(), "onnxaudio-warm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            torch.manual_seed(3);
            using var causal = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 24));
            causal.save(Path.Combine(folder, "model.bin"));
            torch.manual_seed(4);
            using var ahead = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 24, LookAhead: 1));

            IReadOnlyList<string> fresh = Checkpoint.LoadCompatible(folder, ahead);

            Assert.Equal(["lookahead.weight"], fresh);
            var source = causal.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, parameter) in ahead.named_parameters())
            {
                if (name == "lookahead.weight")
                    Assert.Equal(0f, parameter.abs().max().item<float>());
                else
                    Assert.True(parameter.allclose(source[name], rtol: 0, atol: 0), $"{name} was not copied");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Warm_start_from_a_missing_or_unrelated_checkpoint_names_the_problem()
    {
        string folder = Path.Combine(Path.GetTempPath(), "onnxaudio-warm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var model = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 24, LookAhead: 1));
            var missing = Assert.Throws<OnnxAudioException>(() => Checkpoint.LoadCompatible(folder, model));
            Assert.Contains(folder, missing.Message);

            using (var other = nn.Sequential(("conv", nn.Conv1d(3, 4, 5))))
                other.save(Path.Combine(folder, "model.bin"));
            var unrelated = Assert.Throws<OnnxAudioException>(() => Checkpoint.LoadCompatible(folder, model));
            Assert.Contains("model.bin", unrelated.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
