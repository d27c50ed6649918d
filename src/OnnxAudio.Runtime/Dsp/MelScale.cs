namespace OnnxAudio.Dsp;

/// <summary>Hz-to-mel mappings.</summary>
public enum MelScale
{
    /// <summary>2595·log10(1 + f/700) (HTK; torchaudio's default).</summary>
    Htk,
    /// <summary>Linear below 1 kHz, logarithmic above (Slaney's Auditory Toolbox; librosa's default).</summary>
    Slaney,
}
