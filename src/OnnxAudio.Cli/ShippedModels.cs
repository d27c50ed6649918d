namespace OnnxAudio.Cli;

/// <summary>Finds the models shipped in the repository's models/ folder (or beside the binary when published).</summary>
internal static class ShippedModels
{
    public static string? Find(string fileName) => Search(fileName, File.Exists);

    /// <summary>A folder under models/ (e.g. samples/speech), found the same way as the models.</summary>
    public static string? FindFolder(string relative) => Search(relative, Directory.Exists);

    public static string Require(string fileName) =>
        Find(fileName) ?? throw new OnnxAudioException($"no shipped model '{fileName}' was found in models/; pass one with --model");

    /// <summary>models/<paramref name="relative"/> in the binary's folder or the working folder, or any folder above them.</summary>
    private static string? Search(string relative, Func<string, bool> exists)
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "models", relative);
                if (exists(candidate))
                    return candidate;
            }

        return null;
    }
}
