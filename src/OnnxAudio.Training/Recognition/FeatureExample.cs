namespace OnnxAudio.Training.Recognition;

/// <summary>Log-mel features [mels, frames] of one clip and its class.</summary>
public sealed record FeatureExample(float[] Features, int Frames, int Label);
