namespace OnnxAudio.Dsp;

/// <summary>Analysis/synthesis windows, defined as in torch (<c>torch.hann_window</c> etc.) and scipy.</summary>
public enum WindowFunction
{
    /// <summary>0.5 − 0.5·cos(2πn/D).</summary>
    Hann,
    /// <summary>0.54 − 0.46·cos(2πn/D).</summary>
    Hamming,
    /// <summary>0.42 − 0.5·cos(2πn/D) + 0.08·cos(4πn/D).</summary>
    Blackman,
    /// <summary>The square root of the Hann window: as both analysis and synthesis window it overlap-adds to a constant.</summary>
    SqrtHann,
    /// <summary>All ones.</summary>
    Rectangular,
}
