using System.Text.RegularExpressions;

namespace OnnxAudio.Cli.Tests.Packaging;

/// <summary>
/// The NuGet packages as a user's app meets them: <c>dotnet pack</c> makes OnnxAudio.Runtime (with readme, licence and
/// symbols) and OnnxAudio.Models, and samples/OnnxAudio.Embedding — which references those packages, not the projects —
/// restores from them, builds and denoises, streams, compresses and classifies real audio.
/// </summary>
[Trait("Category", "Slow")]
public sealed class EmbeddingSampleTests : IDisposable
{
    // A version of its own per run, so the NuGet cache never serves an older build of these packages.
    private readonly string _version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "onnxaudio-pack-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Packages_build_and_the_sample_app_runs_every_job_from_them()
    {
        string root = ExternalProcess.RepositoryRoot();
        string feed = Path.Combine(_folder, "feed"), app = Path.Combine(_folder, "app"), output = Path.Combine(_folder, "out");
        foreach (string project in new[] { "OnnxAudio.Runtime", "OnnxAudio.Models" })
        {
            // Built on the side, so that the repository's own build outputs keep their version.
            string build = Path.Combine(_folder, "build", project);
            Dotnet(root, "pack", $"src/{project}", "-c", "Release", "-o", feed, $"-p:Version={_version}",
                $"-p:OutputPath={build}/bin/", $"-p:IntermediateOutputPath={build}/obj/");
        }

        string[] runtime = Entries(Path.Combine(feed, $"OnnxAudio.Runtime.{_version}.nupkg"));
        Assert.Contains("README.md", runtime);
        Assert.Contains("LICENSE", runtime);
        Assert.Contains("lib/net10.0/OnnxAudio.Runtime.dll", runtime);
        Assert.Contains("lib/net10.0/OnnxAudio.Runtime.pdb", Entries(Path.Combine(feed, $"OnnxAudio.Runtime.{_version}.snupkg")));
        string[] models = Entries(Path.Combine(feed, $"OnnxAudio.Models.{_version}.nupkg"));
        foreach (string model in new[] { "denoise.onnx", "declip.onnx", "kws.onnx", "codec.encoder.onnx", "codec.decoder.onnx", "denoise.md" })
            Assert.Contains($"contentFiles/any/any/models/{model}", models);
        Assert.DoesNotContain(models, e => e.Contains("training/") || e.Contains("samples/"));

        Dotnet(root, "build", "samples/OnnxAudio.Embedding", "-c", "Release", "-o", app,
            $"-p:RestoreAdditionalProjectSources={feed}", $"-p:OnnxAudioVersion={_version}");
        Assert.True(File.Exists(Path.Combine(app, "models", "denoise.onnx")), "the models package copies models/ beside the app");
        string dependencies = File.ReadAllText(Path.Combine(app, "OnnxAudio.Embedding.deps.json"));
        Assert.Contains($"OnnxAudio.Runtime/{_version}", dependencies);
        Assert.DoesNotContain("TorchSharp", dependencies);
        Assert.DoesNotContain("Google.Protobuf", dependencies);

        string speech = Path.Combine(root, "models", "samples", "speech");
        string noisy = Directory.GetFiles(speech, "*_noisy.wav").Order(StringComparer.Ordinal).First();
        string keyword = Path.Combine(root, "models", "samples", "kws", "seven_en-gb-x-rp_Andy.wav");
        string printed = Dotnet(app, Path.Combine(app, "OnnxAudio.Embedding.dll"), noisy, keyword, output);

        Assert.Matches(@"denoised \d+\.\d\d s on Cpu, latency \d+ ms", printed);
        Assert.Matches(@"keyword: seven \(0\.\d+\); 4/4 threads agree", printed);
        double kbps = double.Parse(Regex.Match(printed, @"= (\d+\.\d+) kbit/s").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(kbps, 3.0, 3.5);
        int samples = OnnxAudio.Audio.AudioFile.ReadMono(noisy, 16000).Length;
        // The stream's output lags by the denoiser's delay (window − hop + look-ahead hops: 320 samples for the shipped model).
        int delay;
        using (var denoiser = OnnxAudio.Restoration.Restorer.Load(Path.Combine(root, "models", "denoise.onnx")))
            delay = denoiser.DelaySamples;
        Assert.Contains($"streamed: {samples + delay} samples out for {samples} in", printed);
        foreach (string file in new[] { "denoised.wav", "decoded.wav" })
            Assert.True(new FileInfo(Path.Combine(output, file)).Length > 2 * samples, file);
        Assert.InRange(new FileInfo(Path.Combine(output, "denoised.oac")).Length, samples / 16000.0 * 3000 / 8, samples / 16000.0 * 3500 / 8 + 64);
        Assert.Equal(samples, OnnxAudio.Audio.AudioFile.ReadMono(Path.Combine(output, "decoded.wav"), 16000).Length);
    }

    private static string[] Entries(string package)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        return zip.Entries.Select(e => e.FullName).ToArray();
    }

    private static string Dotnet(string workingDirectory, params string[] args)
    {
        var (code, output) = ExternalProcess.Run(workingDirectory, "dotnet", args);
        Assert.True(code == 0, $"dotnet {string.Join(' ', args)} failed:\n{output}");
        return output;
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
        // This run's packages in the NuGet cache are of no use to anyone else.
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in new[] { "onnxaudio.runtime", "onnxaudio.models" })
        {
            string entry = Path.Combine(cache, id, _version);
            if (Directory.Exists(entry))
                Directory.Delete(entry, recursive: true);
        }
    }
}
