using System.Numerics.Tensors;

namespace OnnxAudio.Dsp;

/// <summary>
/// Gives STFT magnitudes a phase, frame by frame: real-time phase gradient heap integration (RTPGHI; Průša, Balazs and
/// Søndergaard 2017, Průša and Holighaus 2017). For a Gaussian-like window the phase derivatives follow from the
/// log-magnitude: along time, a bin's instantaneous frequency is its centre plus (a·M/γ)·∂log|c|/∂m; along frequency,
/// the phase changes by −(γ/(a·M))·∂log|c|/∂n per bin (a = hop, M = n_fft, γ ≈ 0.25645·L² for a Hann window of length
/// L). Each new frame's phase is integrated from the previous frame's and along frequency, largest coefficients first.
/// The output frames use <see cref="Stft"/>'s convention (each frame's FFT starts at the frame start), so they go
/// straight to <see cref="StreamingIstft"/>. One frame of look-ahead: a frame comes out when the next one is pushed.
/// Deterministic (insignificant bins get phases from a fixed-seed generator). One instance per stream; not thread-safe.
/// The "heap" is a bucket queue over the frame's log-magnitude range (<see cref="BucketQueue"/>): the order is the
/// heap's to within 1/256 of that range, at a constant cost per coefficient instead of a logarithmic one.
/// </summary>
public sealed class PhaseReconstruction
{
    /// <summary>γ / L² of a Hann window (the equivalent Gaussian's time-frequency spread).</summary>
    public const double HannGamma = 0.25645;

    private readonly int _bins;
    private readonly double _timeScale;   // a·M/γ
    private readonly double _freqScale;   // γ/(a·M)
    private readonly double _logTolerance;
    private readonly double[] _binAdvance; // 2π·a·m/M: a stationary bin-centred sinusoid's phase advance per hop
    private readonly float[] _magnitude;  // the frame being completed (n)
    private double[] _logPrevious, _logCurrent, _logNext;
    private double[] _phasePrevious, _phaseCurrent;
    private double[] _timeGradPrevious, _timeGradCurrent;
    private readonly double[] _freqGrad;
    private readonly bool[] _done;
    private readonly BucketQueue _heap;
    private readonly float[] _signs;      // (−1)^m
    private readonly float[] _signed, _sin, _cos;
    private uint _random = 0x9E3779B9u;
    private bool _pending;

    public PhaseReconstruction(StftOptions options, double tolerance = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Window != WindowFunction.Hann)
            throw new ArgumentException("Phase reconstruction needs a Hann window (its Gaussian constant is known).", nameof(options));
        if (tolerance is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(tolerance), "The relative tolerance must lie in (0, 1).");
        _bins = options.Bins;
        int windowLength = options.WinLength ?? options.NFft;
        double gamma = HannGamma * windowLength * windowLength;
        double aM = (double)options.HopLength * options.NFft;
        _timeScale = aM / gamma;
        _freqScale = gamma / aM;
        _logTolerance = Math.Log(tolerance);
        _binAdvance = new double[_bins];
        for (int m = 0; m < _bins; m++)
            _binAdvance[m] = 2 * Math.PI * options.HopLength * m / options.NFft;
        _magnitude = new float[_bins];
        _logPrevious = NewFloor();
        _logCurrent = NewFloor();
        _logNext = NewFloor();
        _phasePrevious = new double[_bins];
        _phaseCurrent = new double[_bins];
        _timeGradPrevious = new double[_bins];
        _timeGradCurrent = new double[_bins];
        _freqGrad = new double[_bins];
        _done = new bool[_bins];
        _heap = new BucketQueue(2 * _bins);
        _signs = new float[_bins];
        for (int m = 0; m < _bins; m++)
            _signs[m] = (m & 1) == 0 ? 1 : -1;
        _signed = new float[_bins];
        _sin = new float[_bins];
        _cos = new float[_bins];
    }

    public int Bins => _bins;

    /// <summary>Frames a pushed frame waits for before it comes out.</summary>
    public static int LookAheadFrames => 1;

    /// <summary>
    /// Pushes the magnitudes of the next frame. Returns false for the first frame; afterwards writes the previous frame's
    /// complex coefficients to <paramref name="real"/> and <paramref name="imag"/> and returns true.
    /// </summary>
    public bool Push(ReadOnlySpan<float> magnitude, Span<float> real, Span<float> imag)
    {
        if (magnitude.Length != _bins)
            throw new ArgumentException($"A frame has {_bins} magnitudes, not {magnitude.Length}.", nameof(magnitude));
        for (int m = 0; m < _bins; m++)
            _logNext[m] = Math.Log(Math.Max(magnitude[m], 0f) + 1e-12);
        bool emitted = _pending;
        if (_pending)
            Complete(real, imag);
        (_logCurrent, _logNext) = (_logNext, _logCurrent);
        magnitude.CopyTo(_magnitude);
        _pending = true;
        return emitted;
    }

    /// <summary>Ends the stream: writes the last pushed frame (its look-ahead taken as silence). False if none is pending.</summary>
    public bool Flush(Span<float> real, Span<float> imag)
    {
        if (!_pending)
            return false;
        // The last frame's successor: the same frame (a zero time derivative of the log-magnitude at the end).
        Array.Copy(_logCurrent, _logNext, _bins);
        Complete(real, imag);
        _pending = false;
        return true;
    }

    private double[] NewFloor()
    {
        var floor = new double[_bins];
        Array.Fill(floor, Math.Log(1e-12));
        return floor;
    }

    /// <summary>Frame n = current (previous and next known): its phase, then it becomes the previous frame.</summary>
    private void Complete(Span<float> real, Span<float> imag)
    {
        if (real.Length < _bins || imag.Length < _bins)
            throw new ArgumentException($"The outputs must hold {_bins} bins.");
        double[] log = _logCurrent;
        for (int m = 0; m < _bins; m++)
        {
            double dFreq = m == 0 || m == _bins - 1 ? 0 : (log[m + 1] - log[m - 1]) / 2;
            _timeGradCurrent[m] = _timeScale * dFreq + _binAdvance[m];
            _freqGrad[m] = -_freqScale * (_logNext[m] - _logPrevious[m]) / 2;
        }

        double max = double.NegativeInfinity;
        for (int m = 0; m < _bins; m++)
            max = Math.Max(max, Math.Max(log[m], _logPrevious[m]));
        double threshold = max + _logTolerance;

        int remaining = 0;
        for (int m = 0; m < _bins; m++)
        {
            _done[m] = log[m] < threshold;
            if (_done[m])
                _phaseCurrent[m] = NextRandomPhase();
            else
                remaining++;
        }

        // Keys: m for bin m of the previous frame, _bins + m for the current frame; the largest log-magnitude first.
        _heap.Reset(threshold, max);
        for (int m = 0; m < _bins; m++)
            if (_logPrevious[m] >= threshold)
                _heap.Push(m, _logPrevious[m]);
        while (remaining > 0)
        {
            if (_heap.Count == 0)
            {
                // No significant neighbour: start at the largest coefficient left, integrated along time.
                int start = -1;
                for (int m = 0; m < _bins; m++)
                    if (!_done[m] && (start < 0 || log[m] > log[start]))
                        start = m;
                _phaseCurrent[start] = _phasePrevious[start] + (_timeGradPrevious[start] + _timeGradCurrent[start]) / 2;
                _done[start] = true;
                remaining--;
                _heap.Push(_bins + start, log[start]);
                continue;
            }

            int key = _heap.Pop();
            if (key < _bins)
            {
                int m = key;
                if (_done[m])
                    continue;
                _phaseCurrent[m] = _phasePrevious[m] + (_timeGradPrevious[m] + _timeGradCurrent[m]) / 2;
                _done[m] = true;
                remaining--;
                _heap.Push(_bins + m, log[m]);
            }
            else
            {
                int m = key - _bins;
                if (m + 1 < _bins && !_done[m + 1])
                {
                    _phaseCurrent[m + 1] = _phaseCurrent[m] + (_freqGrad[m] + _freqGrad[m + 1]) / 2;
                    _done[m + 1] = true;
                    remaining--;
                    _heap.Push(_bins + m + 1, log[m + 1]);
                }

                if (m > 0 && !_done[m - 1])
                {
                    _phaseCurrent[m - 1] = _phaseCurrent[m] - (_freqGrad[m] + _freqGrad[m - 1]) / 2;
                    _done[m - 1] = true;
                    remaining--;
                    _heap.Push(_bins + m - 1, log[m - 1]);
                }
            }
        }

        // The phase above is for a window centred on the frame's time origin; Stft frames start there, which
        // turns bin m by e^{−iπm} = (−1)^m. Phases are wrapped to [−π, π] before they narrow to float.
        for (int m = 0; m < _bins; m++)
        {
            double phase = _phaseCurrent[m];
            _sin[m] = (float)(phase - 2 * Math.PI * Math.Round(phase * (1 / (2 * Math.PI))));
        }

        TensorPrimitives.SinCos(_sin, _sin, _cos);
        TensorPrimitives.Multiply(_magnitude, _signs, _signed);
        TensorPrimitives.Multiply(_signed, _cos, real[.._bins]);
        TensorPrimitives.Multiply(_signed, _sin, imag[.._bins]);

        (_phasePrevious, _phaseCurrent) = (_phaseCurrent, _phasePrevious);
        (_timeGradPrevious, _timeGradCurrent) = (_timeGradCurrent, _timeGradPrevious);
        (_logPrevious, _logCurrent) = (_logCurrent, _logPrevious);
    }

    private double NextRandomPhase()
    {
        _random ^= _random << 13;
        _random ^= _random >> 17;
        _random ^= _random << 5;
        return _random * (2 * Math.PI / 4294967296.0);
    }
}

/// <summary>
/// A max-priority queue of coefficient keys for <see cref="PhaseReconstruction"/>: priorities in [floor, ceiling]
/// quantised to 256 buckets, the highest bucket first (last in, first out within one). Each key is pushed at most once
/// per frame. Constant time per push; pops scan down at most 256 buckets per frame in all.
/// </summary>
internal sealed class BucketQueue
{
    private const int Buckets = 256;
    private readonly int[] _head = new int[Buckets];
    private readonly int[] _next;
    private double _floor, _scale;
    private int _top;

    public BucketQueue(int keys) => _next = new int[keys];

    public int Count { get; private set; }

    /// <summary>Empties the queue for priorities between <paramref name="floor"/> and <paramref name="ceiling"/>.</summary>
    public void Reset(double floor, double ceiling)
    {
        Array.Fill(_head, -1);
        _floor = floor;
        _scale = (Buckets - 1) / Math.Max(ceiling - floor, 1e-9);
        _top = -1;
        Count = 0;
    }

    public void Push(int key, double priority)
    {
        int b = Math.Clamp((int)((priority - _floor) * _scale), 0, Buckets - 1);
        _next[key] = _head[b];
        _head[b] = key;
        _top = Math.Max(_top, b);
        Count++;
    }

    /// <summary>A key of the highest non-empty bucket; the queue must not be empty.</summary>
    public int Pop()
    {
        while (_head[_top] < 0)
            _top--;
        int key = _head[_top];
        _head[_top] = _next[key];
        Count--;
        return key;
    }
}
