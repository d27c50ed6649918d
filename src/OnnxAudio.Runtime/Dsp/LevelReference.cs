namespace OnnxAudio.Dsp;

/// <summary>What log-mel values are measured against.</summary>
public enum LevelReference
{
    /// <summary>The signal's own scale: turning the input down by g dB lowers every value by g dB (until the floor).</summary>
    Absolute,
    /// <summary>
    /// The clip's largest mel value: the loudest band of the loudest frame is 0 dB and everything more than
    /// <see cref="LogMelOptions.DynamicRangeDb"/> below it is raised to that floor, so the features do not depend on the
    /// input level (librosa's <c>power_to_db(ref=np.max, top_db=…)</c>).
    /// </summary>
    ClipPeak,
}
