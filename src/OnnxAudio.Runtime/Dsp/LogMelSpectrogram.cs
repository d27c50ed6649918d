using System.Buffers;
using System.Numerics.Tensors;

namespace OnnxAudio.Dsp;

/// <summary>
/// Log-mel features: STFT → power (or magnitude) → mel filters → log, frame-major (frame t's NMels values at t·NMels).
/// The one implementation used by training pipelines and at inference. Thread-safe; pooled scratch.
/// </summary>
public sealed class LogMelSpectrogram
{
    private readonly Stft _stft;

    public LogMelSpectrogram(LogMelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _stft = new Stft(options.ToStftOptions());
        FilterBank = new MelFilterBank(options.SampleRate, options.NFft, options.NMels, options.FMin, options.FMax, options.Scale, options.Normalization);
    }

    public LogMelOptions Options { get; }

    public MelFilterBank FilterBank { get; }

    public int NMels => Options.NMels;

    public int FrameCount(int samples) => _stft.FrameCount(samples);

    /// <summary>Computes <see cref="FrameCount"/> × <see cref="NMels"/> features into <paramref name="output"/>.</summary>
    public void Compute(ReadOnlySpan<float> signal, Span<float> output)
    {
        int frames = FrameCount(signal.Length);
        if (output.Length < frames * NMels)
            throw new ArgumentException($"The output must hold {frames} frames × {NMels} mel bands.");
        int size = frames * _stft.Bins;
        float[] re = ArrayPool<float>.Shared.Rent(size), im = ArrayPool<float>.Shared.Rent(size);
        try
        {
            _stft.Forward(signal, re, im);
            Span<float> spectrum = re.AsSpan(0, size);
            Spectrum.Power(spectrum, im.AsSpan(0, size), spectrum);
            if (Options.Spectrum == SpectrumKind.Magnitude)
                TensorPrimitives.Sqrt(spectrum, spectrum);
            Span<float> mel = output[..(frames * NMels)];
            FilterBank.ApplyFrames(spectrum, frames, mel);
            Compress(mel);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(re);
            ArrayPool<float>.Shared.Return(im);
        }
    }

    /// <summary>Convenience overload that allocates its result.</summary>
    public float[] Compute(ReadOnlySpan<float> signal)
    {
        var output = new float[FrameCount(signal.Length) * NMels];
        Compute(signal, output);
        return output;
    }

    private void Compress(Span<float> mel)
    {
        float floor = Options.LogFloor;
        if (Options.Reference == LevelReference.ClipPeak && !mel.IsEmpty)
        {
            // Relative to the clip's peak: the peak becomes 1, and the floor sits DynamicRangeDb below it.
            float peak = MathF.Max(TensorPrimitives.Max(mel), Options.LogFloor);
            TensorPrimitives.Multiply(mel, 1 / peak, mel);
            floor = MathF.Max(Options.LogFloor / peak, (float)Math.Pow(10, -Options.DynamicRangeDb / 10));
            TensorPrimitives.Max(mel, floor, mel);
        }

        if (Options.Log == LogCompression.None)
            return;
        TensorPrimitives.Max(mel, floor, mel);
        if (Options.Log == LogCompression.Natural)
        {
            TensorPrimitives.Log(mel, mel);
        }
        else
        {
            TensorPrimitives.Log10(mel, mel);
            TensorPrimitives.Multiply(mel, 10f, mel);
        }
    }
}
