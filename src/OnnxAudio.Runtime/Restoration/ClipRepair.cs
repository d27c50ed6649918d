namespace OnnxAudio.Restoration;

/// <summary>
/// Clipping detection and the consistency rule of declipping: samples below the clipping level are reliable and kept
/// as they are; clipped samples keep their sign and are at least the level (the true peak was higher). The trainer's
/// <c>ClipConsistency</c> applies the same rule, so the model learns what the runtime does.
/// </summary>
public static class ClipRepair
{
    /// <summary>Relative tolerance below the level at which a sample still counts as clipped.</summary>
    public const float Tolerance = 1e-3f;

    /// <summary>The level to use when nothing was clipped: every sample is reliable, so the output is the input.</summary>
    public const float NoClipping = float.PositiveInfinity;

    /// <summary>
    /// The clipping level of a signal — its peak magnitude — if at least <paramref name="minimumClipped"/> samples sit
    /// at that peak (within <see cref="Tolerance"/>), as clipped audio does; otherwise <c>null</c> (no clipping seen).
    /// </summary>
    public static float? DetectLevel(ReadOnlySpan<float> signal, int minimumClipped = 3)
    {
        var detector = new ClipLevelDetector();
        detector.Observe(signal);
        return detector.Level(minimumClipped);
    }

    /// <summary>True if <paramref name="input"/> counts as clipped at <paramref name="level"/> (never at <see cref="NoClipping"/>).</summary>
    public static bool IsClipped(float input, float level) => level > 0 && float.IsFinite(level) && MathF.Abs(input) >= level * (1 - Tolerance);

    /// <summary>Applies the consistency rule to one restored sample given the clipped input sample.</summary>
    public static float Project(float restored, float input, float level)
    {
        if (level <= 0)
            return restored;
        if (!IsClipped(input, level))
            return input;
        float sign = MathF.Sign(input);
        return sign * MathF.Max(restored * sign, level);
    }
}

/// <summary>
/// Finds the clipping level of a signal seen block by block (a file read in one pass): its peak, if several samples sit
/// on it within <see cref="PlateauTolerance"/> — the flat tops clipping leaves. (A smooth waveform's samples near its
/// maximum differ by more than that at audio rates.)
/// </summary>
public sealed class ClipLevelDetector
{
    /// <summary>Relative distance from the peak within which samples count as one plateau.</summary>
    public const float PlateauTolerance = 1e-5f;

    private float _peak;
    private long _atPeak;

    public void Observe(ReadOnlySpan<float> block)
    {
        foreach (float v in block)
        {
            float a = MathF.Abs(v);
            if (a > _peak)
            {
                // A new peak: samples counted at the old one stay counted only if still within the tolerance.
                if (a * (1 - PlateauTolerance) > _peak)
                    _atPeak = 0;
                _peak = a;
            }

            if (a >= _peak * (1 - PlateauTolerance))
                _atPeak++;
        }
    }

    /// <summary>Samples seen at the peak so far.</summary>
    public long SamplesAtPeak => _atPeak;

    /// <summary>The peak if at least <paramref name="minimumClipped"/> samples sit at it, else null.</summary>
    public float? Level(int minimumClipped = 3) => _peak > 0 && _atPeak >= minimumClipped ? _peak : null;
}
