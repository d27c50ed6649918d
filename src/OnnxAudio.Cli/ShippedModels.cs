namespace OnnxAudio.Cli;

/// <summary>
/// Finds the shipped models by one documented rule, first match wins:
/// <list type="number">
/// <item><c>models/</c> next to the binary (the published layout);</item>
/// <item>the folder named by the <c>ONNXAUDIO_MODELS</c> environment variable;</item>
/// <item><c>models/</c> of the repository checkout the binary was built in (the folder above the binary that holds
/// OnnxAudio.sln), so that <c>dotnet run</c> works from a clone.</item>
/// </list>
/// No other folder is searched: a stray <c>models/</c> above the binary or the working folder is never picked up.
/// <c>onnxaudio info --models</c> prints the places and what each holds.
/// </summary>
internal static class ShippedModels
{
    public const string EnvironmentVariable = "ONNXAUDIO_MODELS";

    public static string? Find(string fileName) => Search(fileName, File.Exists);

    /// <summary>A folder under models/ (e.g. samples/speech), found the same way as the models.</summary>
    public static string? FindFolder(string relative) => Search(relative, Directory.Exists);

    public static string Require(string fileName) =>
        Find(fileName) ?? throw new OnnxAudioException(
            $"no shipped model '{fileName}' was found ({string.Join("; ", Places().Select(p => p.Description))}); pass one with --model or set {EnvironmentVariable}");

    /// <summary>The places searched, in order, with how each was found (null folder: not available).</summary>
    public static IReadOnlyList<(string? Folder, string Description)> Places()
    {
        var places = new List<(string?, string)>();
        string besideBinary = Path.Combine(AppContext.BaseDirectory, "models");
        places.Add((besideBinary, $"next to the binary: {besideBinary}"));
        string? variable = Environment.GetEnvironmentVariable(EnvironmentVariable);
        places.Add((string.IsNullOrEmpty(variable) ? null : Path.GetFullPath(variable),
            string.IsNullOrEmpty(variable) ? $"{EnvironmentVariable}: not set" : $"{EnvironmentVariable}: {Path.GetFullPath(variable)}"));
        string? repository = RepositoryModels();
        places.Add((repository, repository is null ? "repository checkout: the binary is not inside one" : $"repository checkout: {repository}"));
        return places;
    }

    private static string? Search(string relative, Func<string, bool> exists) =>
        Places().Where(p => p.Folder is not null).Select(p => Path.Combine(p.Folder!, relative)).FirstOrDefault(exists);

    private static string? RepositoryModels()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OnnxAudio.sln")))
                return Path.Combine(dir.FullName, "models");
        return null;
    }
}
