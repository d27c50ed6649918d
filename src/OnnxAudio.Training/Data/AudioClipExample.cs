namespace OnnxAudio.Training.Data;

/// <summary>Mono samples at the dataset's rate, with where they came from and (for labelled sets) their label.</summary>
public sealed record AudioClipExample(string Path, float[] Samples, string? Label = null, int LabelIndex = -1);
