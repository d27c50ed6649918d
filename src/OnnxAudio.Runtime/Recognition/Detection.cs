namespace OnnxAudio.Recognition;

/// <summary>A keyword found in a stream: when (seconds from the start), what, and its highest smoothed probability.</summary>
public readonly record struct Detection(double Start, double End, string Label, float Score);
