using System.Numerics.Tensors;

namespace OnnxAudio.Dsp;

/// <summary>
/// Streaming inverse STFT by weighted overlap-add: every frame pushed completes <see cref="HopLength"/> output samples.
/// The output equals <see cref="Stft.Inverse(ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float})"/> with
/// <c>Center = false</c>, sample for sample. Together with <see cref="StreamingStft"/> an output sample is final once
/// every frame overlapping it has been analysed: <see cref="AlgorithmicLatencySamples"/> = n_fft − 1 after it entered.
/// One instance per stream; not thread-safe.
/// </summary>
public sealed class StreamingIstft
{
    private readonly Stft _stft;
    private readonly float[] _window;
    private readonly float[] _sum;
    private readonly float[] _envelope;
    private readonly float[] _frame;

    public StreamingIstft(StftOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _stft = new Stft(options.WithoutCentering());
        if (options.HopLength > options.NFft)
            throw new ArgumentException("Streaming synthesis needs HopLength ≤ NFft.");
        _window = _stft.Window.ToArray();
        _sum = new float[options.NFft];
        _envelope = new float[options.NFft];
        _frame = new float[options.NFft];
    }

    public int NFft => _stft.NFft;

    public int HopLength => _stft.HopLength;

    public int Bins => _stft.Bins;

    /// <summary>How long after a sample enters the analysis its synthesised value is final, in samples.</summary>
    public int AlgorithmicLatencySamples => NFft - 1;

    /// <summary>Adds one frame and writes the <see cref="HopLength"/> samples it completes to <paramref name="output"/>.</summary>
    public void PushFrame(ReadOnlySpan<float> real, ReadOnlySpan<float> imag, Span<float> output)
    {
        if (output.Length < HopLength)
            throw new ArgumentException($"The output must hold HopLength = {HopLength} samples.", nameof(output));
        _frame.AsSpan().Clear();
        _stft.InverseFrames<ScalarLane>(real, imag, 1, _frame);
        TensorPrimitives.Add(_sum, _frame, _sum);
        TensorPrimitives.MultiplyAdd(_window, _window, _envelope, _envelope);
        Emit(output[..HopLength]);
    }

    /// <summary>Ends the stream: writes the last NFft − HopLength samples, which no later frame will complete.</summary>
    public int Flush(Span<float> output)
    {
        int n = NFft - HopLength;
        for (int i = 0; i < n; i++)
            output[i] = _envelope[i] > 1e-11f ? _sum[i] / _envelope[i] : 0f;
        Reset();
        return n;
    }

    public void Reset()
    {
        Array.Clear(_sum);
        Array.Clear(_envelope);
    }

    private void Emit(Span<float> output)
    {
        int hop = HopLength;
        for (int i = 0; i < hop; i++)
            output[i] = _envelope[i] > 1e-11f ? _sum[i] / _envelope[i] : 0f;
        Array.Copy(_sum, hop, _sum, 0, NFft - hop);
        Array.Copy(_envelope, hop, _envelope, 0, NFft - hop);
        _sum.AsSpan(NFft - hop).Clear();
        _envelope.AsSpan(NFft - hop).Clear();
    }
}
