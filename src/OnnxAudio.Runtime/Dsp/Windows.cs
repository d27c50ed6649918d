using System.Collections.Concurrent;

namespace OnnxAudio.Dsp;

/// <summary>Window functions. Periodic windows (D = N, the default, as torch's <c>periodic=True</c>) suit spectral analysis;
/// symmetric ones (D = N − 1) suit filter design.</summary>
public static class Windows
{
    private static readonly ConcurrentDictionary<(WindowFunction, int, bool), float[]> Cache = new();

    /// <summary>A new array holding the window.</summary>
    public static float[] Create(WindowFunction function, int length, bool periodic = true) =>
        (float[])Cached(function, length, periodic).Clone();

    /// <summary>A shared, cached copy; callers must not modify it.</summary>
    internal static float[] Cached(WindowFunction function, int length, bool periodic = true) =>
        Cache.GetOrAdd((function, length, periodic), static key => Compute(key.Item1, key.Item2, key.Item3));

    private static float[] Compute(WindowFunction function, int length, bool periodic)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var w = new float[length];
        if (length == 1)
        {
            w[0] = 1;
            return w;
        }

        double d = periodic ? length : length - 1;
        for (int n = 0; n < length; n++)
        {
            double x = 2 * Math.PI * n / d;
            w[n] = (float)(function switch
            {
                WindowFunction.Hann => 0.5 - 0.5 * Math.Cos(x),
                WindowFunction.Hamming => 0.54 - 0.46 * Math.Cos(x),
                WindowFunction.Blackman => 0.42 - 0.5 * Math.Cos(x) + 0.08 * Math.Cos(2 * x),
                WindowFunction.SqrtHann => Math.Sqrt(Math.Max(0, 0.5 - 0.5 * Math.Cos(x))),
                WindowFunction.Rectangular => 1.0,
                _ => throw new ArgumentOutOfRangeException(nameof(function)),
            });
        }

        return w;
    }
}
