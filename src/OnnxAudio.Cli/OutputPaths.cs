namespace OnnxAudio.Cli;

/// <summary>
/// Checks that keep a command from destroying what the user owns. Paths are compared by their real location: every
/// component resolved through symbolic links, so that an output folder that is a link to the input folder (or lies
/// inside it through a link) is recognised. Hard links need no check: outputs are written to a temporary file and
/// renamed over the output's name, which replaces that name only and never changes another link's content.
/// </summary>
internal static class OutputPaths
{
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Refuses an output path that is one of the inputs (the same file, under any spelling or link).</summary>
    public static void EnsureNotInput(string input, string output)
    {
        if (string.Equals(RealPath(input), RealPath(output), PathComparison))
            throw new OnnxAudioException($"{output}: the output would overwrite the input {input}; choose another output name");
    }

    /// <summary>
    /// Refuses an output folder that is the input folder, lies inside it, or contains it (after resolving links):
    /// outputs would land among the inputs, or a re-run would take earlier outputs for inputs.
    /// </summary>
    public static void EnsureSeparateTrees(string inputFolder, string outputFolder)
    {
        string a = WithSeparator(RealPath(inputFolder)), b = WithSeparator(RealPath(outputFolder));
        if (string.Equals(a, b, PathComparison))
            throw new OnnxAudioException($"{outputFolder}: is the input folder {inputFolder} (the same folder through a link or another spelling); choose a separate output folder");
        if (b.StartsWith(a, PathComparison))
            throw new OnnxAudioException($"{outputFolder}: lies inside the input folder {inputFolder}; choose an output folder outside it");
        if (a.StartsWith(b, PathComparison))
            throw new OnnxAudioException($"{outputFolder}: contains the input folder {inputFolder}; choose an output folder outside it");
    }

    /// <summary>
    /// The absolute path with every existing component resolved through symbolic links (like realpath(3)); components
    /// that do not exist yet are kept as written.
    /// </summary>
    public static string RealPath(string path) => RealPath(Path.GetFullPath(path), depth: 0);

    private static string RealPath(string full, int depth)
    {
        if (depth > 40)
            throw new OnnxAudioException($"{full}: too many levels of symbolic links");
        string root = Path.GetPathRoot(full) ?? "";
        string current = root;
        string[] parts = full[root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            string next = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is string target)
            {
                string resolved = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
                next = RealPath(Path.GetFullPath(resolved), depth + 1);
            }

            current = next;
        }

        return current;
    }

    private static string WithSeparator(string path) =>
        path.EndsWith(Path.DirectorySeparatorChar) ? path : path + Path.DirectorySeparatorChar;

    /// <summary>Writes through a temporary file in the target folder and renames it into place only when complete.</summary>
    public static T WriteAtomically<T>(string path, bool overwrite, Func<Stream, T> write)
    {
        string full = Path.GetFullPath(path);
        if (!overwrite && File.Exists(full))
            throw new OnnxAudioException($"{path}: the file exists already (use --overwrite to replace it)");
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            T result;
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                result = write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite);
            return result;
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
