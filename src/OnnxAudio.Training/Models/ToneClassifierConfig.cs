namespace OnnxAudio.Training.Models;

/// <summary>Hyper-parameters of <see cref="ToneClassifier"/>.</summary>
public sealed record ToneClassifierConfig(int Mels = 40, int Channels = 32, int Classes = 4);
