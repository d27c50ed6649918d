using System.Diagnostics;
using OnnxAudio.Audio;

namespace OnnxAudio.Benchmarks;

/// <summary>Inputs shared by the benchmarks: a minute of speech-like audio in memory and on disk, and peer processes.</summary>
internal static class BenchmarkAudio
{
    public const int SampleRate = 16000;

    /// <summary>60 s of a voiced, syllable-modulated signal plus noise (the models' cost does not depend on content).</summary>
    public static float[] Minute()
    {
        var random = new Random(3);
        var x = new float[60 * SampleRate];
        for (int i = 0; i < x.Length; i++)
        {
            double t = i / (double)SampleRate, envelope = Math.Max(0, Math.Sin(2 * Math.PI * 2.5 * t));
            x[i] = (float)(0.2 * envelope * (Math.Sin(2 * Math.PI * 130 * t) + 0.5 * Math.Sin(2 * Math.PI * 260 * t)) + 0.02 * (random.NextDouble() - 0.5));
        }

        return x;
    }

    /// <summary>Writes <paramref name="samples"/> as a 16-bit WAV in a temporary folder (for the peers' command lines).</summary>
    public static string WriteTemp(float[] samples, string name)
    {
        string folder = Path.Combine(Path.GetTempPath(), "onnxaudio-bench");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, name);
        AudioFile.WriteMono(path, samples, SampleRate, new WavWriterOptions { Overwrite = true });
        return path;
    }

    /// <summary>Runs a peer program to completion; fails the benchmark if it fails.</summary>
    public static void Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in arguments)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} failed: {error}");
    }

    public static bool Installed(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, program)));
}
