using System.Runtime.InteropServices;

namespace OnnxAudio.Cli;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM turned into cancellation: the running command stops taking new files, abandons or
/// finishes the current one (its temporary file is removed), prints what was completed, and the process exits 130 or
/// 143 as a shell expects. A second signal ends the process at once.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signal;

    public Interruption()
    {
        _registrations = OperatingSystem.IsWindows()
            ? [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle)]
            : [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public CancellationToken Token => _cancellation.Token;

    /// <summary>128 + the signal number: 130 for SIGINT, 143 for SIGTERM; 0 before any signal.</summary>
    public int ExitCode => _signal;

    public string SignalName => _signal == 143 ? "SIGTERM" : "SIGINT";

    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _registrations)
            r.Dispose();
        _cancellation.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        if (Interlocked.CompareExchange(ref _signal, context.Signal == PosixSignal.SIGTERM ? 143 : 130, 0) != 0)
            return; // the second signal: let the default action end the process
        context.Cancel = true;
        _cancellation.Cancel();
    }
}
