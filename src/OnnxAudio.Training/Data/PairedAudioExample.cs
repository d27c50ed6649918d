namespace OnnxAudio.Training.Data;

/// <summary>A noisy recording and its clean reference, equally long, mono at the dataset's rate.</summary>
public sealed record PairedAudioExample(string NoisyPath, float[] Noisy, float[] Clean);
