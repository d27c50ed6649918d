namespace OnnxAudio.Tests.TestSupport;

/// <summary>Files the repository ships under models/ (models, sample audio), found from the test binary upwards.</summary>
public static class ShippedFiles
{
    public static string Path(string relative) => RepositoryFiles.Path(System.IO.Path.Combine("models", relative));

    /// <summary>The shipped speech samples: (name, clean, noisy) from held-out voices.</summary>
    public static (string Name, string Clean, string Noisy)[] SpeechSamples() =>
        Directory.GetFiles(Path("samples/speech"), "*_clean.wav").Order(StringComparer.Ordinal)
            .Select(c => (System.IO.Path.GetFileName(c)[..^10], c, c[..^10] + "_noisy.wav")).ToArray();
}
