namespace OnnxAudio.Cli;

/// <summary>Checks that keep a command from destroying what the user owns.</summary>
internal static class OutputPaths
{
    /// <summary>Refuses an output path that is one of the inputs (the same file, under any spelling).</summary>
    public static void EnsureNotInput(string input, string output)
    {
        string a = Path.GetFullPath(input), b = Path.GetFullPath(output);
        bool same = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
            ? string.Equals(a, b, StringComparison.OrdinalIgnoreCase)
            : string.Equals(a, b, StringComparison.Ordinal);
        if (same || (File.Exists(a) && File.Exists(b) && SameFile(a, b)))
            throw new OnnxAudioException($"{output}: the output would overwrite the input; choose another output name");
    }

    private static bool SameFile(string a, string b)
    {
        // Hard links and symbolic links: compare what they resolve to.
        var fa = new FileInfo(a);
        var fb = new FileInfo(b);
        string ra = fa.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? fa.FullName;
        string rb = fb.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? fb.FullName;
        return ra == rb;
    }
}
