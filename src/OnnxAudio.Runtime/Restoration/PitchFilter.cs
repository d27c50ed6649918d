using System.Numerics.Tensors;
using OnnxAudio.Dsp;

namespace OnnxAudio.Restoration;

/// <summary>
/// RNNoise's pitch filter (Valin, "A Hybrid DSP/Deep Learning Approach to Real-Time Full-Band Speech Enhancement",
/// 2018, §3.3) on a restoration stream's STFT: before a frame's mask is applied, the frame is mixed per band with the
/// spectrum P of the input one pitch period earlier, which adds the harmonics coherently and the noise between them
/// incoherently. How much of P a band takes grows as the mask's gain g in that band falls and as the pitch
/// correlation c of X and P rises: r² = c²(1 − g²) / (g²(1 − c²)), capped at 1 (and 1 where c &gt; g), times
/// √(E_X / E_P); afterwards each band is scaled back to its energy before the filter. A band the mask leaves alone
/// (g = 1) takes none of P, so pass-through stays exact. Band gains are interpolated to bins with RNNoise's
/// triangular bands (200 Hz apart up to 1.6 kHz, widening to 1.2 kHz apart at 5.6–8 kHz).
/// The period is the lag of 2–16 ms (62.5–500 Hz) whose segment of the past input correlates best (normalised) with
/// the frame's own samples (a lag 1.5 times the best so far or longer must beat it by 0.01, so that a period's
/// multiples do not replace it). Needs no look-ahead and adds no latency. Not thread-safe (one per stream).
/// </summary>
internal sealed class PitchFilter
{
    private static readonly int[] BandEdgesHz = [0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 2000, 2400, 2800, 3200, 4000, 4800, 5600, 6800, 8000, 9600, 12000, 15600, 20000];

    private readonly Stft _stft;
    private readonly int _nFft, _hop, _bins, _minPeriod, _maxPeriod, _bands;
    private readonly int[] _band;      // per bin: the band below it (the bin's weight 1 − frac goes there, frac to the next)
    private readonly float[] _frac;
    private readonly float[] _ex, _ep, _exp, _eg, _r, _newE;
    private readonly float[] _pRe, _pIm;
    private float[] _history;          // input samples from absolute index _historyStart on
    private long _historyStart;
    private int _historyCount;

    public PitchFilter(StftOptions stft, int sampleRate)
    {
        _stft = new Stft(stft.WithoutCentering());
        _nFft = _stft.NFft;
        _hop = _stft.HopLength;
        _bins = _stft.Bins;
        _minPeriod = Math.Max(2, (int)Math.Round(0.002 * sampleRate));
        _maxPeriod = Math.Max(_minPeriod + 1, (int)Math.Round(0.016 * sampleRate));

        // Band edges in bins, strictly increasing, up to the Nyquist bin.
        var edges = new List<int>();
        foreach (int hz in BandEdgesHz)
        {
            int bin = (int)Math.Round(hz * (double)_nFft / sampleRate);
            if (bin >= _bins - 1)
                break;
            if (edges.Count == 0 || bin > edges[^1])
                edges.Add(bin);
        }

        edges.Add(_bins - 1);
        _bands = edges.Count;
        _band = new int[_bins];
        _frac = new float[_bins];
        for (int b = 0; b + 1 < _bands; b++)
            for (int f = edges[b]; f < edges[b + 1]; f++)
            {
                _band[f] = b;
                _frac[f] = (f - edges[b]) / (float)(edges[b + 1] - edges[b]);
            }

        _band[_bins - 1] = _bands - 1;
        _ex = new float[_bands];
        _ep = new float[_bands];
        _exp = new float[_bands];
        _eg = new float[_bands];
        _r = new float[_bands];
        _newE = new float[_bands];
        _pRe = new float[_bins];
        _pIm = new float[_bins];
        _history = new float[_maxPeriod + 2 * _nFft];
    }

    /// <summary>The period the last filtered frame used, in samples (0: none found or not filtered).</summary>
    public int LastPeriod { get; private set; }

    /// <summary>Adds the samples the stream's analysis received (priming zeros included), in order.</summary>
    public void Push(ReadOnlySpan<float> samples)
    {
        if (_historyCount + samples.Length > _history.Length)
            Array.Resize(ref _history, Math.Max(_historyCount + samples.Length, 2 * _history.Length));
        samples.CopyTo(_history.AsSpan(_historyCount));
        _historyCount += samples.Length;
    }

    /// <summary>Forgets the history: a new stream starts.</summary>
    public void Reset()
    {
        _historyStart = 0;
        _historyCount = 0;
        LastPeriod = 0;
    }

    /// <summary>
    /// Filters analysis frame <paramref name="frame"/> (its samples start at frame × hop of what was pushed; frames are
    /// filtered in increasing order) in place: <paramref name="spectrum"/> holds its bins as (real, imaginary) pairs and
    /// <paramref name="mask"/> the complex mask that will be applied to it, blended with unity by
    /// <paramref name="strength"/>. Frames before the stream's start (a look-ahead cache's zeros) are left alone.
    /// </summary>
    public void Filter(long frame, Span<float> spectrum, ReadOnlySpan<float> mask, float strength)
    {
        LastPeriod = 0;
        if (frame < 0)
            return;
        long start = frame * _hop;
        if (start < _historyStart || start + _nFft > _historyStart + _historyCount)
            throw new InvalidOperationException($"Frame {frame} is not in the pitch filter's history.");
        int offset = (int)(start - _historyStart);
        int period = FindPeriod(offset);
        if (period > 0)
        {
            LastPeriod = period;
            _stft.Forward(_history.AsSpan(offset - period, _nFft), _pRe, _pIm);
            Mix(spectrum, mask, strength);
        }

        // Keep what later frames can reach: from the next frame's start, one maximal period back. The samples before it
        // are dropped once they are half of what is held, so a block of many frames is not shifted frame by frame.
        long keepFrom = Math.Max(0, start + _hop - _maxPeriod);
        int drop = (int)Math.Min(_historyCount, keepFrom - _historyStart);
        if (drop > 0 && 2 * drop >= _historyCount)
        {
            Array.Copy(_history, drop, _history, 0, _historyCount - drop);
            _historyCount -= drop;
            _historyStart += drop;
        }
    }

    /// <summary>The lag whose past segment correlates best with the frame at <paramref name="offset"/> (0 if none does).</summary>
    private int FindPeriod(int offset)
    {
        ReadOnlySpan<float> x = _history.AsSpan(offset, _nFft);
        float energy = TensorPrimitives.SumOfSquares(x);
        if (!(energy > 1e-10f * _nFft))
            return 0;
        int best = 0;
        float bestScore = 0;
        int longest = Math.Min(_maxPeriod, offset);
        if (longest < _minPeriod)
            return 0;
        // The lagged segment's energy slides with the lag: one sample enters at the front, one leaves at the back.
        double lagged = TensorPrimitives.SumOfSquares(_history.AsSpan(offset - _minPeriod, _nFft));
        for (int lag = _minPeriod; lag <= longest; lag++)
        {
            if (lag > _minPeriod)
            {
                float enters = _history[offset - lag], leaves = _history[offset - lag + _nFft];
                lagged = Math.Max(0, lagged + enters * enters - leaves * leaves);
            }

            float c = TensorPrimitives.Dot(x, _history.AsSpan(offset - lag, _nFft));
            if (c <= 0)
                continue;
            float score = c / MathF.Sqrt(energy * (float)lagged + 1e-20f);
            // A lag half again as long as the best (a multiple of its period) must be clearly better to replace it.
            if (score > (2 * lag >= 3 * best && best > 0 ? bestScore + 0.01f : bestScore))
            {
                bestScore = score;
                best = lag;
            }
        }

        return best;
    }

    private void Mix(Span<float> x, ReadOnlySpan<float> mask, float strength)
    {
        Array.Clear(_ex);
        Array.Clear(_ep);
        Array.Clear(_exp);
        Array.Clear(_eg);
        for (int f = 0; f < _bins; f++)
        {
            float xr = x[2 * f], xi = x[2 * f + 1], pr = _pRe[f], pi = _pIm[f];
            float mr = 1 + strength * (mask[2 * f] - 1), mi = strength * mask[2 * f + 1];
            float ex = xr * xr + xi * xi;
            Accumulate(_ex, f, ex);
            Accumulate(_ep, f, pr * pr + pi * pi);
            Accumulate(_exp, f, xr * pr + xi * pi);
            Accumulate(_eg, f, (mr * mr + mi * mi) * ex);
        }

        bool any = false;
        for (int b = 0; b < _bands; b++)
        {
            float c = _exp[b] / MathF.Sqrt(_ex[b] * _ep[b] + 1e-20f);
            float g = Math.Clamp(MathF.Sqrt(_eg[b] / (_ex[b] + 1e-20f)), 0, 1);
            if (g >= 1 || !(c > 0))
            {
                _r[b] = 0;   // a band passed through whole (or uncorrelated) takes none of P
                continue;
            }

            float r = c > g ? 1 : c * c * (1 - g * g) / (0.001f + g * g * (1 - c * c));
            _r[b] = MathF.Sqrt(Math.Clamp(r, 0, 1)) * MathF.Sqrt(_ex[b] / (_ep[b] + 1e-20f));
            any |= _r[b] > 0;
        }

        if (!any)
            return;
        Array.Clear(_newE);
        for (int f = 0; f < _bins; f++)
        {
            float r = Interpolate(_r, f);
            float re = x[2 * f] += r * _pRe[f], im = x[2 * f + 1] += r * _pIm[f];
            Accumulate(_newE, f, re * re + im * im);
        }

        for (int b = 0; b < _bands; b++)
            _newE[b] = MathF.Sqrt(_ex[b] / (_newE[b] + 1e-20f));
        for (int f = 0; f < _bins; f++)
        {
            float norm = Interpolate(_newE, f);
            x[2 * f] *= norm;
            x[2 * f + 1] *= norm;
        }
    }

    private void Accumulate(float[] bands, int f, float value)
    {
        int b = _band[f];
        float frac = _frac[f];
        bands[b] += (1 - frac) * value;
        if (frac > 0)
            bands[b + 1] += frac * value;
    }

    private float Interpolate(float[] bands, int f)
    {
        int b = _band[f];
        float frac = _frac[f];
        return frac > 0 ? (1 - frac) * bands[b] + frac * bands[b + 1] : bands[b];
    }
}
