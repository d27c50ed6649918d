using System.Numerics;
using System.Runtime.CompilerServices;

namespace OnnxAudio.Dsp;

/// <summary><see cref="Vector{T}.Count"/> transforms at a time (8 with AVX2, 4 with SSE/NEON or without SIMD).</summary>
internal readonly struct VectorLane(Vector<float> value) : IFftLane<VectorLane>
{
    private readonly Vector<float> _value = value;

    public static int Width => Vector<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane Load(ref float source, nint element) =>
        new(Vector.LoadUnsafe(ref source, (nuint)(element * Vector<float>.Count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(VectorLane value, ref float destination, nint element) =>
        value._value.StoreUnsafe(ref destination, (nuint)(element * Vector<float>.Count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane Add(VectorLane a, VectorLane b) => new(a._value + b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane Subtract(VectorLane a, VectorLane b) => new(a._value - b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane Multiply(VectorLane a, float scalar) => new(a._value * scalar);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane MultiplyAdd(VectorLane a, float b, VectorLane c, float d) => new(a._value * b + c._value * d);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane Negate(VectorLane a) => new(-a._value);
}
