using System.CommandLine;
using System.Globalization;
using OnnxAudio.Audio;
using OnnxAudio.Recognition;

namespace OnnxAudio.Cli.Commands;

/// <summary>
/// <c>onnxaudio demo</c>: the end-to-end tour on the shipped models: the audio pipeline (write, read, down-mix,
/// resample, measure), keyword spotting, denoising and the neural codec, each on samples shipped in models/samples.
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
            // The demo writes fixed names: into a folder of the user's that holds anything already, it could replace their files.
            if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
                throw new OnnxAudioException($"{folder}: is not empty; give --out a new or empty folder (the demo writes files of its own names there)");
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
        RestorationDemo(o, folder);
        CompressionDemo(o, folder);
    }

    /// <summary>The speech samples shipped in models/samples/speech: NAME_clean.wav with NAME_noisy.wav (held-out voices).</summary>
    private static (string Name, string Clean, string Noisy)[] SpeechSamples()
    {
        string? folder = ShippedModels.FindFolder(Path.Combine("samples", "speech"));
        if (folder is null)
            return [];
        return Directory.GetFiles(folder, "*_clean.wav").Order(StringComparer.Ordinal)
            .Select(c => (Path.GetFileName(c)[..^"_clean.wav".Length], c, c[..^"_clean.wav".Length] + "_noisy.wav"))
            .Where(p => File.Exists(p.Item3)).ToArray();
    }

    /// <summary>Denoises the shipped noisy samples and scores them against their clean originals.</summary>
    private static void RestorationDemo(TextWriter o, string folder)
    {
        string? model = ShippedModels.Find("denoise.onnx");
        var samples = SpeechSamples();
        if (model is null || samples.Length == 0)
        {
            o.WriteLine("\n5. Denoising: no shipped model or samples (models/denoise.onnx, models/samples/speech).");
            return;
        }

        using var restorer = Restoration.Restorer.Load(model);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\n5. Denoising with {Path.GetFileName(model)} (latency {restorer.AlgorithmicLatency.TotalMilliseconds:0} ms): SI-SDR and STOI, noisy -> denoised"));
        foreach (var (name, cleanPath, noisyPath) in samples)
        {
            float[] clean = AudioFile.ReadMono(cleanPath, restorer.SampleRate), noisy = AudioFile.ReadMono(noisyPath, restorer.SampleRate);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            float[] denoised = restorer.Process(noisy);
            clock.Stop();
            string output = Path.Combine(folder, $"{name}_denoised.wav");
            AudioFile.WriteMono(output, denoised, restorer.SampleRate, new WavWriterOptions { Overwrite = true });
            double siSdrIn = Evaluation.SignalMetrics.SiSdr(clean, noisy), siSdrOut = Evaluation.SignalMetrics.SiSdr(clean, denoised);
            double stoiIn = Evaluation.Stoi.Compute(clean, noisy, 16000), stoiOut = Evaluation.Stoi.Compute(clean, denoised, 16000);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {name,-28} SI-SDR {siSdrIn,6:0.0} -> {siSdrOut,5:0.0} dB   STOI {stoiIn:0.000} -> {stoiOut:0.000}   {noisy.Length / 16000.0 / clock.Elapsed.TotalSeconds:0}x real time"));
        }
    }

    /// <summary>Compresses the clean samples at each bitrate and reports the real file rate and the decoded quality.</summary>
    private static void CompressionDemo(TextWriter o, string folder)
    {
        string? model = ShippedModels.Find("codec.encoder.onnx");
        var samples = SpeechSamples();
        if (model is null || samples.Length == 0)
        {
            o.WriteLine("\n6. Compression: no shipped codec or samples (models/codec.*.onnx, models/samples/speech).");
            return;
        }

        using var codec = Compression.SpeechCodec.Load(model);
        o.WriteLine($"\n6. Neural codec {Path.GetFileName(model)[..^".encoder.onnx".Length]}: file bitrate, STOI and mel distance of the decoded speech");
        foreach (double kbps in new[] { 6.0, 3.0, 1.5 })
        {
            long bytes = 0;
            double seconds = 0, stoi = 0, mel = 0;
            foreach (var (name, cleanPath, _) in samples)
            {
                float[] clean = AudioFile.ReadMono(cleanPath, codec.SampleRate);
                byte[] file = codec.Compress(clean, codec.CodebooksFor(kbps));
                float[] decoded = codec.Decompress(file, name);
                File.WriteAllBytes(Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{name}_{kbps}k.oac")), file);
                AudioFile.WriteMono(Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{name}_{kbps}k.wav")), decoded, codec.SampleRate, new WavWriterOptions { Overwrite = true });
                bytes += file.Length;
                seconds += clean.Length / (double)codec.SampleRate;
                stoi += Evaluation.Stoi.Compute(clean, decoded, codec.SampleRate);
                mel += Evaluation.SignalMetrics.MelDistance(clean, decoded, codec.SampleRate);
            }

            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {kbps,4} kbit/s: files {bytes * 8 / seconds / 1000:0.00} kbit/s, STOI {stoi / samples.Length:0.000}, mel distance {mel / samples.Length:0.000}"));
        }
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
