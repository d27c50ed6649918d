namespace OnnxAudio.Restoration;

/// <summary>What a restoration model repairs.</summary>
public enum RestorationKind
{
    /// <summary>Removes additive noise.</summary>
    Denoise,

    /// <summary>Restores the peaks of clipped audio.</summary>
    Declip,
}
