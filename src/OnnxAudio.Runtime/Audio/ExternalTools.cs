namespace OnnxAudio.Audio;

/// <summary>Finds helper programs (ffmpeg) on PATH.</summary>
internal static class ExternalTools
{
    /// <summary>The full path of <paramref name="name"/> on PATH, or null.</summary>
    public static string? Find(string name)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
            return null;
        string[] suffixes = OperatingSystem.IsWindows() ? [".exe", ""] : [""];
        foreach (string folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string suffix in suffixes)
            {
                string candidate = Path.Combine(folder, name + suffix);
                if (File.Exists(candidate))
                    return candidate;
            }
        }

        return null;
    }
}
