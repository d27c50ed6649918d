namespace OnnxAudio.Dsp;

/// <summary>How mel energies are compressed.</summary>
public enum LogCompression
{
    /// <summary>ln(max(x, floor)).</summary>
    Natural,
    /// <summary>10·log10(max(x, floor)).</summary>
    Decibels,
    /// <summary>No compression (a plain mel spectrogram).</summary>
    None,
}
