using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OnnxAudio.Dsp;

/// <summary>
/// A complex FFT of one length whose prime factors are 2, 3 and 5: a Stockham auto-sort decimation-in-frequency FFT
/// with radix-4, 2, 3 and 5 passes, on split real/imaginary arrays. Stockham needs no bit reversal, and every pass reads
/// and writes whole lanes, so the same code runs one transform (<see cref="ScalarLane"/>) or a batch
/// (<see cref="VectorLane"/>). Twiddles are computed once per plan in double precision; plans are cached by length.
/// </summary>
/// <remarks>
/// Pass with radix R over sub-length n = R·m at stride s (n·s = N): for p &lt; m, q &lt; s,
/// y[q + s(Rp + k)] = W_n^{pk} · Σ_r x[q + s(p + rm)] ω_R^{rk}. (C. Van Loan, Computational Frameworks for the FFT, 1.7.)
/// </remarks>
internal sealed class ComplexFftPlan
{
    private static readonly ConcurrentDictionary<int, ComplexFftPlan> Cache = new();

    private readonly Pass[] _passes;
    private readonly float[] _twiddleRe;
    private readonly float[] _twiddleIm;

    private readonly record struct Pass(int Radix, int Stride, int M, int TwiddleOffset);

    private ComplexFftPlan(int length)
    {
        Length = length;
        var radices = new List<int>();
        int rest = length;
        while (rest % 4 == 0) { radices.Add(4); rest /= 4; }
        while (rest % 2 == 0) { radices.Add(2); rest /= 2; }
        while (rest % 3 == 0) { radices.Add(3); rest /= 3; }
        while (rest % 5 == 0) { radices.Add(5); rest /= 5; }
        if (rest != 1)
            throw new ArgumentException($"FFT length {length} has a prime factor other than 2, 3 and 5.", nameof(length));

        var passes = new List<Pass>();
        var re = new List<float>();
        var im = new List<float>();
        int n = length, stride = 1;
        foreach (int radix in radices)
        {
            int m = n / radix;
            passes.Add(new Pass(radix, stride, m, re.Count));
            for (int p = 0; p < m; p++)
            {
                for (int k = 1; k < radix; k++)
                {
                    double angle = -2 * Math.PI * p * k / n;
                    re.Add((float)Math.Cos(angle));
                    im.Add((float)Math.Sin(angle));
                }
            }

            n = m;
            stride *= radix;
        }

        _passes = passes.ToArray();
        _twiddleRe = re.ToArray();
        _twiddleIm = im.ToArray();
    }

    public int Length { get; }

    /// <summary>True for lengths ≥ 1 whose prime factors are only 2, 3 and 5.</summary>
    public static bool IsSupportedLength(int length)
    {
        if (length < 1)
            return false;
        while (length % 2 == 0)
            length /= 2;
        while (length % 3 == 0)
            length /= 3;
        while (length % 5 == 0)
            length /= 5;
        return length == 1;
    }

    public static ComplexFftPlan Get(int length) => Cache.GetOrAdd(length, static n => new ComplexFftPlan(n));

    /// <summary>
    /// Forward transform (e^{-2πi kn/N}, unscaled) of <typeparamref name="TLane"/>.Width interleaved transforms in place
    /// in <paramref name="re"/>/<paramref name="im"/>; <paramref name="workRe"/>/<paramref name="workIm"/> are scratch of
    /// the same size.
    /// </summary>
    public void Forward<TLane>(Span<float> re, Span<float> im, Span<float> workRe, Span<float> workIm)
        where TLane : struct, IFftLane<TLane>
    {
        int size = Length * TLane.Width;
        if (re.Length < size || im.Length < size || workRe.Length < size || workIm.Length < size)
            throw new ArgumentException($"Buffers must hold {size} values.");

        ref float xr = ref MemoryMarshal.GetReference(re);
        ref float xi = ref MemoryMarshal.GetReference(im);
        ref float yr = ref MemoryMarshal.GetReference(workRe);
        ref float yi = ref MemoryMarshal.GetReference(workIm);
        bool inWork = false;
        foreach (Pass pass in _passes)
        {
            ref float tr = ref _twiddleRe[pass.TwiddleOffset];
            ref float ti = ref _twiddleIm[pass.TwiddleOffset];
            if (inWork)
                Run<TLane>(pass, ref tr, ref ti, ref yr, ref yi, ref xr, ref xi);
            else
                Run<TLane>(pass, ref tr, ref ti, ref xr, ref xi, ref yr, ref yi);
            inWork = !inWork;
        }

        if (inWork)
        {
            workRe[..size].CopyTo(re);
            workIm[..size].CopyTo(im);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run<TLane>(Pass pass, ref float tr, ref float ti, ref float xr, ref float xi, ref float yr, ref float yi)
        where TLane : struct, IFftLane<TLane>
    {
        switch (pass.Radix)
        {
            case 4: Radix4<TLane>(pass.Stride, pass.M, ref tr, ref ti, ref xr, ref xi, ref yr, ref yi); break;
            case 2: Radix2<TLane>(pass.Stride, pass.M, ref tr, ref ti, ref xr, ref xi, ref yr, ref yi); break;
            case 3: Radix3<TLane>(pass.Stride, pass.M, ref tr, ref ti, ref xr, ref xi, ref yr, ref yi); break;
            default: Radix5<TLane>(pass.Stride, pass.M, ref tr, ref ti, ref xr, ref xi, ref yr, ref yi); break;
        }
    }

    /// <summary>Stores b·w at element <paramref name="o"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRotated<TLane>(TLane br, TLane bi, float wr, float wi, ref float yr, ref float yi, nint o)
        where TLane : struct, IFftLane<TLane>
    {
        TLane.Store(TLane.MultiplyAdd(br, wr, bi, -wi), ref yr, o);
        TLane.Store(TLane.MultiplyAdd(br, wi, bi, wr), ref yi, o);
    }

    private static void Radix2<TLane>(int s, int m, ref float tr, ref float ti, ref float xr, ref float xi, ref float yr, ref float yi)
        where TLane : struct, IFftLane<TLane>
    {
        nint sm = (nint)s * m;
        for (int p = 0; p < m; p++)
        {
            float wr = Unsafe.Add(ref tr, p), wi = Unsafe.Add(ref ti, p);
            for (int q = 0; q < s; q++)
            {
                nint i = q + (nint)s * p, o = q + (nint)s * 2 * p;
                TLane a0r = TLane.Load(ref xr, i), a0i = TLane.Load(ref xi, i);
                TLane a1r = TLane.Load(ref xr, i + sm), a1i = TLane.Load(ref xi, i + sm);
                TLane.Store(TLane.Add(a0r, a1r), ref yr, o);
                TLane.Store(TLane.Add(a0i, a1i), ref yi, o);
                StoreRotated(TLane.Subtract(a0r, a1r), TLane.Subtract(a0i, a1i), wr, wi, ref yr, ref yi, o + s);
            }
        }
    }

    private static void Radix4<TLane>(int s, int m, ref float tr, ref float ti, ref float xr, ref float xi, ref float yr, ref float yi)
        where TLane : struct, IFftLane<TLane>
    {
        nint sm = (nint)s * m;
        for (int p = 0; p < m; p++)
        {
            float w1r = Unsafe.Add(ref tr, 3 * p), w1i = Unsafe.Add(ref ti, 3 * p);
            float w2r = Unsafe.Add(ref tr, 3 * p + 1), w2i = Unsafe.Add(ref ti, 3 * p + 1);
            float w3r = Unsafe.Add(ref tr, 3 * p + 2), w3i = Unsafe.Add(ref ti, 3 * p + 2);
            for (int q = 0; q < s; q++)
            {
                nint i = q + (nint)s * p, o = q + (nint)s * 4 * p;
                TLane a0r = TLane.Load(ref xr, i), a0i = TLane.Load(ref xi, i);
                TLane a1r = TLane.Load(ref xr, i + sm), a1i = TLane.Load(ref xi, i + sm);
                TLane a2r = TLane.Load(ref xr, i + 2 * sm), a2i = TLane.Load(ref xi, i + 2 * sm);
                TLane a3r = TLane.Load(ref xr, i + 3 * sm), a3i = TLane.Load(ref xi, i + 3 * sm);
                TLane t0r = TLane.Add(a0r, a2r), t0i = TLane.Add(a0i, a2i);
                TLane t1r = TLane.Subtract(a0r, a2r), t1i = TLane.Subtract(a0i, a2i);
                TLane t2r = TLane.Add(a1r, a3r), t2i = TLane.Add(a1i, a3i);
                TLane t3r = TLane.Subtract(a1r, a3r), t3i = TLane.Subtract(a1i, a3i);
                TLane.Store(TLane.Add(t0r, t2r), ref yr, o);
                TLane.Store(TLane.Add(t0i, t2i), ref yi, o);
                // b1 = t1 - i·t3, b3 = t1 + i·t3
                StoreRotated(TLane.Add(t1r, t3i), TLane.Subtract(t1i, t3r), w1r, w1i, ref yr, ref yi, o + s);
                StoreRotated(TLane.Subtract(t0r, t2r), TLane.Subtract(t0i, t2i), w2r, w2i, ref yr, ref yi, o + 2 * s);
                StoreRotated(TLane.Subtract(t1r, t3i), TLane.Add(t1i, t3r), w3r, w3i, ref yr, ref yi, o + 3 * s);
            }
        }
    }

    private static void Radix3<TLane>(int s, int m, ref float tr, ref float ti, ref float xr, ref float xi, ref float yr, ref float yi)
        where TLane : struct, IFftLane<TLane>
    {
        const float sin60 = 0.866025403784438646763723170752936183f;
        nint sm = (nint)s * m;
        for (int p = 0; p < m; p++)
        {
            float w1r = Unsafe.Add(ref tr, 2 * p), w1i = Unsafe.Add(ref ti, 2 * p);
            float w2r = Unsafe.Add(ref tr, 2 * p + 1), w2i = Unsafe.Add(ref ti, 2 * p + 1);
            for (int q = 0; q < s; q++)
            {
                nint i = q + (nint)s * p, o = q + (nint)s * 3 * p;
                TLane a0r = TLane.Load(ref xr, i), a0i = TLane.Load(ref xi, i);
                TLane a1r = TLane.Load(ref xr, i + sm), a1i = TLane.Load(ref xi, i + sm);
                TLane a2r = TLane.Load(ref xr, i + 2 * sm), a2i = TLane.Load(ref xi, i + 2 * sm);
                TLane sr = TLane.Add(a1r, a2r), si = TLane.Add(a1i, a2i);
                TLane dr = TLane.Multiply(TLane.Subtract(a1r, a2r), sin60), di = TLane.Multiply(TLane.Subtract(a1i, a2i), sin60);
                TLane.Store(TLane.Add(a0r, sr), ref yr, o);
                TLane.Store(TLane.Add(a0i, si), ref yi, o);
                TLane mr = TLane.MultiplyAdd(a0r, 1f, sr, -0.5f), mi = TLane.MultiplyAdd(a0i, 1f, si, -0.5f);
                // b1 = m - i·d, b2 = m + i·d
                StoreRotated(TLane.Add(mr, di), TLane.Subtract(mi, dr), w1r, w1i, ref yr, ref yi, o + s);
                StoreRotated(TLane.Subtract(mr, di), TLane.Add(mi, dr), w2r, w2i, ref yr, ref yi, o + 2 * s);
            }
        }
    }

    private static void Radix5<TLane>(int s, int m, ref float tr, ref float ti, ref float xr, ref float xi, ref float yr, ref float yi)
        where TLane : struct, IFftLane<TLane>
    {
        const float c1 = 0.309016994374947424102293417182819059f;  // cos(2π/5)
        const float c2 = -0.809016994374947424102293417182819059f; // cos(4π/5)
        const float s1 = 0.951056516295153572116439333379382143f;  // sin(2π/5)
        const float s2 = 0.587785252292473129168705954639072769f;  // sin(4π/5)
        nint sm = (nint)s * m;
        for (int p = 0; p < m; p++)
        {
            ref float w = ref Unsafe.Add(ref tr, 4 * p);
            ref float v = ref Unsafe.Add(ref ti, 4 * p);
            for (int q = 0; q < s; q++)
            {
                nint i = q + (nint)s * p, o = q + (nint)s * 5 * p;
                TLane a0r = TLane.Load(ref xr, i), a0i = TLane.Load(ref xi, i);
                TLane a1r = TLane.Load(ref xr, i + sm), a1i = TLane.Load(ref xi, i + sm);
                TLane a2r = TLane.Load(ref xr, i + 2 * sm), a2i = TLane.Load(ref xi, i + 2 * sm);
                TLane a3r = TLane.Load(ref xr, i + 3 * sm), a3i = TLane.Load(ref xi, i + 3 * sm);
                TLane a4r = TLane.Load(ref xr, i + 4 * sm), a4i = TLane.Load(ref xi, i + 4 * sm);
                TLane t1r = TLane.Add(a1r, a4r), t1i = TLane.Add(a1i, a4i);
                TLane t2r = TLane.Add(a2r, a3r), t2i = TLane.Add(a2i, a3i);
                TLane t3r = TLane.Subtract(a1r, a4r), t3i = TLane.Subtract(a1i, a4i);
                TLane t4r = TLane.Subtract(a2r, a3r), t4i = TLane.Subtract(a2i, a3i);
                TLane.Store(TLane.Add(a0r, TLane.Add(t1r, t2r)), ref yr, o);
                TLane.Store(TLane.Add(a0i, TLane.Add(t1i, t2i)), ref yi, o);
                TLane m1r = TLane.Add(a0r, TLane.MultiplyAdd(t1r, c1, t2r, c2)), m1i = TLane.Add(a0i, TLane.MultiplyAdd(t1i, c1, t2i, c2));
                TLane m2r = TLane.Add(a0r, TLane.MultiplyAdd(t1r, c2, t2r, c1)), m2i = TLane.Add(a0i, TLane.MultiplyAdd(t1i, c2, t2i, c1));
                TLane n1r = TLane.MultiplyAdd(t3r, s1, t4r, s2), n1i = TLane.MultiplyAdd(t3i, s1, t4i, s2);
                TLane n2r = TLane.MultiplyAdd(t3r, s2, t4r, -s1), n2i = TLane.MultiplyAdd(t3i, s2, t4i, -s1);
                // b1 = m1 - i·n1, b4 = m1 + i·n1, b2 = m2 - i·n2, b3 = m2 + i·n2
                StoreRotated(TLane.Add(m1r, n1i), TLane.Subtract(m1i, n1r), w, v, ref yr, ref yi, o + s);
                StoreRotated(TLane.Add(m2r, n2i), TLane.Subtract(m2i, n2r), Unsafe.Add(ref w, 1), Unsafe.Add(ref v, 1), ref yr, ref yi, o + 2 * s);
                StoreRotated(TLane.Subtract(m2r, n2i), TLane.Add(m2i, n2r), Unsafe.Add(ref w, 2), Unsafe.Add(ref v, 2), ref yr, ref yi, o + 3 * s);
                StoreRotated(TLane.Subtract(m1r, n1i), TLane.Add(m1i, n1r), Unsafe.Add(ref w, 3), Unsafe.Add(ref v, 3), ref yr, ref yi, o + 4 * s);
            }
        }
    }
}
