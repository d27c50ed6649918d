using System.Runtime.CompilerServices;

namespace OnnxAudio.Dsp;

/// <summary>One transform at a time.</summary>
internal readonly struct ScalarLane(float value) : IFftLane<ScalarLane>
{
    private readonly float _value = value;

    public static int Width => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Load(ref float source, nint element) => new(Unsafe.Add(ref source, element));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ScalarLane value, ref float destination, nint element) => Unsafe.Add(ref destination, element) = value._value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Add(ScalarLane a, ScalarLane b) => new(a._value + b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Subtract(ScalarLane a, ScalarLane b) => new(a._value - b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Multiply(ScalarLane a, float scalar) => new(a._value * scalar);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane MultiplyAdd(ScalarLane a, float b, ScalarLane c, float d) => new(a._value * b + c._value * d);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Negate(ScalarLane a) => new(-a._value);
}
