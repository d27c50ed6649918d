using OnnxAudio.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Losses;

/// <summary>Weights and optimizer settings of <see cref="AdversarialLoss"/>.</summary>
/// <param name="AdversarialWeight">Weight of the generator's hinge loss in the task's loss.</param>
/// <param name="FeatureMatchingWeight">Weight of the feature-matching loss.</param>
/// <param name="LearningRate">The discriminator's AdamW learning rate (constant).</param>
/// <param name="Examples">The discriminator judges the first this many examples of a batch…</param>
/// <param name="CropSamples">…cut to this many samples at a random offset (the same for estimate and reference): the GAN
/// losses cost a fraction of a full batch, which keeps a CPU step at about twice a reconstruction step.</param>
/// <param name="Seed">Seed of the crop offsets (the discriminator's initial weights come from torch's generator, which
/// the task has seeded).</param>
public sealed record AdversarialSettings(
    double AdversarialWeight = 0.1, double FeatureMatchingWeight = 0.2, double LearningRate = 2e-4, int Examples = 6, int CropSamples = 8000, int Seed = 1);

/// <summary>
/// GAN training of a waveform generator against a <see cref="SpectrogramDiscriminator"/>, with the hinge losses and
/// relative feature matching of EnCodec (Défossez et al. 2022, eq. 2–3). <see cref="Compute"/> first updates the
/// discriminator on (reference, detached estimate) — a random crop of a few examples, see
/// <see cref="AdversarialSettings"/> — with its own optimizer, then returns the generator's weighted
/// adversarial + feature-matching loss, for the task to add to its reconstruction loss. The discriminator and its
/// optimizer state are saved beside the run's checkpoint (<see cref="Save"/>/<see cref="Load"/>), so a GAN run resumes.
/// </summary>
public sealed class AdversarialLoss : IDisposable
{
    private const string ModelFile = "discriminator.bin", OptimizerFile = "discriminator-optimizer.bin";
    private readonly SpectrogramDiscriminator _discriminator;
    private readonly optim.Optimizer _optimizer;
    private readonly AdversarialSettings _settings;
    private readonly Random _crops;

    public AdversarialLoss(SpectrogramDiscriminatorConfig config, AdversarialSettings settings)
    {
        _discriminator = new SpectrogramDiscriminator(config);
        _crops = new Random(settings.Seed);
        _optimizer = optim.AdamW(_discriminator.parameters(), settings.LearningRate, beta1: 0.8, beta2: 0.99, weight_decay: 0.01);
        _settings = settings;
    }

    public SpectrogramDiscriminator Discriminator => _discriminator;

    /// <summary>The discriminator's loss at the last <see cref="Compute"/> (its hinge loss on real and fake).</summary>
    public double LastDiscriminatorLoss { get; private set; }

    /// <summary>One discriminator step, then the generator's adversarial loss of <paramref name="estimate"/> [B, N] against <paramref name="reference"/> [B, N].</summary>
    public Tensor Compute(Tensor estimate, Tensor reference)
    {
        long examples = Math.Min(_settings.Examples, estimate.shape[0]), length = Math.Min(_settings.CropSamples, estimate.shape[1]);
        long offset = _crops.NextInt64(estimate.shape[1] - length + 1);
        estimate = estimate.narrow(0, 0, examples).narrow(1, offset, length);
        reference = reference.narrow(0, 0, examples).narrow(1, offset, length);
        SetTrainable(true);
        DiscriminatorOutput real = _discriminator.forward(reference);
        DiscriminatorOutput fake = _discriminator.forward(estimate.detach());
        Tensor discriminatorLoss = DiscriminatorHinge(real.Logits, fake.Logits);
        _optimizer.zero_grad();
        discriminatorLoss.backward();
        _optimizer.step();
        LastDiscriminatorLoss = discriminatorLoss.item<float>();

        // The generator's gradients flow through the discriminator without training it.
        SetTrainable(false);
        DiscriminatorOutput judged = _discriminator.forward(estimate);
        Tensor adversarial = GeneratorHinge(judged.Logits);
        Tensor matching = FeatureMatching(real.Features, judged.Features);
        return adversarial * _settings.AdversarialWeight + matching * _settings.FeatureMatchingWeight;
    }

    /// <summary>mean over sub-discriminators of E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))].</summary>
    public static Tensor DiscriminatorHinge(IReadOnlyList<Tensor> real, IReadOnlyList<Tensor> fake)
    {
        Tensor total = zeros(1);
        for (int i = 0; i < real.Count; i++)
            total = total + nn.functional.relu(1 - real[i]).mean() + nn.functional.relu(1 + fake[i]).mean();
        return (total / real.Count).squeeze();
    }

    /// <summary>mean over sub-discriminators of E[max(0, 1 − D(G(z)))].</summary>
    public static Tensor GeneratorHinge(IReadOnlyList<Tensor> fake)
    {
        Tensor total = zeros(1);
        foreach (Tensor logits in fake)
            total = total + nn.functional.relu(1 - logits).mean();
        return (total / fake.Count).squeeze();
    }

    /// <summary>Relative feature matching: mean over every layer of ‖f(x) − f(G(z))‖₁ / mean |f(x)|, real features held fixed.</summary>
    public static Tensor FeatureMatching(IReadOnlyList<IReadOnlyList<Tensor>> real, IReadOnlyList<IReadOnlyList<Tensor>> fake)
    {
        Tensor total = zeros(1);
        int layers = 0;
        for (int i = 0; i < real.Count; i++)
            for (int j = 0; j < real[i].Count; j++, layers++)
            {
                Tensor r = real[i][j].detach();
                total = total + (r - fake[i][j]).abs().mean() / r.abs().mean().clamp_min(1e-5);
            }

        return (total / layers).squeeze();
    }

    private void SetTrainable(bool trainable)
    {
        foreach (var p in _discriminator.parameters())
            p.requires_grad = trainable;
    }

    /// <summary>Writes the discriminator and its optimizer state into a checkpoint folder.</summary>
    public void Save(string folder)
    {
        _discriminator.save(Path.Combine(folder, ModelFile));
        ((TorchSharp.Modules.OptimizerHelper)_optimizer).save_state_dict(Path.Combine(folder, OptimizerFile));
    }

    /// <summary>Restores them from a checkpoint folder; false (a fresh discriminator) if the checkpoint has none — a run switched to GAN training.</summary>
    public bool Load(string folder)
    {
        string model = Path.Combine(folder, ModelFile), optimizer = Path.Combine(folder, OptimizerFile);
        if (!File.Exists(model) || !File.Exists(optimizer))
            return false;
        _discriminator.load(model);
        ((TorchSharp.Modules.OptimizerHelper)_optimizer).load_state_dict(optimizer);
        return true;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _discriminator.Dispose();
    }
}
