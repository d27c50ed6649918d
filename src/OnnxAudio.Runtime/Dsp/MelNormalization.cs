namespace OnnxAudio.Dsp;

/// <summary>How mel filters are scaled.</summary>
public enum MelNormalization
{
    /// <summary>Triangles of peak 1.</summary>
    None,
    /// <summary>Each triangle divided by its width in Hz (×2), so every filter has the same area (librosa's <c>norm='slaney'</c>).</summary>
    Slaney,
}
