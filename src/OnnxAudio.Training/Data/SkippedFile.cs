namespace OnnxAudio.Training.Data;

/// <summary>A file a reader could not use, and why.</summary>
public sealed record SkippedFile(string Path, string Reason);
