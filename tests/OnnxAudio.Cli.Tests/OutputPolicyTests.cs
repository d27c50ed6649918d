using System.Diagnostics;
using System.Security.Cryptography;
using OnnxAudio.Audio;

namespace OnnxAudio.Cli.Tests;

/// <summary>
/// The output policy on the paths that destroyed or hung before (the reliability issue): outputs that are the inputs
/// through a link, output trees inside input trees, FIFOs and devices as inputs, folders with link loops, and an mp3
/// named .wav. Restore runs with the shipped denoiser.
/// </summary>
public class OutputPolicyTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string[] MakeInputs(string folder, int count = 2)
    {
        Directory.CreateDirectory(_folder.File(folder));
        return Enumerable.Range(0, count).Select(i =>
        {
            string path = _folder.File($"{folder}/clip{i}.wav");
            float[] x = Enumerable.Range(0, 8000).Select(n => (float)(0.2 * Math.Sin(2 * Math.PI * (200 + 50 * i) * n / 16000))).ToArray();
            AudioFile.WriteMono(path, x, 16000);
            return path;
        }).ToArray();
    }

    private static string Digest(IEnumerable<string> files) =>
        string.Join(",", files.Select(f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));

    [Fact]
    public void An_output_folder_that_links_to_the_input_folder_is_refused_even_with_overwrite()
    {
        string[] inputs = MakeInputs("in");
        string before = Digest(inputs);
        File.CreateSymbolicLink(_folder.File("link"), _folder.File("in"));
        var (code, _, error) = CliRunner.Run("restore", _folder.File("in"), _folder.File("link"), "--overwrite");
        Assert.Equal(1, code);
        Assert.Contains("is the input folder", error);
        Assert.Equal(before, Digest(inputs));
    }

    [Fact]
    public void An_output_folder_inside_the_input_folder_or_around_it_is_refused()
    {
        MakeInputs("tree/in");
        var (inside, _, insideError) = CliRunner.Run("restore", _folder.File("tree/in"), _folder.File("tree/in/out"));
        Assert.Equal(1, inside);
        Assert.Contains("inside the input folder", insideError);
        var (around, _, aroundError) = CliRunner.Run("restore", _folder.File("tree/in"), _folder.File("tree"));
        Assert.Equal(1, around);
        Assert.Contains("contains the input folder", aroundError);
        // A link inside the input to a folder elsewhere does not make that folder part of the input tree.
        Directory.CreateDirectory(_folder.File("elsewhere"));
        var (ok, _, okError) = CliRunner.Run("restore", _folder.File("tree/in"), _folder.File("elsewhere/out"));
        Assert.True(ok == 0, okError);
    }

    [Fact]
    public void A_file_that_is_the_input_through_a_link_is_refused()
    {
        string input = MakeInputs("in", 1)[0];
        File.CreateSymbolicLink(_folder.File("alias.wav"), input);
        var (code, _, error) = CliRunner.Run("restore", input, _folder.File("alias.wav"), "--overwrite");
        Assert.Equal(1, code);
        Assert.Contains("would overwrite the input", error);
    }

    [RequiresToolFact("mkfifo")]
    public async Task A_fifo_or_a_device_is_refused_at_once_instead_of_blocking()
    {
        string fifo = _folder.File("pipe.wav");
        using (var mk = Process.Start("mkfifo", fifo))
            mk.WaitForExit();
        MakeInputs("mixed", 1);
        File.Move(fifo, _folder.File("mixed/pipe.wav"));
        foreach (string[] args in new[]
                 {
                     new[] { "info", _folder.File("mixed/pipe.wav") },
                     new[] { "recognize", _folder.File("mixed") },
                     new[] { "restore", _folder.File("mixed"), _folder.File("out") },
                     new[] { "info", "/dev/zero" },
                 })
        {
            var run = Task.Run(() => CliRunner.Run(args));
            var (code, _, error) = await run.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(1, code);
            Assert.Contains("not a regular file", error);
        }
    }

    [Fact]
    public void A_folder_with_link_loops_is_walked_once()
    {
        MakeInputs("loop/a", 2);
        File.CreateSymbolicLink(_folder.File("loop/a/up"), _folder.File("loop"));
        File.CreateSymbolicLink(_folder.File("loop/self"), _folder.File("loop"));
        var (code, output, error) = CliRunner.Run("info", _folder.File("loop"), "--json");
        Assert.True(code == 0, error);
        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [RequiresToolFact("ffmpeg")]
    public void An_mp3_named_wav_is_decoded_through_ffmpeg()
    {
        string wav = MakeInputs("in", 1)[0];
        string mp3 = _folder.File("song.mp3");
        using (var p = Process.Start(new ProcessStartInfo("ffmpeg", ["-nostdin", "-v", "error", "-i", wav, mp3]) { UseShellExecute = false })!)
            p.WaitForExit();
        File.Move(mp3, _folder.File("renamed.wav"));
        var (code, output, error) = CliRunner.Run("info", _folder.File("renamed.wav"));
        Assert.True(code == 0, error);
        Assert.Contains("renamed.wav", output);
    }

    [Fact]
    public async Task Standard_input_is_read_through_a_dash_and_its_copy_removed()
    {
        string wav = MakeInputs("in", 1)[0];
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "onnxaudio.dll"), "restore", "-", _folder.File("from-stdin.wav") })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        await process.StandardInput.BaseStream.WriteAsync(await File.ReadAllBytesAsync(wav));
        process.StandardInput.Close();
        string output = await process.StandardOutput.ReadToEndAsync(), error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
        Assert.StartsWith("- -> ", output);
        Assert.Equal(8000, AudioFile.ReadMono(_folder.File("from-stdin.wav"), 16000).Length);
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetTempPath(), "onnxaudio-stdin-*"), d => Directory.GetCreationTimeUtc(d) > process.StartTime.ToUniversalTime());
    }
}
