using System.Buffers;
using System.Numerics.Tensors;

namespace OnnxAudio.Dsp;

/// <summary>
/// Short-time Fourier transform and its inverse, with torch.stft / torch.istft conventions (see <see cref="StftOptions"/>).
/// Spectra are laid out frame-major: bin k of frame t is element t·Bins + k, the [time, frequency] order ONNX models
/// take. Frames are transformed in SIMD batches (one frame per vector lane). Thread-safe; scratch comes from a pool, so
/// steady-state calls allocate nothing.
/// </summary>
public sealed class Stft
{
    private readonly float[] _window;
    private readonly RealFftPlan _plan;

    public Stft(StftOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _window = options.PaddedWindow();
        _plan = RealFftPlan.Get(options.NFft);
    }

    public StftOptions Options { get; }

    public int NFft => Options.NFft;

    public int HopLength => Options.HopLength;

    /// <summary>One-sided bins per frame, NFft/2 + 1.</summary>
    public int Bins => Options.Bins;

    /// <summary>The window applied to each frame (length NFft, the window centred in zeros when WinLength &lt; NFft).</summary>
    public ReadOnlySpan<float> Window => _window;

    /// <summary>Frames for a signal of <paramref name="samples"/> samples: 1 + ⌊samples/hop⌋ centred, else 1 + ⌊(samples − n_fft)/hop⌋.</summary>
    public int FrameCount(int samples)
    {
        if (Options.Center)
            return 1 + samples / HopLength;
        return samples < NFft ? 0 : 1 + (samples - NFft) / HopLength;
    }

    /// <summary>Signal length that <c>Inverse</c> reconstructs from <paramref name="frames"/> frames by default.</summary>
    public int SignalLength(int frames) =>
        frames == 0 ? 0 : Options.Center ? HopLength * (frames - 1) : NFft + HopLength * (frames - 1);

    /// <summary>
    /// Complex spectrogram of <paramref name="signal"/>: <see cref="FrameCount"/> frames of <see cref="Bins"/> bins into
    /// <paramref name="real"/> and <paramref name="imag"/>.
    /// </summary>
    public void Forward(ReadOnlySpan<float> signal, Span<float> real, Span<float> imag)
    {
        int frames = FrameCount(signal.Length);
        if (real.Length < frames * Bins || imag.Length < frames * Bins)
            throw new ArgumentException($"The outputs must hold {frames} frames × {Bins} bins.");
        if (frames >= VectorLane.Width)
            ForwardFrames<VectorLane>(signal, 0, frames, real, imag);
        else
            ForwardFrames<ScalarLane>(signal, 0, frames, real, imag);
    }

    /// <summary>Convenience overload that allocates its result.</summary>
    public ComplexSpectrogram Forward(ReadOnlySpan<float> signal)
    {
        int frames = FrameCount(signal.Length);
        var result = new ComplexSpectrogram(frames, Bins);
        Forward(signal, result.Real, result.Imag);
        return result;
    }

    /// <summary>Power spectrogram |X|² (frames × bins).</summary>
    public void Power(ReadOnlySpan<float> signal, Span<float> power)
    {
        int frames = FrameCount(signal.Length);
        int size = frames * Bins;
        float[] imag = ArrayPool<float>.Shared.Rent(size);
        try
        {
            Forward(signal, power, imag);
            Spectrum.Power(power[..size], imag.AsSpan(0, size), power);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(imag);
        }
    }

    /// <summary>
    /// Inverse STFT by windowed overlap-add, divided by the summed squared window (torch.istft). Fills
    /// <paramref name="output"/>, whose length is the signal length wanted (see <see cref="SignalLength"/>).
    /// Samples that no frame's window reaches are set to 0.
    /// </summary>
    public void Inverse(ReadOnlySpan<float> real, ReadOnlySpan<float> imag, int frames, Span<float> output)
    {
        if (real.Length < frames * Bins || imag.Length < frames * Bins)
            throw new ArgumentException($"The inputs must hold {frames} frames × {Bins} bins.");
        int offset = Options.Center ? NFft / 2 : 0;
        int padded = NFft + HopLength * Math.Max(0, frames - 1);
        float[] sum = ArrayPool<float>.Shared.Rent(padded);
        float[] envelope = ArrayPool<float>.Shared.Rent(padded);
        try
        {
            sum.AsSpan(0, padded).Clear();
            envelope.AsSpan(0, padded).Clear();
            if (frames >= VectorLane.Width)
                InverseFrames<VectorLane>(real, imag, frames, sum);
            else
                InverseFrames<ScalarLane>(real, imag, frames, sum);

            for (int t = 0; t < frames; t++)
                TensorPrimitives.MultiplyAdd(_window, _window, envelope.AsSpan(t * HopLength, NFft), envelope.AsSpan(t * HopLength, NFft));

            for (int n = 0; n < output.Length; n++)
            {
                int p = n + offset;
                output[n] = p < padded && envelope[p] > 1e-11f ? sum[p] / envelope[p] : 0f;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(sum);
            ArrayPool<float>.Shared.Return(envelope);
        }
    }

    /// <summary>Convenience overload: reconstructs <see cref="SignalLength"/> samples, or <paramref name="length"/>.</summary>
    public float[] Inverse(ComplexSpectrogram spectrogram, int? length = null)
    {
        var output = new float[length ?? SignalLength(spectrogram.Frames)];
        Inverse(spectrogram.Real, spectrogram.Imag, spectrogram.Frames, output);
        return output;
    }

    /// <summary>Transforms frames [first, first + count) of <paramref name="signal"/>, windowing and padding as configured.</summary>
    internal void ForwardFrames<TLane>(ReadOnlySpan<float> signal, int first, int count, Span<float> real, Span<float> imag)
        where TLane : struct, IFftLane<TLane>
    {
        int w = TLane.Width, m = NFft / 2, bins = Bins;
        int pad = Options.Center ? NFft / 2 : 0;
        float[] buffer = ArrayPool<float>.Shared.Rent(4 * m * w + 2 * bins * w);
        try
        {
            Span<float> zr = buffer.AsSpan(0, m * w), zi = buffer.AsSpan(m * w, m * w);
            Span<float> wr = buffer.AsSpan(2 * m * w, m * w), wi = buffer.AsSpan(3 * m * w, m * w);
            Span<float> outRe = buffer.AsSpan(4 * m * w, bins * w), outIm = buffer.AsSpan(4 * m * w + bins * w, bins * w);
            for (int block = 0; block < count; block += w)
            {
                int firstStart = (first + block) * HopLength - pad;
                bool fast = typeof(TLane) == typeof(VectorLane) && LaneTranspose.IsSupported && NFft % 8 == 0
                    && block + w <= count && firstStart >= 0 && firstStart + (w - 1) * HopLength + NFft <= signal.Length;
                if (fast)
                    LaneTranspose.PackFrames(signal, firstStart, HopLength, _window, NFft, zr, zi);
                else
                    PackFrames(signal, first + block, Math.Min(w, count - block), w, pad, zr, zi);

                _plan.ForwardPacked<TLane>(zr, zi, wr, wi, outRe, outIm);
                int lanes = Math.Min(w, count - block);
                int done = 0;
                if (typeof(TLane) == typeof(VectorLane) && LaneTranspose.IsSupported && lanes == w)
                {
                    LaneTranspose.UnpackBins(outRe, bins, real[(block * bins)..]);
                    done = LaneTranspose.UnpackBins(outIm, bins, imag[(block * bins)..]);
                }

                for (int lane = 0; lane < lanes; lane++)
                {
                    Span<float> re = real.Slice((block + lane) * bins, bins), im = imag.Slice((block + lane) * bins, bins);
                    for (int k = done, j = done * w + lane; k < bins; k++, j += w)
                    {
                        re[k] = outRe[j];
                        im[k] = outIm[j];
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>Adds the windowed inverse transforms of <paramref name="count"/> frames into <paramref name="sum"/> at t·hop.</summary>
    internal void InverseFrames<TLane>(ReadOnlySpan<float> real, ReadOnlySpan<float> imag, int count, Span<float> sum)
        where TLane : struct, IFftLane<TLane>
    {
        int w = TLane.Width, m = NFft / 2, bins = Bins;
        float[] buffer = ArrayPool<float>.Shared.Rent(4 * m * w + 2 * bins * w);
        try
        {
            Span<float> zr = buffer.AsSpan(0, m * w), zi = buffer.AsSpan(m * w, m * w);
            Span<float> wr = buffer.AsSpan(2 * m * w, m * w), wi = buffer.AsSpan(3 * m * w, m * w);
            Span<float> inRe = buffer.AsSpan(4 * m * w, bins * w), inIm = buffer.AsSpan(4 * m * w + bins * w, bins * w);
            for (int block = 0; block < count; block += w)
            {
                int lanes = Math.Min(w, count - block);
                if (lanes < w)
                {
                    inRe.Clear();
                    inIm.Clear();
                }

                for (int lane = 0; lane < lanes; lane++)
                {
                    ReadOnlySpan<float> re = real.Slice((block + lane) * bins, bins), im = imag.Slice((block + lane) * bins, bins);
                    for (int k = 0, j = lane; k < bins; k++, j += w)
                    {
                        inRe[j] = re[k];
                        inIm[j] = im[k];
                    }
                }

                _plan.InversePacked<TLane>(inRe, inIm, zr, zi, wr, wi);
                for (int lane = 0; lane < lanes; lane++)
                {
                    Span<float> target = sum.Slice((block + lane) * HopLength, NFft);
                    for (int k = 0, j = lane; k < m; k++, j += w)
                    {
                        target[2 * k] += zr[j] * _window[2 * k];
                        target[2 * k + 1] += zi[j] * _window[2 * k + 1];
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>Portable packing: windows frames [first, first + lanes) into lanes 0.., zero-filling the remaining lanes.</summary>
    private void PackFrames(ReadOnlySpan<float> signal, int first, int lanes, int w, int pad, Span<float> zr, Span<float> zi)
    {
        int m = NFft / 2;
        for (int lane = 0; lane < w; lane++)
        {
            if (lane >= lanes)
            {
                for (int k = 0, j = lane; k < m; k++, j += w)
                    zr[j] = zi[j] = 0;
                continue;
            }

            int start = (first + lane) * HopLength - pad;
            if (start >= 0 && start + NFft <= signal.Length)
            {
                ReadOnlySpan<float> x = signal.Slice(start, NFft);
                for (int k = 0, j = lane; k < m; k++, j += w)
                {
                    zr[j] = x[2 * k] * _window[2 * k];
                    zi[j] = x[2 * k + 1] * _window[2 * k + 1];
                }
            }
            else
            {
                for (int k = 0, j = lane; k < m; k++, j += w)
                {
                    zr[j] = PaddedSample(signal, start + 2 * k) * _window[2 * k];
                    zi[j] = PaddedSample(signal, start + 2 * k + 1) * _window[2 * k + 1];
                }
            }
        }
    }

    private float PaddedSample(ReadOnlySpan<float> signal, int index)
    {
        if ((uint)index < (uint)signal.Length)
            return signal[index];
        if (Options.PadMode == PaddingMode.Constant || signal.Length == 0)
            return 0;
        if (signal.Length == 1)
            return signal[0];
        // Reflection without repeating the edge: period 2(L − 1).
        int period = 2 * (signal.Length - 1);
        int r = index % period;
        if (r < 0)
            r += period;
        return signal[r < signal.Length ? r : period - r];
    }
}
