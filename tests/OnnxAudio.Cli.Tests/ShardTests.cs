using OnnxAudio.Audio;

namespace OnnxAudio.Cli.Tests;

/// <summary>
/// <c>--shard I/N</c>: N workers given the same folder process every file exactly once between them, by relative path,
/// whatever N; a re-run of a shard skips its complete outputs.
/// </summary>
public class ShardTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_hash_is_FNV_1a_of_the_relative_path_with_forward_slashes()
    {
        // Published FNV-1a 64 test vectors: "" → cbf29ce484222325, "a" → af63dc4c8601ec8c, "foobar" → 85944171f73967e8.
        Assert.Equal((int)(0xaf63dc4c8601ec8cUL % 7), Enumerable.Range(0, 7).Single(i => new Shard(i, 7).Owns("a")));
        Assert.Equal((int)(0x85944171f73967e8UL % 1000), Enumerable.Range(0, 1000).Single(i => new Shard(i, 1000).Owns("foobar")));
        Assert.Equal(new Shard(2, 5).Owns("x/y/z.wav"), new Shard(2, 5).Owns("x\\y\\z.wav"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void Shards_cover_every_relative_path_exactly_once(int count)
    {
        string[] paths = Enumerable.Range(0, 500).Select(i => $"speaker{i % 13}/clip{i}.wav").ToArray();
        foreach (string path in paths)
            Assert.Equal(1, Enumerable.Range(0, count).Count(i => new Shard(i, count).Owns(path)));
        if (count > 1)
            Assert.All(Enumerable.Range(0, count), i => Assert.InRange(paths.Count(p => new Shard(i, count).Owns(p)), 500 / count / 2, 500 / count * 2));
    }

    [Theory]
    [InlineData("3")]
    [InlineData("3/3")]
    [InlineData("-1/3")]
    [InlineData("1/0")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    public void A_malformed_shard_is_a_user_error(string text)
    {
        var exception = Assert.Throws<OnnxAudioException>(() => Shard.Parse(text));
        Assert.Contains("--shard", exception.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void Restore_workers_of_a_folder_write_every_output_exactly_once(int count)
    {
        string input = _folder.File("in"), output = _folder.File("out");
        var expected = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            string relative = $"s{i % 3}/clip{i}.wav";
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(input, relative))!);
            AudioFile.WriteMono(Path.Combine(input, relative), Enumerable.Range(0, 4000).Select(n => (float)(0.1 * Math.Sin(0.05 * n * (i + 1)))).ToArray(), 16000);
            expected.Add(relative.Replace('\\', '/'));
        }

        var written = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var before = Outputs(output);
            var (code, _, error) = CliRunner.Run("restore", input, output, "--shard", $"{i}/{count}", "--jobs", "1");
            Assert.True(code == 0, error);
            Assert.Contains($"shard {i}/{count}:", error);
            written.AddRange(Outputs(output).Except(before));
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), written.Order(StringComparer.Ordinal));
        // A re-run of a shard finds its outputs complete and does nothing.
        var (again, _, againError) = CliRunner.Run("restore", input, output, "--shard", $"0/{count}", "--jobs", "1");
        Assert.Equal(0, again);
        Assert.Equal(expected.Count, Outputs(output).Count);
        if (expected.Any(p => new Shard(0, count).Owns(p)))
            Assert.Contains("exist already", againError);
    }

    private static List<string> Outputs(string folder) => Directory.Exists(folder)
        ? Directory.EnumerateFiles(folder, "*.wav", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).ToList()
        : [];
}
