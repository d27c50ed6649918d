namespace OnnxAudio.Training.Recognition;

/// <summary>A batch of log-mel features [batch, mels, frames] and labels.</summary>
public sealed record ToneBatch(float[] Features, long[] Shape, long[] Labels);
