namespace OnnxAudio.Tests.TestSupport;

/// <summary>Files of the repository the tests run from, found from the test binary upwards (the folder with OnnxAudio.sln).</summary>
public static class RepositoryFiles
{
    private static readonly Lazy<string> RootFolder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "OnnxAudio.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("the repository root (OnnxAudio.sln) is not above the test binary");
    });

    public static string Root => RootFolder.Value;

    /// <summary>The file or folder at <paramref name="relative"/> (forward slashes allowed), or null if it is missing.</summary>
    public static string? Find(string relative)
    {
        string path = System.IO.Path.Combine(Root, relative);
        return File.Exists(path) || Directory.Exists(path) ? path : null;
    }

    /// <summary>The file or folder at <paramref name="relative"/>; a missing one fails the test with its name.</summary>
    public static string Path(string relative) => Find(relative) ?? throw new FileNotFoundException($"{relative} is not in the repository");
}
