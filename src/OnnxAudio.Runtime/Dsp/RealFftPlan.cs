using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace OnnxAudio.Dsp;

/// <summary>
/// Real FFT of an even length N through one complex FFT of length M = N/2 on z[k] = x[2k] + i·x[2k+1], then the
/// split step X[k] = E[k] + W_N^k·O[k] with E = (Z[k] + conj Z[M−k])/2, O = (Z[k] − conj Z[M−k])/(2i).
/// Works on lanes like <see cref="ComplexFftPlan"/>: the caller packs (and windows) frames into the z layout.
/// </summary>
internal sealed class RealFftPlan
{
    private static readonly ConcurrentDictionary<int, RealFftPlan> Cache = new();

    private readonly float[] _wRe; // cos(2πk/N), k = 0..M
    private readonly float[] _wIm; // −sin(2πk/N)

    private RealFftPlan(int length)
    {
        if (!IsSupportedLength(length))
            throw new ArgumentException($"Real FFT length {length} must be even with prime factors 2, 3 and 5 only.", nameof(length));
        Length = length;
        Half = ComplexFftPlan.Get(length / 2);
        _wRe = new float[length / 2 + 1];
        _wIm = new float[length / 2 + 1];
        for (int k = 0; k <= length / 2; k++)
        {
            double angle = -2 * Math.PI * k / length;
            _wRe[k] = (float)Math.Cos(angle);
            _wIm[k] = (float)Math.Sin(angle);
        }
    }

    /// <summary>N, the number of real samples.</summary>
    public int Length { get; }

    /// <summary>N/2 + 1, the number of non-negative-frequency bins.</summary>
    public int Bins => Length / 2 + 1;

    /// <summary>The complex plan of length N/2.</summary>
    public ComplexFftPlan Half { get; }

    public static bool IsSupportedLength(int length) => length >= 2 && length % 2 == 0 && ComplexFftPlan.IsSupportedLength(length / 2);

    public static RealFftPlan Get(int length) => Cache.GetOrAdd(length, static n => new RealFftPlan(n));

    /// <summary>
    /// Transforms packed input (<paramref name="zr"/>[k] = x[2k], <paramref name="zi"/>[k] = x[2k+1], per lane; both are
    /// overwritten) into <see cref="Bins"/> bins per lane in <paramref name="outRe"/>/<paramref name="outIm"/>.
    /// </summary>
    public void ForwardPacked<TLane>(Span<float> zr, Span<float> zi, Span<float> workRe, Span<float> workIm, Span<float> outRe, Span<float> outIm)
        where TLane : struct, IFftLane<TLane>
    {
        int m = Length / 2;
        Half.Forward<TLane>(zr, zi, workRe, workIm);
        ref float ar = ref MemoryMarshal.GetReference(zr);
        ref float ai = ref MemoryMarshal.GetReference(zi);
        ref float xr = ref MemoryMarshal.GetReference(outRe);
        ref float xi = ref MemoryMarshal.GetReference(outIm);
        if (outRe.Length < Bins * TLane.Width || outIm.Length < Bins * TLane.Width)
            throw new ArgumentException("Output buffers are too small.");
        for (int k = 0; k <= m; k++)
        {
            int k1 = k == m ? 0 : k, k2 = k == 0 ? 0 : m - k;
            TLane a = TLane.Load(ref ar, k1), b = TLane.Load(ref ai, k1);
            TLane c = TLane.Load(ref ar, k2), d = TLane.Load(ref ai, k2);
            TLane er = TLane.Multiply(TLane.Add(a, c), 0.5f), ei = TLane.Multiply(TLane.Subtract(b, d), 0.5f);
            TLane or = TLane.Multiply(TLane.Add(b, d), 0.5f), oi = TLane.Multiply(TLane.Subtract(c, a), 0.5f);
            float wr = _wRe[k], wi = _wIm[k];
            TLane.Store(TLane.Add(er, TLane.MultiplyAdd(or, wr, oi, -wi)), ref xr, k);
            TLane.Store(TLane.Add(ei, TLane.MultiplyAdd(oi, wr, or, wi)), ref xi, k);
        }
    }

    /// <summary>
    /// Inverse of <see cref="ForwardPacked"/>, scaled by 1/N: from <see cref="Bins"/> bins per lane to packed output
    /// (<paramref name="zr"/>[k] = x[2k], <paramref name="zi"/>[k] = x[2k+1]). The imaginary parts of bins 0 and N/2 are
    /// ignored, as for any real signal.
    /// </summary>
    public void InversePacked<TLane>(ReadOnlySpan<float> inRe, ReadOnlySpan<float> inIm, Span<float> zr, Span<float> zi, Span<float> workRe, Span<float> workIm)
        where TLane : struct, IFftLane<TLane>
    {
        int m = Length / 2;
        if (inRe.Length < Bins * TLane.Width || inIm.Length < Bins * TLane.Width)
            throw new ArgumentException("Input buffers are too small.");
        ref float xr = ref MemoryMarshal.GetReference(inRe);
        ref float xi = ref MemoryMarshal.GetReference(inIm);
        ref float ar = ref MemoryMarshal.GetReference(zr);
        ref float ai = ref MemoryMarshal.GetReference(zi);
        float scale = 1f / m;
        for (int k = 0; k < m; k++)
        {
            TLane a = TLane.Load(ref xr, k), b = TLane.Load(ref xi, k);
            TLane c = TLane.Load(ref xr, m - k), d = TLane.Load(ref xi, m - k);
            if (k == 0)
            {
                // DC and Nyquist bins of a real signal are real.
                b = TLane.Multiply(b, 0f);
                d = TLane.Multiply(d, 0f);
            }

            TLane er = TLane.Multiply(TLane.Add(a, c), 0.5f), ei = TLane.Multiply(TLane.Subtract(b, d), 0.5f);
            TLane dr = TLane.Multiply(TLane.Subtract(a, c), 0.5f), di = TLane.Multiply(TLane.Add(b, d), 0.5f);
            float wr = _wRe[k], wi = _wIm[k];
            // O = D·conj(W^k); Z = E + i·O. Stored conjugated and scaled, so that a forward FFT performs the inverse.
            TLane or = TLane.MultiplyAdd(dr, wr, di, wi), oi = TLane.MultiplyAdd(di, wr, dr, -wi);
            TLane.Store(TLane.Multiply(TLane.Subtract(er, oi), scale), ref ar, k);
            TLane.Store(TLane.Multiply(TLane.Add(ei, or), -scale), ref ai, k);
        }

        Half.Forward<TLane>(zr, zi, workRe, workIm);
        // Undo the conjugation: x[2k+1] = −Im.
        Span<float> imag = zi[..(m * TLane.Width)];
        System.Numerics.Tensors.TensorPrimitives.Negate(imag, imag);
    }
}
