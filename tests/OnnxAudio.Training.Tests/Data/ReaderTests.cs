using OnnxAudio.Audio;
using OnnxAudio.Training.Data;

namespace OnnxAudio.Training.Tests.Data;

/// <summary>The readers on small layouts built here, including files at other rates and broken files.</summary>
public class ReaderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "onnxaudio-readers-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Wav(string relative, int rate = 16000, int channels = 1, double seconds = 1.0, double frequency = 440)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        int frames = (int)(rate * seconds);
        var samples = new float[frames * channels];
        for (int i = 0; i < frames; i++)
            for (int c = 0; c < channels; c++)
                samples[i * channels + c] = (float)(0.3 * Math.Sin(2 * Math.PI * frequency * i / rate));
        AudioFile.Write(path, samples, new AudioFormat(rate, channels));
        return path;
    }

    private string Broken(string relative)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "not audio");
        return path;
    }

    [Fact]
    public void Speech_commands_layout_honours_the_lists_converts_rates_and_reports_broken_files()
    {
        Wav("sc/yes/a.wav");
        Wav("sc/yes/b.wav", rate: 44100, channels: 2);
        Wav("sc/no/a.wav");
        Wav("sc/no/b.wav", seconds: 0.5);
        Wav("sc/bed/a.wav");
        Wav("sc/_background_noise_/hum.wav", seconds: 3);
        Broken("sc/yes/broken.wav");
        File.WriteAllLines(Path.Combine(_root, "sc", "validation_list.txt"), ["no/a.wav"]);
        File.WriteAllLines(Path.Combine(_root, "sc", "testing_list.txt"), ["bed/a.wav"]);
        string root = Path.Combine(_root, "sc");

        var train = new FolderPerLabelDataset(root, Split.Train, keywords: ["yes", "no"]);
        Assert.Equal(["yes", "no", "_unknown_"], train.Labels);
        Assert.Equal(3, train.Count); // yes/a, yes/b, no/b
        SkippedFile skipped = Assert.Single(train.Skipped);
        Assert.EndsWith("broken.wav", skipped.Path);
        Assert.Contains("not a WAV file", skipped.Reason);
        Assert.Single(train.NoiseFiles);

        var examples = Enumerable.Range(0, train.Count).Select(i => train.Get(i, new Random(i))).ToList();
        Assert.All(examples, e => Assert.Equal(16000, e.Samples.Length));
        AudioClipExample converted = examples.Single(e => e.Path.EndsWith("yes/b.wav", StringComparison.Ordinal));
        Assert.Equal(0.3 / Math.Sqrt(2), Math.Sqrt(converted.Samples.Skip(1000).Take(14000).Average(v => v * (double)v)), 2);
        Assert.Equal(0f, examples.Single(e => e.Path.EndsWith("no/b.wav", StringComparison.Ordinal)).Samples[12000]); // padded

        var validation = new FolderPerLabelDataset(root, Split.Validation, keywords: ["yes", "no"]);
        Assert.Equal("no", Assert.Single(validation.Items).Label);
        var test = new FolderPerLabelDataset(root, Split.Test, keywords: ["yes", "no"]);
        Assert.Equal("_unknown_", Assert.Single(test.Items).Label);
    }

    [Fact]
    public void Paired_folders_pair_by_name_and_report_orphans()
    {
        Wav("vb/clean/p1_001.wav");
        Wav("vb/noisy/p1_001.wav", rate: 48000);
        Wav("vb/noisy/p1_002.wav");
        Wav("vb/clean/p1_003.wav", seconds: 1.5);
        Wav("vb/noisy/p1_003.wav");
        var set = new PairedFolderDataset(Path.Combine(_root, "vb", "clean"), Path.Combine(_root, "vb", "noisy"));
        Assert.Equal(2, set.Count);
        Assert.Contains("no clean file", Assert.Single(set.Skipped).Reason);
        PairedAudioExample first = set.Get(0, new Random(0));
        Assert.Equal(first.Clean.Length, first.Noisy.Length);
        Assert.InRange(first.Noisy.Length, 15990, 16010);
        Assert.Equal(16000, set.Get(1, new Random(0)).Clean.Length); // cut to the shorter
    }

    [Fact]
    public void A_flat_folder_is_read_recursively_and_an_empty_one_is_an_error()
    {
        Wav("flat/a.wav");
        Wav("flat/deeper/b.wav", rate: 8000);
        Broken("flat/deeper/c.wav");
        File.WriteAllText(Path.Combine(_root, "flat", "notes.txt"), "ignored");
        var set = new AudioFolderDataset(Path.Combine(_root, "flat"));
        Assert.Equal(2, set.Count);
        Assert.Single(set.Skipped);
        Assert.Equal(16000, set.Get(1, new Random(0)).Samples.Length);
        Directory.CreateDirectory(Path.Combine(_root, "empty"));
        Assert.Throws<OnnxAudioException>(() => new AudioFolderDataset(Path.Combine(_root, "empty")));
    }
}
