using System.Runtime;

namespace OnnxAudio.Training.Loop;

/// <summary>
/// Keeps garbage collection and finalisers out of a training step. TorchSharp 0.107 passes temporary Scalars (the
/// alpha of <c>a + b</c>, BatchNorm's counter increment, optimizer coefficients) to libtorch without keeping them
/// reachable; a collection during the native call can finalise one mid-call, and libtorch then fails with
/// "Expected false to be true" in Scalar::toFloat/toLong or reads another scalar's value. Observed here every few hundred
/// steps while the data loader's threads allocate. The guard runs pending finalisers at a safe point before the step
/// and asks for a no-GC region for its duration, with the largest budget the GC grants (1 GiB, else 512 or 200 MiB; if the
/// loader allocates past it a collection can still happen; checkpoints and 'resume' — tools/data/resume-until-done.sh —
/// cover that case).
/// </summary>
internal readonly struct NativeStepGuard : IDisposable
{
    /// <summary>Allocation budgets tried in turn: the largest the GC grants leaves the data loader's threads the most room.</summary>
    private static readonly long[] Budgets = [1024L << 20, 512L << 20, 200L << 20];
    private static int _budget;

    private readonly bool _active;

    private NativeStepGuard(bool active) => _active = active;

    public static NativeStepGuard Enter()
    {
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        while (true)
        {
            try
            {
                return new NativeStepGuard(GC.TryStartNoGCRegion(Budgets[_budget]));
            }
            catch (ArgumentOutOfRangeException) when (_budget + 1 < Budgets.Length)
            {
                _budget++; // more than this GC mode's ephemeral space: try the next smaller budget
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
            {
                return new NativeStepGuard(false); // already in a region, or no budget fits this GC mode
            }
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
