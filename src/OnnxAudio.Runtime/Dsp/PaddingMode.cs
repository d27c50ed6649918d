namespace OnnxAudio.Dsp;

/// <summary>How a centred STFT pads the signal's ends (torch.stft's <c>pad_mode</c>).</summary>
public enum PaddingMode
{
    /// <summary>Mirror the signal without repeating the edge sample (torch's default).</summary>
    Reflect,
    /// <summary>Zeros (librosa's default since 0.10).</summary>
    Constant,
}
