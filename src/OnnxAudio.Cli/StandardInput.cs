namespace OnnxAudio.Cli;

/// <summary>
/// '-' as an input: standard input (a pipe) is copied to a private temporary file, which the commands then read like
/// any file (a pipe cannot be probed and re-read); the copy is deleted when the command ends.
/// </summary>
internal static class StandardInput
{
    public const string Name = "-";

    private static readonly object Gate = new();
    private static string? _spooled;

    /// <summary>The path of the copy of standard input (made on first use).</summary>
    public static string Spool()
    {
        lock (Gate)
        {
            if (_spooled is not null)
                return _spooled;
            string folder = Path.Combine(Path.GetTempPath(), $"onnxaudio-stdin-{Guid.NewGuid():N}");
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, "stdin");
            try
            {
                using Stream input = Console.OpenStandardInput();
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                input.CopyTo(file);
            }
            catch (IOException e)
            {
                Directory.Delete(folder, recursive: true);
                throw new OnnxAudioException($"-: could not copy standard input: {e.Message}", e);
            }

            return _spooled = path;
        }
    }

    /// <summary>Names standard input as the user did ("-") where a message shows the path of its copy.</summary>
    public static string Display(string text)
    {
        string? spooled = _spooled;
        return spooled is null ? text : text.Replace(spooled, Name, StringComparison.Ordinal);
    }

    /// <summary>Deletes the copy, if one was made.</summary>
    public static void Release()
    {
        lock (Gate)
        {
            if (_spooled is null)
                return;
            try
            {
                Directory.Delete(Path.GetDirectoryName(_spooled)!, recursive: true);
            }
            catch (IOException)
            {
            }

            _spooled = null;
        }
    }
}
