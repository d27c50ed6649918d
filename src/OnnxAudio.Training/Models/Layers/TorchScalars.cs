using TorchSharp;

namespace OnnxAudio.Training.Models.Layers;

/// <summary>
/// Scalars held for the life of the process. TorchSharp 0.107's <c>a + b</c> passes a temporary Scalar (alpha = 1)
/// whose only reference is its native handle, so a garbage collection (frequent while the data loader's threads
/// allocate) can finalise it during the native call; libtorch then fails with "Expected false to be true" in
/// Scalar::toFloat. Passing a scalar that stays reachable avoids the race.
/// </summary>
internal static class TorchScalars
{
    public static readonly Scalar One = 1.0.ToScalar();
}
