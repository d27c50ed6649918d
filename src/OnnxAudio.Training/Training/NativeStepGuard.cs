using System.Runtime;

namespace OnnxAudio.Training.Training;

/// <summary>
/// Keeps garbage collection and finalisers out of a training step. TorchSharp 0.107 passes temporary Scalars (the
/// alpha of <c>a + b</c>, BatchNorm's counter increment, optimizer coefficients) to libtorch without keeping them
/// reachable; a collection during the native call can finalise one mid-call, and libtorch then fails with
/// "Expected false to be true" in Scalar::toFloat/toLong or reads another scalar's value. Observed here every few hundred
/// steps while the data loader's threads allocate. The guard runs pending finalisers at a safe point before the step
/// and asks for a no-GC region for its duration (if the loader allocates past the budget a collection can still
/// happen; checkpoints and 'resume' cover that case).
/// </summary>
internal readonly struct NativeStepGuard : IDisposable
{
    private const long Budget = 200L * 1024 * 1024;

    private readonly bool _active;

    private NativeStepGuard(bool active) => _active = active;

    public static NativeStepGuard Enter()
    {
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        try
        {
            return new NativeStepGuard(GC.TryStartNoGCRegion(Budget));
        }
        catch (InvalidOperationException)
        {
            return new NativeStepGuard(false); // already in a region, or the budget is too large for this GC mode
        }
    }

    public void Dispose()
    {
        if (!_active || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
            return;
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // A collection ended the region early (the budget was exceeded).
        }
    }
}
