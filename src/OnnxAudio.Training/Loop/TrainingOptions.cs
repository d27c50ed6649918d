namespace OnnxAudio.Training.Loop;

/// <summary>Settings of a training run; stored in the checkpoint so a resumed run continues with the same ones.</summary>
public sealed record TrainingOptions
{
    /// <summary>Optimizer steps in the whole run.</summary>
    public int Steps { get; init; } = 1000;

    public int BatchSize { get; init; } = 16;

    /// <summary>Peak learning rate of AdamW.</summary>
    public double LearningRate { get; init; } = 1e-3;

    public double WeightDecay { get; init; } = 1e-2;

    /// <summary>Linear warm-up steps before the cosine decay.</summary>
    public int WarmupSteps { get; init; } = 50;

    /// <summary>The learning rate decays to this fraction of its peak at the last step.</summary>
    public double FinalLearningRateFraction { get; init; } = 0.05;

    /// <summary>Clip the global gradient norm to this value; 0 turns clipping off.</summary>
    public double GradientClipNorm { get; init; } = 1.0;

    /// <summary>Evaluate on held-out data every this many steps (and at the end); 0: only at the end.</summary>
    public int EvaluateEvery { get; init; } = 200;

    /// <summary>Save a resumable checkpoint every this many steps (and at the end).</summary>
    public int CheckpointEvery { get; init; } = 200;

    /// <summary>Also keep the model weights every this many steps in <c>kept/step-N.bin</c> (for <c>average</c>); 0: off.</summary>
    public int KeepEvery { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>The task's data folder (a corpus or the user's dataset), for tasks that read one.</summary>
    public string? Data { get; init; }

    /// <summary>The model architecture, for tasks that offer several.</summary>
    public string? Architecture { get; init; }

    /// <summary>
    /// The loss recipe, for tasks that offer several (restoration: "stft" = MR-STFT − 0.05·SI-SDR, the default, or
    /// "sisdr" = −SI-SDR + MR-STFT, "sisdr-os" adding the over-suppression term, "sisdr-os-stoi" also 10 × a
    /// differentiable STOI, "sisdr-os-stoi50" 50 × it, "sisdr-os-stoi50-pc" that plus a power-law compressed spectral
    /// loss; codec: "reconstruction", the default, or "gan" = reconstruction + a spectrogram
    /// discriminator's hinge and feature-matching losses). May change when a run is resumed; run.json records when.
    /// </summary>
    public string? Loss { get; init; }

    /// <summary>
    /// The synthetic noise a denoising run mixes into its clean speech: "classic" (the default: white, pink, brown, hum,
    /// crackle, babble) or "extended" (also randomly shaped and amplitude-modulated noise). May change on resume.
    /// </summary>
    public string? Noise { get; init; }

    /// <summary>
    /// Keyword spotting: draw training clips balanced by speech source (<see cref="Data.SourceBalancedSampler"/>), each
    /// source's share scaled by its weight ("festival:3", or "all" for 1 each); null draws every clip equally often.
    /// </summary>
    public string? BalanceSources { get; init; }

    /// <summary>
    /// Keyword spotting: the share of training clips resynthesised by <see cref="Data.LpcVocoder"/> (whispered or
    /// monotone, every class alike) before the other augmentation, so that the voice source — natural or synthetic —
    /// does not predict the class; 0 (the default) leaves every clip's voice as it is.
    /// </summary>
    public double VoiceResynthesis { get; init; }

    /// <summary>
    /// Keyword spotting: what the log-mel features are measured against — "absolute" (null, the default: the signal's
    /// scale) or "clip-peak" (the clip's loudest mel value, 60 dB of range: the model never sees the input level).
    /// Part of the exported model's feature metadata; fixed for a run.
    /// </summary>
    public string? LevelReference { get; init; }

    /// <summary>
    /// Warm start: a run (or checkpoint) folder whose model weights initialise this run's model wherever names and shapes
    /// match (e.g. a causal denoiser's weights for its look-ahead variant); the optimizer starts afresh.
    /// </summary>
    public string? InitFrom { get; init; }

    /// <summary>The split held-out metrics are measured on: "validation" while training, "test" for the final figures.</summary>
    public string EvaluationSplit { get; init; } = "validation";

    /// <summary>Folder for checkpoints, logs, plots and the exported model.</summary>
    public string OutputDirectory { get; init; } = "runs/default";

    internal void Validate()
    {
        if (Steps < 1 || BatchSize < 1 || LearningRate <= 0 || WarmupSteps < 0 || CheckpointEvery < 0 || EvaluateEvery < 0 || KeepEvery < 0)
            throw new OnnxAudioException("Training options out of range: steps, batch size and learning rate must be positive.");
    }
}
