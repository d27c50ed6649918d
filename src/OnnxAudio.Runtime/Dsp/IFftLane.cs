namespace OnnxAudio.Dsp;

/// <summary>
/// The arithmetic of one FFT "lane" type. The FFT kernels are written once over this interface and instantiated for
/// <see cref="ScalarLane"/> (one transform) and <see cref="VectorLane"/> (a batch of <see cref="Width"/> transforms,
/// element i of transform j stored at i·Width + j, so every butterfly of every stage is a plain SIMD operation).
/// </summary>
internal interface IFftLane<TSelf> where TSelf : struct, IFftLane<TSelf>
{
    /// <summary>How many transforms one value carries.</summary>
    static abstract int Width { get; }

    static abstract TSelf Load(ref float source, nint element);

    static abstract void Store(TSelf value, ref float destination, nint element);

    static abstract TSelf Add(TSelf a, TSelf b);

    static abstract TSelf Subtract(TSelf a, TSelf b);

    static abstract TSelf Multiply(TSelf a, float scalar);

    /// <summary>a·b + c·d, the shape of every twiddle multiplication.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, float b, TSelf c, float d);

    static abstract TSelf Negate(TSelf a);
}
