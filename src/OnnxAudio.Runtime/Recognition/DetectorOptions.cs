namespace OnnxAudio.Recognition;

/// <summary>Settings of <see cref="KeywordDetector"/>.</summary>
public sealed class DetectorOptions
{
    /// <summary>How far the analysis window moves between classifications.</summary>
    public int HopMs { get; init; } = 100;

    /// <summary>Posteriors are averaged over this many consecutive windows before thresholding.</summary>
    public int SmoothingWindows { get; init; } = 3;

    /// <summary>The threshold for a model that does not state its own (<see cref="IClipClassifier.DetectionThreshold"/>).</summary>
    public const float FallbackThreshold = 0.6f;

    /// <summary>A keyword is detected while its smoothed probability is at least this.</summary>
    public float Threshold { get; init; } = FallbackThreshold;

    /// <summary>Labels never reported (the "other" classes).</summary>
    public IReadOnlyCollection<string> IgnoredLabels { get; init; } = ["_unknown_", "_silence_"];

    internal void Validate()
    {
        if (HopMs < 10 || SmoothingWindows < 1 || Threshold is <= 0 or > 1)
            throw new ArgumentException("Detector options out of range: hop ≥ 10 ms, smoothing ≥ 1 window, 0 < threshold ≤ 1.");
    }
}
