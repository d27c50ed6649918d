using System.Globalization;
using OnnxAudio.Audio;

namespace OnnxAudio.Restoration;

/// <summary>How a declipping model learns the level its input was clipped at.</summary>
public enum ClipHandling
{
    /// <summary>Read the whole input once first and take its clipping level (offline: a file, a signal in memory).</summary>
    Detect,

    /// <summary>The running peak of what the stream has seen so far (live input, no second pass possible).</summary>
    RunningPeak,

    /// <summary>The level in <see cref="RestoreOptions.ClipLevel"/>.</summary>
    Given,
}

/// <summary>What a restoration call should do beyond the model's defaults.</summary>
public sealed record RestoreOptions
{
    /// <summary>0 leaves the input as it is, 1 (the default) applies the model fully; between, the mask is blended with unity.</summary>
    public float Strength { get; init; } = 1;

    /// <summary>
    /// RNNoise's pitch filter before the mask: each band mixed with the input one pitch period earlier, the more the lower
    /// the mask's gain there and the more periodic the band (no added latency). Null (the default): on for denoisers,
    /// off for declippers.
    /// </summary>
    public bool? PitchFilter { get; init; }

    /// <summary>Declipping: where the clipping level comes from (ignored by denoisers).</summary>
    public ClipHandling Clip { get; init; } = ClipHandling.Detect;

    /// <summary>Declipping with <see cref="ClipHandling.Given"/>: the level the input was clipped at.</summary>
    public float? ClipLevel { get; init; }

    /// <summary>The options checked: strength within [0, 1], a positive finite level when one is given.</summary>
    public RestoreOptions Validated()
    {
        if (!float.IsFinite(Strength) || Strength is < 0 or > 1)
            throw new OnnxAudioException($"the strength must lie between 0 and 1, not {Strength.ToString(CultureInfo.InvariantCulture)}");
        if (Clip == ClipHandling.Given && (ClipLevel is not float level || !(level > 0)))
            throw new OnnxAudioException("a given clipping level must be above 0");
        return this;
    }
}

/// <summary>What a restoration call did.</summary>
/// <param name="Samples">Samples written (the input's length).</param>
/// <param name="ClipLevel">Declipping: the level used (null: no clipping found or not a declipper; the output follows the input).</param>
/// <param name="SamplesAtClipLevel">Declipping with <see cref="ClipHandling.Detect"/>: input samples found at that level.</param>
public sealed record RestoreResult(long Samples, float? ClipLevel = null, long SamplesAtClipLevel = 0);
