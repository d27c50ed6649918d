using System.CommandLine;
using System.Globalization;
using OnnxAudio.Audio;
using OnnxAudio.Compression;

namespace OnnxAudio.Cli.Commands;

/// <summary>
/// <c>onnxaudio compress IN OUT --kbps 1.5|3|6</c> and <c>onnxaudio decompress IN OUT</c>: the neural speech codec on
/// files or folders (mirrored, in parallel). Compression reports the file's real bitrate (bits on disk over the
/// duration) next to the nominal one; decoding restores the original length, time-aligned, as 16 kHz mono WAV.
/// </summary>
internal static class CodecCommands
{
    public const string Extension = ".oac";

    public static Command Compress(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Audio file, or folder of audio files" };
        var output = new Argument<string>("output") { Description = "Output .oac file, or output folder" };
        var kbps = new Option<double>("--kbps", "-b")
        {
            Description = "Bitrate in kbit/s: a multiple of the model's rate per codebook (the shipped codec: 0.5 to 6 in steps of 0.5; its card measures 1.5, 3 and 6)",
            DefaultValueFactory = _ => 6,
        };
        var entropy = new Option<bool>("--entropy-coding") { Description = "Range-code blocks where that is smaller (variable rate, below --kbps)" };
        var model = new Option<string?>("--model", "-m") { Description = "Codec model (stem of NAME.encoder.onnx / NAME.decoder.onnx); default: the shipped one" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files processed in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace existing output files (never an input)" };
        var shard = Shard.CreateOption();
        var command = new Command("compress", "Encode speech into the .oac neural codec format") { input, output, kbps, entropy, model, jobs, overwrite, shard };
        var inference = new InferenceArguments();
        inference.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            Shard? part = Shard.Parse(parse.GetValue(shard));
            Onnx.InferenceOptions inferenceOptions = inference.Read(parse);
            using SpeechCodec codec = SpeechCodec.Load(parse.GetValue(model) ?? ShippedModels.Require("codec.encoder.onnx"), inferenceOptions);
            InferenceArguments.ReportChoice(context, parse, inferenceOptions, codec.Provider);
            int codebooks = codec.CodebooksFor(parse.GetValue(kbps));
            var pairs = FileBatch.SkipExisting(context, FileBatch.Map(parse.GetValue(input)!, parse.GetValue(output)!, Extension, shard: part, context: context), parse.GetValue(overwrite));
            bool ok = FileBatch.Run(context, pairs.Select(p => p.Input).ToArray(), parse.GetValue(jobs), cancellationToken, i =>
            {
                var (from, to) = pairs[i];
                using IAudioSource source = AudioFile.OpenMono(from, codec.SampleRate);
                IProgress<long>? progress = pairs.Length == 1 ? FileBatch.FileProgress(context, from, source.LengthFrames) : null;
                BitstreamHeader header = OutputPaths.WriteAtomically(to, parse.GetValue(overwrite),
                    stream => codec.Compress(source, stream, codebooks, parse.GetValue(entropy), progress, cancellationToken));
                long bits = new FileInfo(to).Length * 8;
                double seconds = header.DurationSeconds;
                string rate = seconds > 0 ? string.Create(CultureInfo.InvariantCulture, $"{bits / seconds / 1000:0.000} kbit/s") : "no audio (header only)";
                return string.Create(CultureInfo.InvariantCulture,
                    $"{from} -> {to}: {seconds:0.00} s, {bits / 8} bytes, {rate} (nominal {header.PayloadBitsPerSecond / 1000:0.###})");
            });
            return Task.FromResult(ok ? ExitCodes.Success : ExitCodes.UserError);
        });
        return command;
    }

    public static Command Decompress(CliContext context)
    {
        var input = new Argument<string>("input") { Description = ".oac file, or folder of .oac files" };
        var output = new Argument<string>("output") { Description = "Output WAV file, or output folder" };
        var model = new Option<string?>("--model", "-m") { Description = "Codec model (its decoder, NAME.decoder.onnx, suffices); default: the shipped one" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files processed in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace existing output files (never an input)" };
        var shard = Shard.CreateOption();
        var command = new Command("decompress", "Decode .oac files to WAV") { input, output, model, jobs, overwrite, shard };
        var inference = new InferenceArguments();
        inference.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            Shard? part = Shard.Parse(parse.GetValue(shard));
            string decoderPath = SpeechCodec.Paths(parse.GetValue(model) ?? ShippedModels.Require("codec.decoder.onnx")).Decoder;
            Onnx.InferenceOptions inferenceOptions = inference.Read(parse);
            using SpeechCodec codec = SpeechCodec.LoadDecoder(decoderPath, inferenceOptions);
            InferenceArguments.ReportChoice(context, parse, inferenceOptions, codec.Provider);
            var pairs = FileBatch.SkipExisting(context, FileBatch.Map(parse.GetValue(input)!, parse.GetValue(output)!, ".wav", [Extension], part, context), parse.GetValue(overwrite));
            var options = new WavWriterOptions { Overwrite = parse.GetValue(overwrite) };
            bool ok = FileBatch.Run(context, pairs.Select(p => p.Input).ToArray(), parse.GetValue(jobs), cancellationToken, i =>
            {
                var (from, to) = pairs[i];
                IProgress<long>? progress = null;
                if (pairs.Length == 1)
                    using (FileStream peek = OpenBitstream(from))
                        progress = FileBatch.FileProgress(context, from, codec.ReadHeader(peek, from).OriginalLength);
                using FileStream stream = OpenBitstream(from);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(to))!);
                using WavWriter writer = WavWriter.Create(to, new AudioFormat(codec.SampleRate, 1), options);
                BitstreamHeader header = codec.Decompress(stream, from, writer.Write, progress, cancellationToken);
                writer.Commit();
                return string.Create(CultureInfo.InvariantCulture, $"{from} -> {to}: {header.DurationSeconds:0.00} s at {header.PayloadBitsPerSecond / 1000:0.###} kbit/s");
            });
            return Task.FromResult(ok ? ExitCodes.Success : ExitCodes.UserError);
        });
        return command;
    }

    private static FileStream OpenBitstream(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxAudioException($"{path}: cannot be read: {e.Message}", e);
        }
    }

}
