namespace OnnxAudio.Recognition;

/// <summary>
/// What <see cref="KeywordDetector"/> needs of a classifier: the clip it looks at, its labels, and the probability of
/// every label for one clip. <see cref="AudioClassifier"/> runs a model in-process; a client package may implement it
/// over a model server.
/// </summary>
public interface IClipClassifier
{
    int SampleRate { get; }

    /// <summary>Samples per clip.</summary>
    int ClipSamples { get; }

    IReadOnlyList<string> Labels { get; }

    /// <summary>The streaming detection threshold the model was calibrated for (<see cref="DetectorOptions.FallbackThreshold"/> if none).</summary>
    float DetectionThreshold => DetectorOptions.FallbackThreshold;

    /// <summary>Writes the probability of every label (in <see cref="Labels"/> order) for one clip of mono samples.</summary>
    void Probabilities(ReadOnlySpan<float> samples, Span<float> probabilities);
}
