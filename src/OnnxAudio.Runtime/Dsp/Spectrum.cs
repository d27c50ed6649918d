using System.Numerics.Tensors;

namespace OnnxAudio.Dsp;

/// <summary>Element-wise conversions of complex spectra held as separate real and imaginary spans.</summary>
public static class Spectrum
{
    /// <summary>|X|² = re² + im². <paramref name="destination"/> may be the same span as an input.</summary>
    public static void Power(ReadOnlySpan<float> real, ReadOnlySpan<float> imag, Span<float> destination)
    {
        CheckLengths(real, imag, destination);
        Span<float> d = destination[..real.Length];
        if (d.Overlaps(imag))
        {
            TensorPrimitives.Multiply(imag, imag, d);
            TensorPrimitives.MultiplyAdd(real, real, d, d);
        }
        else
        {
            TensorPrimitives.Multiply(real, real, d);
            TensorPrimitives.MultiplyAdd(imag, imag, d, d);
        }
    }

    /// <summary>|X| = √(re² + im²).</summary>
    public static void Magnitude(ReadOnlySpan<float> real, ReadOnlySpan<float> imag, Span<float> destination)
    {
        Power(real, imag, destination);
        TensorPrimitives.Sqrt(destination[..real.Length], destination);
    }

    /// <summary>arg X = atan2(im, re), in (−π, π].</summary>
    public static void Phase(ReadOnlySpan<float> real, ReadOnlySpan<float> imag, Span<float> destination)
    {
        CheckLengths(real, imag, destination);
        TensorPrimitives.Atan2(imag, real, destination[..real.Length]);
    }

    private static void CheckLengths(ReadOnlySpan<float> real, ReadOnlySpan<float> imag, Span<float> destination)
    {
        if (real.Length != imag.Length || destination.Length < real.Length)
            throw new ArgumentException("Real and imaginary parts must have the same length, and the destination at least that length.");
    }
}
