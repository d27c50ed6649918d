namespace OnnxAudio.Tests.TestSupport;

/// <summary>Files the repository ships under models/ (models, sample audio), found from the test binary upwards.</summary>
public static class ShippedFiles
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "models", relative);
            if (File.Exists(candidate) || Directory.Exists(candidate))
                return candidate;
        }

        throw new FileNotFoundException($"models/{relative} is not in the repository");
    }

    /// <summary>The shipped speech samples: (name, clean, noisy) from held-out voices.</summary>
    public static (string Name, string Clean, string Noisy)[] SpeechSamples() =>
        Directory.GetFiles(Path("samples/speech"), "*_clean.wav").Order(StringComparer.Ordinal)
            .Select(c => (System.IO.Path.GetFileName(c)[..^10], c, c[..^10] + "_noisy.wav")).ToArray();
}
