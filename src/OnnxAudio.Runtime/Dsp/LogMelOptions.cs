namespace OnnxAudio.Dsp;

/// <summary>Settings of a log-mel front end. The defaults are a common 16 kHz speech front end: 25 ms Hann windows every
/// 10 ms, 512-point FFT, 40 Slaney mel bands from 20 Hz to 8 kHz of the power spectrum, natural log with a 1e-6 floor.</summary>
public sealed class LogMelOptions
{
    public int SampleRate { get; init; } = 16000;

    public int NFft { get; init; } = 512;

    public int HopLength { get; init; } = 160;

    public int? WinLength { get; init; } = 400;

    public WindowFunction Window { get; init; } = WindowFunction.Hann;

    public bool Center { get; init; } = true;

    public PaddingMode PadMode { get; init; } = PaddingMode.Reflect;

    public int NMels { get; init; } = 40;

    public double FMin { get; init; } = 20;

    /// <summary>Upper edge in Hz; <c>null</c> means the Nyquist frequency.</summary>
    public double? FMax { get; init; }

    public MelScale Scale { get; init; } = MelScale.Slaney;

    public MelNormalization Normalization { get; init; } = MelNormalization.Slaney;

    public SpectrumKind Spectrum { get; init; } = SpectrumKind.Power;

    public LogCompression Log { get; init; } = LogCompression.Natural;

    /// <summary>Smallest value before the logarithm (avoids log 0).</summary>
    public float LogFloor { get; init; } = 1e-6f;

    /// <summary>What the values are measured against: the signal's scale, or the clip's loudest mel value.</summary>
    public LevelReference Reference { get; init; } = LevelReference.Absolute;

    /// <summary>With <see cref="LevelReference.ClipPeak"/>: how far below the clip's peak (in dB of the mel values) the features reach.</summary>
    public double DynamicRangeDb { get; init; } = 80;

    internal StftOptions ToStftOptions() => new()
    {
        NFft = NFft,
        HopLength = HopLength,
        WinLength = WinLength,
        Window = Window,
        Center = Center,
        PadMode = PadMode,
    };
}
