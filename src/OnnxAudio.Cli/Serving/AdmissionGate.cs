namespace OnnxAudio.Cli.Serving;

/// <summary>
/// Bounds the work in the server: at most <c>workers</c> inferences run at once and at most <c>maxQueue</c> wait;
/// a request beyond that is refused at once (503 / RESOURCE_EXHAUSTED) instead of queueing without limit, so memory
/// stays bounded under any load.
/// </summary>
internal sealed class AdmissionGate(int workers, int maxQueue)
{
    private readonly SemaphoreSlim _running = new(workers, workers);
    private int _admitted;

    public int Workers => workers;

    public int MaxQueue => maxQueue;

    /// <summary>Requests admitted and not yet running.</summary>
    public int QueueDepth => Math.Max(0, Volatile.Read(ref _admitted) - (workers - _running.CurrentCount));

    public int InFlight => Volatile.Read(ref _admitted);

    /// <summary>Waits for a worker; null when the queue is full.</summary>
    public async Task<IDisposable?> EnterAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _admitted) > workers + maxQueue)
        {
            Interlocked.Decrement(ref _admitted);
            return null;
        }

        try
        {
            await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _admitted);
            throw;
        }

        return new Lease(this);
    }

    private sealed class Lease(AdmissionGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
                return;
            gate._running.Release();
            Interlocked.Decrement(ref gate._admitted);
        }
    }
}
