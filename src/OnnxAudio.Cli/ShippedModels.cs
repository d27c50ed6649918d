namespace OnnxAudio.Cli;

/// <summary>Finds the models shipped in the repository's models/ folder (or beside the binary when published).</summary>
internal static class ShippedModels
{
    public static string? Find(string fileName)
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "models", fileName);
                if (File.Exists(candidate))
                    return candidate;
            }
        }

        return null;
    }

    public static string Require(string fileName) =>
        Find(fileName) ?? throw new OnnxAudioException($"no shipped model '{fileName}' was found in models/; pass one with --model");
}
