namespace OnnxAudio.Training.Loop;

/// <summary>Where a run stands, saved beside the model and optimizer weights.</summary>
public sealed class CheckpointState
{
    public int Step { get; set; }

    public int Epoch { get; set; }

    /// <summary>Batches of <see cref="Epoch"/> already consumed.</summary>
    public int BatchInEpoch { get; set; }

    public double ElapsedSeconds { get; set; }

    public int Seed { get; set; }

    public string Task { get; set; } = "";
}
