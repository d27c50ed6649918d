using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Audio;
using OnnxAudio.Training.Compression;
using OnnxAudio.Training.Losses;
using OnnxAudio.Training.Models;
using OnnxAudio.Training.Tests.Compression;
using OnnxAudio.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Losses;

public sealed class AdversarialLossTests : IDisposable
{
    private static readonly SpectrogramDiscriminatorConfig Small = new([(256, 64), (128, 32)], Channels: 8);
    private static readonly AdversarialSettings Quick = new(Examples: 4, CropSamples: 4000, LearningRate: 1e-3);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "onnxaudio-gan-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Hinge_losses_match_hand_computed_values()
    {
        // Real logits 2 and −0.5: max(0, 1 − 2) = 0, max(0, 1.5) = 1.5 → 0.75. Fake −2 and 0.5: max(0, −1) = 0, 1.5 → 0.75.
        Tensor real = tensor(new[] { 2f, -0.5f }), fake = tensor(new[] { -2f, 0.5f });
        Assert.Equal(1.5f, AdversarialLoss.DiscriminatorHinge([real], [fake]).item<float>(), 5);
        // The generator wants D(fake) ≥ 1: max(0, 3) = 3, max(0, 0.5) = 0.5 → 1.75; averaged over two equal sub-discriminators.
        Assert.Equal(1.75f, AdversarialLoss.GeneratorHinge([fake, fake]).item<float>(), 5);
    }

    [Fact]
    public void Feature_matching_is_relative_to_the_real_features()
    {
        Tensor real = tensor(new[] { 2f, -2f }), half = tensor(new[] { 1f, -1f });
        // mean |r − f| = 1, mean |r| = 2.
        Assert.Equal(0.5f, AdversarialLoss.FeatureMatching([[real]], [[half]]).item<float>(), 5);
        Assert.Equal(0f, AdversarialLoss.FeatureMatching([[real]], [[real.clone()]]).item<float>(), 6);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Discriminator_learns_to_tell_speech_like_signals_from_noise_and_the_generator_loss_has_gradients()
    {
        using var loss = new AdversarialLoss(Small, Quick);
        Tensor real = stack(Enumerable.Range(0, 4).Select(i => tensor(Signals.Speechlike(8000, i))).ToArray());
        torch.manual_seed(3);
        Tensor fake = randn(4, 8000) * 0.05;
        double first = 0;
        for (int step = 0; step < 40; step++)
        {
            using var scope = NewDisposeScope();
            loss.Compute(fake, real);
            if (step == 0)
                first = loss.LastDiscriminatorLoss;
        }

        Assert.True(loss.LastDiscriminatorLoss < first * 0.5, $"discriminator loss {first} → {loss.LastDiscriminatorLoss}");
        DiscriminatorOutput onReal = loss.Discriminator.forward(real), onFake = loss.Discriminator.forward(fake);
        for (int i = 0; i < onReal.Logits.Count; i++)
            Assert.True(onReal.Logits[i].mean().item<float>() > onFake.Logits[i].mean().item<float>());

        // The generator's loss reaches the estimate, and adds nothing to the gradients of the discriminator's own step.
        Tensor estimate = fake.clone().requires_grad_(true);
        Tensor generatorLoss = loss.Compute(estimate, real);
        Tensor[] afterDiscriminatorStep = loss.Discriminator.parameters().Select(p => p.grad!.clone()).ToArray();
        generatorLoss.backward();
        Assert.True(estimate.grad!.abs().sum().item<float>() > 0);
        Assert.All(loss.Discriminator.parameters().Zip(afterDiscriminatorStep), pair => Assert.Equal(0f, (pair.First.grad! - pair.Second).abs().max().item<float>()));
    }

    [Fact]
    public void Saved_discriminator_and_optimizer_load_into_a_fresh_one()
    {
        Directory.CreateDirectory(_folder);
        Tensor real = tensor(Signals.Speechlike(8000, 1)).reshape(1, 8000), probe = tensor(Signals.Speechlike(8000, 2)).reshape(1, 8000);
        using var trained = new AdversarialLoss(Small, Quick with { Seed = 1 });
        trained.Compute(real * 0.5f, real);
        trained.Save(_folder);
        using var fresh = new AdversarialLoss(Small, Quick with { Seed = 2 });
        Tensor before = fresh.Discriminator.forward(probe).Logits[0];
        Assert.True(fresh.Load(_folder));
        Tensor expected = trained.Discriminator.forward(probe).Logits[0], loaded = fresh.Discriminator.forward(probe).Logits[0];
        Assert.True((expected - before).abs().max().item<float>() > 1e-3, "two discriminators should start apart");
        Assert.Equal(0f, (expected - loaded).abs().max().item<float>());
        using var none = new AdversarialLoss(Small, Quick);
        Assert.False(none.Load(Path.Combine(_folder, "missing")));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Gan_codec_run_checkpoints_its_discriminator_and_resumes()
    {
        foreach (string split in new[] { "train", "validation" })
        {
            Directory.CreateDirectory(Path.Combine(_folder, "data", split));
            for (int i = 0; i < 3; i++)
                AudioFile.WriteMono(Path.Combine(_folder, "data", split, $"s{i}.wav"), Signals.Speechlike(20_000, i + (split == "train" ? 0 : 10)), 16000);
        }

        var options = new TrainingOptions
        {
            Steps = 2, BatchSize = 2, WarmupSteps = 1, EvaluateEvery = 0, CheckpointEvery = 2, Seed = 1, Architecture = "small",
            Data = Path.Combine(_folder, "data"), OutputDirectory = Path.Combine(_folder, "run"), Loss = "gan",
        };
        using (var task = new CodecTask(options))
            new Trainer<WaveformBatch>(task, options, TextWriter.Null).Run();
        string checkpoint = Path.Combine(options.OutputDirectory, "checkpoint");
        Assert.True(File.Exists(Path.Combine(checkpoint, "discriminator.bin")));
        Assert.True(File.Exists(Path.Combine(checkpoint, "discriminator-optimizer.bin")));

        var more = options with { Steps = 3 };
        using (var task = new CodecTask(more))
            Assert.Equal(3, new Trainer<WaveformBatch>(task, more, TextWriter.Null).Run(resume: true).Steps);
        Assert.Throws<OnnxAudioException>(() => new CodecTask(options with { Loss = "sisdr" }));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
