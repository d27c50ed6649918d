using System.Diagnostics;

namespace OnnxAudio.Audio;

/// <summary>
/// Decodes any format ffmpeg knows (mp3, flac, ogg, m4a, …) by streaming its output, 32-bit float WAV on a pipe,
/// through <see cref="WavReader"/>. Memory stays constant whatever the length. The first audio stream is read.
/// </summary>
public sealed class FfmpegAudioSource : IAudioSource
{
    private const int StderrLinesKept = 20;

    private readonly Process _process;
    private readonly WavReader _wav;
    private readonly Queue<string> _stderr = new();
    private bool _disposed;

    private FfmpegAudioSource(string path, Process process)
    {
        Name = path;
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (_stderr)
            {
                _stderr.Enqueue(e.Data);
                if (_stderr.Count > StderrLinesKept)
                    _stderr.Dequeue();
            }
        };
        _process.BeginErrorReadLine();
        try
        {
            _wav = new WavReader(_process.StandardOutput.BaseStream, path, leaveOpen: true);
        }
        catch (AudioFormatException e)
        {
            string why = WaitForError();
            KillQuietly();
            _process.Dispose();
            throw new AudioFormatException(path, $"ffmpeg could not decode it: {(why.Length > 0 ? why : e.Problem)}", e);
        }
    }

    public string Name { get; }

    public AudioFormat Format => _wav.Format;

    /// <summary>Unknown: ffmpeg streams without a length.</summary>
    public long? LengthFrames => null;

    /// <summary>Starts ffmpeg on <paramref name="path"/>.</summary>
    /// <exception cref="ExternalToolMissingException">ffmpeg is not on PATH.</exception>
    public static FfmpegAudioSource Open(string path) => Open(path, ExternalTools.Find("ffmpeg"));

    /// <summary>Starts the ffmpeg at <paramref name="ffmpegExecutable"/> (null: not installed) on <paramref name="path"/>.</summary>
    internal static FfmpegAudioSource Open(string path, string? ffmpegExecutable)
    {
        if (!File.Exists(path))
            throw new AudioFormatException(path, "no such file");
        string ffmpeg = ffmpegExecutable
            ?? throw new ExternalToolMissingException("ffmpeg", $"Reading '{path}' (not a WAV file)",
                "install it, e.g. 'apt-get install ffmpeg' on Debian/Ubuntu, or convert the file to WAV");
        var start = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (string arg in new[] { "-nostdin", "-hide_banner", "-loglevel", "error", "-i", path, "-map", "0:a:0",
                     "-c:a", "pcm_f32le", "-f", "wav", "-" })
            start.ArgumentList.Add(arg);
        Process process = Process.Start(start) ?? throw new AudioFormatException(path, "ffmpeg could not be started");
        return new FfmpegAudioSource(path, process);
    }

    public int Read(Span<float> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int n = _wav.Read(buffer);
        if (n == 0)
        {
            _process.WaitForExit();
            if (_process.ExitCode != 0)
                throw new AudioFormatException(Name, $"ffmpeg failed while decoding (exit code {_process.ExitCode}): {StderrText()}");
        }

        return n;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _wav.Dispose();
        KillQuietly();
        _process.Dispose();
    }

    private string WaitForError()
    {
        _process.WaitForExit(10_000);
        if (_process.HasExited)
            _process.WaitForExit(); // drains the asynchronous stderr reader
        return StderrText();
    }

    private string StderrText()
    {
        lock (_stderr)
            return string.Join(" | ", _stderr.Where(l => l.Length > 0));
    }

    private void KillQuietly()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
