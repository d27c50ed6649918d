using System.Numerics.Tensors;

namespace OnnxAudio.Audio;

/// <summary>
/// Streaming band-limited resampler for any pair of integer sample rates: a polyphase Kaiser-windowed-sinc filter
/// evaluated at the exact rational positions n·fin/fout, so output frame n is the band-limited input at time n / fout
/// (no delay to compensate, the output stays time-aligned with the input).
/// </summary>
/// <remarks>
/// Design: pass band to 0.45·min(fin, fout), stop band from 0.5·min(fin, fout) with a 100 dB Kaiser design (β ≈ 10.1),
/// so images (up-sampling) and aliases (down-sampling) are rejected by at least ~90 dB, and pass-band ripple is far below
/// 0.01 dB. The filter spans about 130 input samples when up-sampling and proportionally more when down-sampling.
/// Rates whose reduced ratio has more than a few thousand phases are served by evaluating the kernel per output frame.
/// </remarks>
public sealed class Resampler
{
    private const double StopbandAttenuationDb = 100;
    private const double PassbandEdge = 0.45;
    private const double StopbandEdge = 0.5;
    private const int MaxTableFloats = 1 << 22;

    private readonly int _up;            // L: output rate / gcd
    private readonly int _down;          // M: input rate / gcd
    private readonly int _half;          // H: taps each side of the output instant
    private readonly int _taps;          // K = 2H
    private readonly double _cutoff;     // cycles per input sample
    private readonly double _beta;
    private readonly double _i0Beta;
    private readonly float[]? _table;    // L rows of K taps, phase-major
    private readonly float[]? _scratchRow;
    private readonly float[][] _history; // per channel, input samples from absolute index _historyStart
    private long _historyStart;
    private int _historyCount;
    private long _inputFrames;
    private long _nextOutput;
    private bool _flushed;

    public Resampler(int inputRate, int outputRate, int channels = 1)
    {
        if (inputRate <= 0 || inputRate > AudioFormat.MaxSampleRate)
            throw new ArgumentOutOfRangeException(nameof(inputRate), inputRate, "sample rate out of range");
        if (outputRate <= 0 || outputRate > AudioFormat.MaxSampleRate)
            throw new ArgumentOutOfRangeException(nameof(outputRate), outputRate, "sample rate out of range");
        if (channels <= 0 || channels > AudioFormat.MaxChannels)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channel count out of range");

        InputRate = inputRate;
        OutputRate = outputRate;
        Channels = channels;
        int g = Gcd(inputRate, outputRate);
        _up = outputRate / g;
        _down = inputRate / g;

        double lowRate = Math.Min(inputRate, outputRate);
        double transition = (StopbandEdge - PassbandEdge) * lowRate / inputRate;
        _cutoff = 0.5 * (StopbandEdge + PassbandEdge) * lowRate / inputRate;
        // Kaiser's formulas for a windowed-sinc design (Oppenheim & Schafer, 7.5.3).
        _beta = 0.1102 * (StopbandAttenuationDb - 8.7);
        _i0Beta = BesselI0(_beta);
        int length = (int)Math.Ceiling((StopbandAttenuationDb - 8) / (2.285 * 2 * Math.PI * transition)) + 1;
        _half = (length + 1) / 2;
        _taps = 2 * _half;

        if ((long)_up * _taps <= MaxTableFloats)
        {
            _table = new float[_up * _taps];
            for (int phase = 0; phase < _up; phase++)
                FillRow(phase, _table.AsSpan(phase * _taps, _taps));
        }
        else
        {
            _scratchRow = new float[_taps];
        }

        _history = new float[channels][];
        for (int c = 0; c < channels; c++)
            _history[c] = new float[4 * _taps];
        Reset();
    }

    public int InputRate { get; }

    public int OutputRate { get; }

    public int Channels { get; }

    /// <summary>Input frames that must arrive after an instant before the output frame at that instant can be produced.</summary>
    public int LookaheadInputFrames => _half;

    /// <summary>Taps of the filter (in input samples).</summary>
    public int FilterLength => _taps;

    /// <summary>An upper bound on the frames <see cref="Process"/> returns for <paramref name="inputFrames"/> new frames.</summary>
    public int MaxOutputFrames(int inputFrames) => (int)(((long)inputFrames * _up + _down - 1) / _down) + 1;

    /// <summary>An upper bound on the frames <see cref="Flush"/> returns.</summary>
    public int MaxFlushFrames => (int)(((long)(_half + 1) * _up + _down - 1) / _down) + 1;

    /// <summary>Output frames for <paramref name="inputFrames"/> input frames when the whole input is resampled at once.</summary>
    public static long OutputLength(long inputFrames, int inputRate, int outputRate)
    {
        int g = Gcd(inputRate, outputRate);
        long up = outputRate / g, down = inputRate / g;
        return (inputFrames * up + down - 1) / down;
    }

    /// <summary>Forgets all input, ready for a new stream.</summary>
    public void Reset()
    {
        foreach (float[] h in _history)
            Array.Clear(h);
        // The stream is preceded by silence: x[k] = 0 for k < 0.
        _historyStart = -(_half - 1);
        _historyCount = _half - 1;
        _inputFrames = 0;
        _nextOutput = 0;
        _flushed = false;
    }

    /// <summary>
    /// Consumes interleaved input and writes every output frame it makes available. <paramref name="output"/> must hold
    /// <see cref="MaxOutputFrames"/> frames of the input's length. Returns the number of samples written.
    /// </summary>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (_flushed)
            throw new InvalidOperationException("The resampler was flushed; call Reset before a new stream.");
        if (input.Length % Channels != 0)
            throw new ArgumentException($"{input.Length} samples is not a whole number of {Channels}-channel frames.", nameof(input));
        int frames = input.Length / Channels;
        if (output.Length < MaxOutputFrames(frames) * Channels)
            throw new ArgumentException("The output buffer is too small; size it with MaxOutputFrames.", nameof(output));

        Append(input, frames);
        _inputFrames += frames;
        return Produce(output, long.MaxValue);
    }

    /// <summary>Ends the stream: writes the remaining output frames (up to <see cref="MaxFlushFrames"/>).</summary>
    public int Flush(Span<float> output)
    {
        if (_flushed)
            return 0;
        _flushed = true;
        if (output.Length < MaxFlushFrames * Channels)
            throw new ArgumentException("The output buffer is too small; size it with MaxFlushFrames.", nameof(output));
        // Silence after the end lets the last output frames see their full window.
        AppendZeros(_half + 1);
        long total = ((_inputFrames * _up) + _down - 1) / _down;
        return Produce(output, total);
    }

    /// <summary>Resamples a whole mono signal.</summary>
    public static float[] Resample(ReadOnlySpan<float> input, int inputRate, int outputRate)
    {
        if (inputRate == outputRate)
            return input.ToArray();
        var resampler = new Resampler(inputRate, outputRate);
        float[] output = new float[resampler.MaxOutputFrames(input.Length) + resampler.MaxFlushFrames];
        int n = resampler.Process(input, output);
        n += resampler.Flush(output.AsSpan(n));
        return output.AsSpan(0, n).ToArray();
    }

    private int Produce(Span<float> output, long limit)
    {
        int written = 0;
        long available = _historyStart + _historyCount; // first absolute index not yet received
        while (_nextOutput < limit)
        {
            long position = _nextOutput * _down;
            long center = position / _up;
            int phase = (int)(position % _up);
            if (center + _half >= available)
                break;

            ReadOnlySpan<float> row = Row(phase);
            int offset = (int)(center - _half + 1 - _historyStart);
            for (int c = 0; c < Channels; c++)
                output[written + c] = TensorPrimitives.Dot(row, _history[c].AsSpan(offset, _taps));
            written += Channels;
            _nextOutput++;
        }

        return written;
    }

    private ReadOnlySpan<float> Row(int phase)
    {
        if (_table is not null)
            return _table.AsSpan(phase * _taps, _taps);
        FillRow(phase, _scratchRow!);
        return _scratchRow;
    }

    /// <summary>Taps for an output instant <paramref name="phase"/>/L of an input sample past the centre sample.</summary>
    private void FillRow(int phase, Span<float> row)
    {
        double frac = phase / (double)_up;
        double sum = 0;
        Span<double> taps = row.Length <= 1024 ? stackalloc double[row.Length] : new double[row.Length];
        for (int m = 0; m < row.Length; m++)
        {
            double tau = frac - (m - _half + 1); // output instant minus input sample time, in input samples
            taps[m] = Kernel(tau);
            sum += taps[m];
        }

        // Normalise every phase to unit DC gain so a constant stays exactly constant.
        for (int m = 0; m < row.Length; m++)
            row[m] = (float)(taps[m] / sum);
    }

    private double Kernel(double tau)
    {
        double r = tau / _half;
        if (Math.Abs(r) >= 1)
            return 0;
        double x = 2 * _cutoff * tau;
        double sinc = Math.Abs(x) < 1e-12 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);
        return 2 * _cutoff * sinc * BesselI0(_beta * Math.Sqrt(1 - r * r)) / _i0Beta;
    }

    private void Append(ReadOnlySpan<float> interleaved, int frames)
    {
        EnsureRoom(frames);
        for (int c = 0; c < Channels; c++)
        {
            Span<float> dst = _history[c].AsSpan(_historyCount, frames);
            if (Channels == 1)
            {
                interleaved.CopyTo(dst);
            }
            else
            {
                for (int i = 0, j = c; i < frames; i++, j += Channels)
                    dst[i] = interleaved[j];
            }
        }

        _historyCount += frames;
    }

    private void AppendZeros(int frames)
    {
        EnsureRoom(frames);
        for (int c = 0; c < Channels; c++)
            _history[c].AsSpan(_historyCount, frames).Clear();
        _historyCount += frames;
    }

    private void EnsureRoom(int frames)
    {
        // Drop input that no future output frame reaches.
        long firstNeeded = _nextOutput * _down / _up - _half + 1;
        int drop = (int)Math.Clamp(firstNeeded - _historyStart, 0, _historyCount);
        if (drop > 0)
        {
            foreach (float[] h in _history)
                Array.Copy(h, drop, h, 0, _historyCount - drop);
            _historyStart += drop;
            _historyCount -= drop;
        }

        int needed = _historyCount + frames;
        if (needed > _history[0].Length)
        {
            int size = Math.Max(needed, 2 * _history[0].Length);
            for (int c = 0; c < Channels; c++)
                Array.Resize(ref _history[c], size);
        }
    }

    /// <summary>Modified Bessel function of the first kind, order 0, by its power series.</summary>
    internal static double BesselI0(double x)
    {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 200; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
            if (term < sum * 1e-17)
                break;
        }

        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
            (a, b) = (b, a % b);
        return a;
    }
}
