using System.CommandLine;
using System.Globalization;
using OnnxAudio.Audio;
using OnnxAudio.Recognition;

namespace OnnxAudio.Cli.Commands;

/// <summary>
/// <c>onnxaudio demo</c>: the end-to-end tour on the shipped models. Today it exercises the audio pipeline (write,
/// read, down-mix, resample, measure); the compression, restoration and recognition jobs join it as their models ship.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var outDir = new Option<string?>("--out", "-o") { Description = "Folder for the demo's files (default: a new temporary folder)" };
        var command = new Command("demo", "Run the end-to-end demo on the shipped models") { outDir };
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(outDir) ?? Path.Combine(Path.GetTempPath(), $"onnxaudio-demo-{Environment.ProcessId}");
            Directory.CreateDirectory(folder);
            Run(context, folder);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Run(CliContext context, string folder)
    {
        var inv = CultureInfo.InvariantCulture;
        TextWriter o = context.Out;
        o.WriteLine($"OnnxAudio demo, files in {folder}");

        // A 44.1 kHz stereo source: a voiced harmonic tone on the left, a logarithmic chirp on the right.
        const int sourceRate = 44100;
        const double seconds = 3;
        int frames = (int)(sourceRate * seconds);
        float[] stereo = new float[frames * 2];
        for (int i = 0; i < frames; i++)
        {
            double t = i / (double)sourceRate;
            double voiced = 0;
            for (int h = 1; h <= 12; h++)
                voiced += Math.Sin(2 * Math.PI * 140 * h * t) / h;
            double chirpPhase = 2 * Math.PI * 100 * seconds / Math.Log(180) * (Math.Pow(180, t / seconds) - 1);
            stereo[2 * i] = (float)(0.3 * voiced);
            stereo[2 * i + 1] = (float)(0.5 * Math.Sin(chirpPhase));
        }

        string source = Path.Combine(folder, "source-44k-stereo.wav");
        string target = Path.Combine(folder, "speech-16k-mono.wav");
        AudioFile.Write(source, stereo, new AudioFormat(sourceRate, 2), new WavWriterOptions { Overwrite = true });
        o.WriteLine($"\n1. Wrote {Path.GetFileName(source)} ({seconds} s of a harmonic tone and a 100 Hz-18 kHz chirp)");

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        float[] mono16k = AudioFile.ReadMono(source, 16000);
        stopwatch.Stop();
        AudioFile.WriteMono(target, mono16k, 16000, new WavWriterOptions { Overwrite = true });
        o.WriteLine(string.Create(inv,
            $"2. Down-mixed and resampled to 16 kHz mono in {stopwatch.Elapsed.TotalMilliseconds:0.0} ms -> {Path.GetFileName(target)}"));

        o.WriteLine("\n3. What the files hold:");
        foreach (string file in new[] { source, target })
        {
            using IAudioSource s = AudioFile.Open(file);
            AudioStatistics stats = AudioStatistics.Measure(s);
            o.WriteLine(string.Create(inv,
                $"   {Path.GetFileName(file),-24} {stats.Format.SampleRate,6} Hz {stats.Format.Channels} ch " +
                $"{stats.Duration.TotalSeconds:0.000} s  peak {AudioStatistics.ToDbfs(stats.Peak):0.0} dBFS  RMS {AudioStatistics.ToDbfs(stats.Rms):0.0} dBFS"));
        }

        RecognitionDemo(o);
        o.WriteLine("\nRestoration and compression join this demo as their models ship in models/.");
    }

    /// <summary>Classifies the sample clips shipped in models/samples/ with the shipped keyword spotter.</summary>
    private static void RecognitionDemo(TextWriter o)
    {
        string? model = ShippedModels.Find("kws.onnx");
        string? samples = model is null ? null : Path.Combine(Path.GetDirectoryName(model)!, "samples", "kws");
        if (model is null || samples is null || !Directory.Exists(samples))
        {
            o.WriteLine("\n4. Recognition: no shipped keyword model yet (models/kws.onnx).");
            return;
        }

        using AudioClassifier classifier = AudioClassifier.Load(model);
        o.WriteLine($"\n4. Keyword spotting with {Path.GetFileName(model)} ({classifier.Labels.Count} classes, {classifier.Metadata.Get("architecture")}):");
        int right = 0, total = 0;
        foreach (string file in Directory.GetFiles(samples, "*.wav").Order(StringComparer.Ordinal))
        {
            string expected = Path.GetFileNameWithoutExtension(file).Split('_')[0];
            ClassificationResult result = classifier.Classify(AudioFile.ReadMono(file, classifier.SampleRate));
            total++;
            right += result.Label == expected ? 1 : 0;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {Path.GetFileName(file),-34} -> {result.Label,-10} {result.Score:P0}{(result.Label == expected ? "" : $"  (expected {expected})")}"));
        }

        o.WriteLine($"   {right} of {total} right (voices never seen in training)");
    }
}
