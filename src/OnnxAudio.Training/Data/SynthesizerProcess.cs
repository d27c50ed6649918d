using System.Diagnostics;
using OnnxAudio.Audio;

namespace OnnxAudio.Training.Data;

/// <summary>Runs one synthesizer process that writes a WAV file, and reads that file back as 16 kHz mono.</summary>
internal static class SynthesizerProcess
{
    public const int SampleRate = 16000;

    /// <summary>Finds <paramref name="program"/> on PATH, or throws an error naming the Debian package to install.</summary>
    public static string Find(string program, string package)
    {
        string? path = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program))
            .FirstOrDefault(File.Exists);
        return path ?? throw new ExternalToolMissingException(program, "Generating speech", $"install the Debian/Ubuntu package '{package}'");
    }

    /// <summary>
    /// Runs <paramref name="executable"/>; <paramref name="arguments"/> receives the path of the WAV file to write.
    /// </summary>
    public static float[] Speak(string executable, Func<string, IEnumerable<string>> arguments, string what)
    {
        string temp = Path.Combine(Path.GetTempPath(), $"onnxaudio-tts-{Guid.NewGuid():N}.wav");
        try
        {
            var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string arg in arguments(temp))
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start) ?? throw new OnnxAudioException($"{Path.GetFileName(executable)} could not be started");
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                throw new OnnxAudioException($"{Path.GetFileName(executable)} did not finish {what} in 60 s");
            }

            if (process.ExitCode != 0 || !File.Exists(temp) || new FileInfo(temp).Length <= 44)
                throw new OnnxAudioException($"{Path.GetFileName(executable)} failed {what} (exit {process.ExitCode}): {error.Result.Trim()}");
            return AudioFile.ReadMono(temp, SampleRate);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
