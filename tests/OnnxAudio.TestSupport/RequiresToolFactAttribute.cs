namespace OnnxAudio.Tests.TestSupport;

/// <summary>
/// A fact that needs an external program. It is skipped, with the reason shown, where the program is missing (a machine
/// with only the .NET SDK); CI installs every such program (.ci/run), so there it always runs.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(params string[] tools)
    {
        string[] missing = tools.Where(t => FindOnPath(t) is null).ToArray();
        if (missing.Length > 0)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
                return; // run anyway: the test fails loudly where CI lacks a tool it must have installed
            Skip = $"needs {string.Join(", ", missing)} on PATH";
        }
    }

    public static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, tool))
            .FirstOrDefault(File.Exists);
}
