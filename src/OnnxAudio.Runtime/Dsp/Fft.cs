namespace OnnxAudio.Dsp;

/// <summary>
/// Fast Fourier transforms of lengths whose prime factors are 2, 3 and 5 (256, 400, 480, 512, 1000, …), on split
/// real/imaginary spans. Forward transforms use e^{−2πi kn/N} unscaled; inverse transforms scale by 1/N (the numpy and
/// torch convention). Plans are cached per length and scratch is per thread, so calls allocate nothing in steady state.
/// Thread-safe.
/// </summary>
public static class Fft
{
    [ThreadStatic] private static float[]? _threadScratch;

    /// <summary>Whether <paramref name="length"/> is a supported complex FFT length.</summary>
    public static bool IsSupportedLength(int length) => ComplexFftPlan.IsSupportedLength(length);

    /// <summary>Whether <paramref name="length"/> is a supported real FFT length (even, factors 2, 3, 5).</summary>
    public static bool IsSupportedRealLength(int length) => RealFftPlan.IsSupportedLength(length);

    /// <summary>In-place forward complex FFT.</summary>
    public static void Forward(Span<float> real, Span<float> imag)
    {
        int n = CheckComplex(real, imag);
        Span<float> scratch = Scratch(2 * n);
        ComplexFftPlan.Get(n).Forward<ScalarLane>(real, imag, scratch[..n], scratch[n..(2 * n)]);
    }

    /// <summary>In-place inverse complex FFT, scaled by 1/N.</summary>
    public static void Inverse(Span<float> real, Span<float> imag)
    {
        int n = CheckComplex(real, imag);
        // IFFT(x) = conj(FFT(conj(x))) / N
        System.Numerics.Tensors.TensorPrimitives.Negate(imag, imag);
        Span<float> scratch = Scratch(2 * n);
        ComplexFftPlan.Get(n).Forward<ScalarLane>(real, imag, scratch[..n], scratch[n..(2 * n)]);
        System.Numerics.Tensors.TensorPrimitives.Multiply(real, 1f / n, real);
        System.Numerics.Tensors.TensorPrimitives.Multiply(imag, -1f / n, imag);
    }

    /// <summary>Forward FFT of a real signal of even length N into N/2 + 1 bins.</summary>
    public static void ForwardReal(ReadOnlySpan<float> input, Span<float> real, Span<float> imag)
    {
        int n = input.Length;
        RealFftPlan plan = GetRealPlan(n);
        if (real.Length < plan.Bins || imag.Length < plan.Bins)
            throw new ArgumentException($"The outputs must hold N/2 + 1 = {plan.Bins} bins.");
        int m = n / 2;
        Span<float> scratch = Scratch(4 * m);
        Span<float> zr = scratch[..m], zi = scratch[m..(2 * m)];
        for (int k = 0; k < m; k++)
        {
            zr[k] = input[2 * k];
            zi[k] = input[2 * k + 1];
        }

        plan.ForwardPacked<ScalarLane>(zr, zi, scratch[(2 * m)..(3 * m)], scratch[(3 * m)..(4 * m)], real, imag);
    }

    /// <summary>Inverse of <see cref="ForwardReal"/>: N/2 + 1 bins to N real samples, scaled by 1/N.</summary>
    public static void InverseReal(ReadOnlySpan<float> real, ReadOnlySpan<float> imag, Span<float> output)
    {
        int n = output.Length;
        RealFftPlan plan = GetRealPlan(n);
        if (real.Length < plan.Bins || imag.Length < plan.Bins)
            throw new ArgumentException($"The inputs must hold N/2 + 1 = {plan.Bins} bins.");
        int m = n / 2;
        Span<float> scratch = Scratch(4 * m);
        Span<float> zr = scratch[..m], zi = scratch[m..(2 * m)];
        plan.InversePacked<ScalarLane>(real, imag, zr, zi, scratch[(2 * m)..(3 * m)], scratch[(3 * m)..(4 * m)]);
        for (int k = 0; k < m; k++)
        {
            output[2 * k] = zr[k];
            output[2 * k + 1] = zi[k];
        }
    }

    internal static RealFftPlan GetRealPlan(int n)
    {
        if (!RealFftPlan.IsSupportedLength(n))
            throw new ArgumentException($"Real FFT length {n} is not supported: it must be even, with prime factors 2, 3 and 5 only.");
        return RealFftPlan.Get(n);
    }

    private static int CheckComplex(Span<float> real, Span<float> imag)
    {
        if (real.Length != imag.Length)
            throw new ArgumentException("Real and imaginary parts must have the same length.");
        if (!ComplexFftPlan.IsSupportedLength(real.Length))
            throw new ArgumentException($"FFT length {real.Length} is not supported: its prime factors must be 2, 3 and 5.");
        return real.Length;
    }

    private static Span<float> Scratch(int size)
    {
        float[]? s = _threadScratch;
        if (s is null || s.Length < size)
            _threadScratch = s = new float[Math.Max(size, 4096)];
        return s.AsSpan(0, size);
    }
}
