using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace OnnxAudio.Dsp;

/// <summary>
/// Moves 8 frames between frame-major memory and the 8-lane layout of <see cref="VectorLane"/> with AVX 8×8 transposes,
/// instead of 64 strided scalar moves per tile (the STFT benchmark showed those dominating the FFT itself).
/// Only used where AVX is available and <see cref="Vector{T}"/> has 8 lanes; callers keep a portable path.
/// </summary>
internal static class LaneTranspose
{
    public static bool IsSupported => Avx.IsSupported && Vector<float>.Count == 8;

    /// <summary>
    /// Windows 8 frames of <paramref name="nFft"/> samples (frame f starts at <paramref name="first"/> + f·<paramref name="hop"/>)
    /// and stores them packed for the real FFT: even samples into <paramref name="zr"/>, odd into <paramref name="zi"/>,
    /// lane f = frame f. <paramref name="nFft"/> must be a multiple of 8.
    /// </summary>
    public static void PackFrames(ReadOnlySpan<float> signal, int first, int hop, ReadOnlySpan<float> window, int nFft, Span<float> zr, Span<float> zi)
    {
        ref float x = ref MemoryMarshal.GetReference(signal);
        ref float w = ref MemoryMarshal.GetReference(window);
        ref float re = ref MemoryMarshal.GetReference(zr);
        ref float im = ref MemoryMarshal.GetReference(zi);
        for (int t = 0; t < nFft; t += 8)
        {
            Vector256<float> win = Vector256.LoadUnsafe(ref w, (nuint)t);
            Vector256<float> r0 = Vector256.LoadUnsafe(ref x, (nuint)(first + t)) * win;
            Vector256<float> r1 = Vector256.LoadUnsafe(ref x, (nuint)(first + hop + t)) * win;
            Vector256<float> r2 = Vector256.LoadUnsafe(ref x, (nuint)(first + 2 * hop + t)) * win;
            Vector256<float> r3 = Vector256.LoadUnsafe(ref x, (nuint)(first + 3 * hop + t)) * win;
            Vector256<float> r4 = Vector256.LoadUnsafe(ref x, (nuint)(first + 4 * hop + t)) * win;
            Vector256<float> r5 = Vector256.LoadUnsafe(ref x, (nuint)(first + 5 * hop + t)) * win;
            Vector256<float> r6 = Vector256.LoadUnsafe(ref x, (nuint)(first + 6 * hop + t)) * win;
            Vector256<float> r7 = Vector256.LoadUnsafe(ref x, (nuint)(first + 7 * hop + t)) * win;
            Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
            // Row j now holds sample t + j of the 8 frames: even samples are real parts, odd ones imaginary.
            nuint k = (nuint)(t / 2 * 8);
            r0.StoreUnsafe(ref re, k);
            r1.StoreUnsafe(ref im, k);
            r2.StoreUnsafe(ref re, k + 8);
            r3.StoreUnsafe(ref im, k + 8);
            r4.StoreUnsafe(ref re, k + 16);
            r5.StoreUnsafe(ref im, k + 16);
            r6.StoreUnsafe(ref re, k + 24);
            r7.StoreUnsafe(ref im, k + 24);
        }
    }

    /// <summary>
    /// Copies the first ⌊bins/8⌋·8 bins of 8 lanes (<paramref name="lanes"/>[k·8 + f]) to 8 frame-major rows
    /// (<paramref name="rows"/>[f·<paramref name="bins"/> + k]); returns how many bins it copied.
    /// </summary>
    public static int UnpackBins(ReadOnlySpan<float> lanes, int bins, Span<float> rows)
    {
        ref float src = ref MemoryMarshal.GetReference(lanes);
        ref float dst = ref MemoryMarshal.GetReference(rows);
        int full = bins / 8 * 8;
        for (int k = 0; k < full; k += 8)
        {
            nuint s = (nuint)(k * 8);
            Vector256<float> r0 = Vector256.LoadUnsafe(ref src, s);
            Vector256<float> r1 = Vector256.LoadUnsafe(ref src, s + 8);
            Vector256<float> r2 = Vector256.LoadUnsafe(ref src, s + 16);
            Vector256<float> r3 = Vector256.LoadUnsafe(ref src, s + 24);
            Vector256<float> r4 = Vector256.LoadUnsafe(ref src, s + 32);
            Vector256<float> r5 = Vector256.LoadUnsafe(ref src, s + 40);
            Vector256<float> r6 = Vector256.LoadUnsafe(ref src, s + 48);
            Vector256<float> r7 = Vector256.LoadUnsafe(ref src, s + 56);
            Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
            r0.StoreUnsafe(ref dst, (nuint)k);
            r1.StoreUnsafe(ref dst, (nuint)(bins + k));
            r2.StoreUnsafe(ref dst, (nuint)(2 * bins + k));
            r3.StoreUnsafe(ref dst, (nuint)(3 * bins + k));
            r4.StoreUnsafe(ref dst, (nuint)(4 * bins + k));
            r5.StoreUnsafe(ref dst, (nuint)(5 * bins + k));
            r6.StoreUnsafe(ref dst, (nuint)(6 * bins + k));
            r7.StoreUnsafe(ref dst, (nuint)(7 * bins + k));
        }

        return full;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(
        ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(s0, s4, 0x20);
        r1 = Avx.Permute2x128(s1, s5, 0x20);
        r2 = Avx.Permute2x128(s2, s6, 0x20);
        r3 = Avx.Permute2x128(s3, s7, 0x20);
        r4 = Avx.Permute2x128(s0, s4, 0x31);
        r5 = Avx.Permute2x128(s1, s5, 0x31);
        r6 = Avx.Permute2x128(s2, s6, 0x31);
        r7 = Avx.Permute2x128(s3, s7, 0x31);
    }
}
