using System.CommandLine;
using OnnxAudio.Audio;

namespace OnnxAudio.Cli.Commands;

/// <summary><c>onnxaudio convert IN OUT</c>: decode, down-mix and resample audio to a WAV file.</summary>
internal static class ConvertCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Audio file to read" }.RejectUnknownOptions();
        var output = new Argument<string>("output") { Description = "WAV file to write (never the input)" }.RejectUnknownOptions();
        var rate = new Option<int?>("--rate", "-r") { Description = "Output sample rate in Hz (default: the input's)" };
        var mono = new Option<bool>("--mono") { Description = "Down-mix to one channel" };
        var asFloat = new Option<bool>("--float") { Description = "Write 32-bit float samples instead of 16-bit PCM" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing output file" };
        rate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is int v && (v < 1000 || v > AudioFormat.MaxSampleRate))
                r.AddError($"--rate must be between 1000 and {AudioFormat.MaxSampleRate} Hz");
        });
        var command = new Command("convert", "Convert audio to WAV, optionally down-mixed to mono and resampled")
        {
            input, output, rate, mono, asFloat, overwrite,
        };
        command.SetAction(parse =>
        {
            string inPath = parse.GetValue(input)!, outPath = parse.GetValue(output)!;
            OutputPaths.EnsureNotInput(inPath, outPath);
            using IAudioSource opened = AudioFile.Open(inPath);
            IAudioSource source = parse.GetValue(mono) ? opened.ToMono() : opened;
            if (parse.GetValue(rate) is int r)
                source = source.ResampleTo(r);
            var options = new WavWriterOptions
            {
                Encoding = parse.GetValue(asFloat) ? WavSampleEncoding.Float32 : WavSampleEncoding.Pcm16,
                Overwrite = parse.GetValue(overwrite),
            };
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!); // as the other commands do
            using WavWriter writer = WavWriter.Create(outPath, source.Format, options);
            float[] block = new float[8192 * source.Format.Channels];
            int n;
            while ((n = source.Read(block)) > 0)
                writer.Write(block.AsSpan(0, n));
            writer.Commit();
            context.Out.WriteLine($"{outPath}: {source.Format.SampleRate} Hz, {source.Format.Channels} channel(s), " +
                $"{writer.FramesWritten / (double)source.Format.SampleRate:0.000} s");
            if (writer.ClippedSamples > 0)
                context.Error.WriteLine($"onnxaudio: warning: {writer.ClippedSamples} samples were clipped to full scale; use --float to keep them");
            return ExitCodes.Success;
        });
        return command;
    }
}
