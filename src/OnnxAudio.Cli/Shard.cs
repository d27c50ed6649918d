using System.CommandLine;
using System.Globalization;
using System.Text;

namespace OnnxAudio.Cli;

/// <summary>
/// <c>--shard I/N</c>: worker <see cref="Index"/> (0-based) of <see cref="Count"/> takes the files whose relative path
/// hashes to it. The assignment depends on nothing but the relative path (FNV-1a over its UTF-8 bytes, '/' separators),
/// so N workers given the same inputs — a Kubernetes Indexed Job's <c>JOB_COMPLETION_INDEX</c>, a Slurm array's task
/// id — process every file exactly once between them, on any machine, and adding files never moves the others.
/// </summary>
internal readonly record struct Shard(int Index, int Count)
{
    public const int MaxCount = 1_000_000;

    public static Option<string?> CreateOption() => new("--shard")
    {
        Description = "Process only shard I of N (0 ≤ I < N) of the files, by relative path: e.g. $(JOB_COMPLETION_INDEX)/8",
    };

    /// <summary>Parses <c>I/N</c>; null stays null (all files).</summary>
    public static Shard? Parse(string? text)
    {
        if (text is null)
            return null;
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            throw new OnnxAudioException($"--shard takes I/N with whole numbers, e.g. 0/8, not '{text}'");
        if (count is < 1 or > MaxCount || index >= count)
            throw new OnnxAudioException($"--shard {text}: N must be 1…{MaxCount} and I must be 0…N−1");
        return new Shard(index, count);
    }

    /// <summary>Whether this shard takes the file at <paramref name="relativePath"/>.</summary>
    public bool Owns(string relativePath) => Count == 1 || (int)(Hash(relativePath.Replace('\\', '/')) % (ulong)Count) == Index;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    private static ulong Hash(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
            hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }
}
