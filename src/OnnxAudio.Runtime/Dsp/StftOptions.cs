namespace OnnxAudio.Dsp;

/// <summary>
/// STFT settings with the meaning they have in <c>torch.stft</c> / <c>librosa.stft</c>: frame t covers samples
/// [t·hop − (center ? n_fft/2 : 0), … + n_fft), the window (of <see cref="WinLength"/>, zero-padded to n_fft in the
/// middle) multiplies it, and the one-sided spectrum of n_fft/2 + 1 bins is kept.
/// </summary>
public sealed class StftOptions
{
    /// <summary>FFT size: even, with prime factors 2, 3 and 5 only (256, 320, 400, 480, 512, 1024, …).</summary>
    public int NFft { get; init; } = 512;

    /// <summary>Samples between frames.</summary>
    public int HopLength { get; init; } = 128;

    /// <summary>Window length (≤ <see cref="NFft"/>); <c>null</c> means <see cref="NFft"/>.</summary>
    public int? WinLength { get; init; }

    public WindowFunction Window { get; init; } = WindowFunction.Hann;

    /// <summary>Periodic (true, as torch's default) or symmetric window.</summary>
    public bool PeriodicWindow { get; init; } = true;

    /// <summary>Pad n_fft/2 at both ends so frame t is centred on sample t·hop.</summary>
    public bool Center { get; init; } = true;

    public PaddingMode PadMode { get; init; } = PaddingMode.Reflect;

    /// <summary>Number of one-sided bins, n_fft/2 + 1.</summary>
    public int Bins => NFft / 2 + 1;

    internal int EffectiveWinLength => WinLength ?? NFft;

    /// <summary>The same frames without centring: what the causal, streaming transforms use.</summary>
    internal StftOptions WithoutCentering() => new()
    {
        NFft = NFft, HopLength = HopLength, WinLength = WinLength, Window = Window, PeriodicWindow = PeriodicWindow, Center = false,
    };

    internal void Validate()
    {
        if (!Fft.IsSupportedRealLength(NFft))
            throw new ArgumentException($"NFft {NFft} is not supported: it must be even with prime factors 2, 3 and 5 only.");
        if (HopLength < 1)
            throw new ArgumentException($"HopLength must be at least 1, not {HopLength}.");
        if (EffectiveWinLength < 1 || EffectiveWinLength > NFft)
            throw new ArgumentException($"WinLength {EffectiveWinLength} must be between 1 and NFft ({NFft}).");
    }

    /// <summary>The window of <see cref="WinLength"/> centred in <see cref="NFft"/> samples.</summary>
    internal float[] PaddedWindow()
    {
        float[] w = Windows.Cached(Window, EffectiveWinLength, PeriodicWindow);
        var padded = new float[NFft];
        w.CopyTo(padded, (NFft - w.Length) / 2);
        return padded;
    }
}
