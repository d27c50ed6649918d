namespace OnnxAudio.Dsp;

/// <summary>What the mel filters are applied to.</summary>
public enum SpectrumKind
{
    /// <summary>|X|.</summary>
    Magnitude,
    /// <summary>|X|².</summary>
    Power,
}
