using System.CommandLine;
using OnnxAudio.Audio;
using OnnxAudio.Restoration;

namespace OnnxAudio.Cli.Commands;

/// <summary>
/// <c>onnxaudio restore IN OUT [--task denoise|declip] [--strength S] [--pitch-filter true|false]</c>: denoises or declips a file, or a folder into
/// a mirrored folder (files in parallel). The output is the model's format (mono at its rate), as long as the input and
/// time-aligned with it; it is written through a temporary file and never replaces the input.
/// </summary>
internal static class RestoreCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Audio file, or folder of audio files" };
        var output = new Argument<string>("output") { Description = "Output WAV file, or output folder" };
        var task = new Option<RestorationKind>("--task", "-t") { Description = "denoise or declip", DefaultValueFactory = _ => RestorationKind.Denoise };
        var strength = new Option<float>("--strength", "-s") { Description = "0 leaves the input as it is, 1 applies the model fully", DefaultValueFactory = _ => 1f };
        var pitchFilter = new Option<bool?>("--pitch-filter")
        {
            Description = "RNNoise's pitch filter before the mask (harmonics kept, the noise between them reduced; no added latency); default: on for denoising",
        };
        var model = new Option<string?>("--model", "-m") { Description = "Restoration model (.onnx); default: the shipped one for the task" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files processed in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace existing output files (never an input)" };
        var shard = Shard.CreateOption();
        var server = ServerOption.Create("denoise / declip");
        var command = new Command("restore", "Denoise or declip audio (file or folder)") { input, output, task, strength, pitchFilter, model, jobs, overwrite, shard, server };
        var inference = new InferenceArguments();
        inference.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            RestoreOptions options;
            try
            {
                options = new RestoreOptions { Strength = parse.GetValue(strength), PitchFilter = parse.GetValue(pitchFilter) }.Validated();
            }
            catch (OnnxAudioException e)
            {
                throw new OnnxAudioException($"--strength: {e.Message}");
            }

            RestorationKind kind = parse.GetValue(task);
            Shard? part = Shard.Parse(parse.GetValue(shard));
            if (parse.GetValue(server) is string address)
                return Task.FromResult(RestoreRemotely(context, address, kind, options, parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(model),
                    parse.GetValue(overwrite), parse.GetValue(jobs), part, cancellationToken));
            Onnx.InferenceOptions inferenceOptions = inference.Read(parse);
            using Restorer restorer = Restorer.Load(parse.GetValue(model) ?? ShippedModels.Require($"{Name(kind)}.onnx"), inferenceOptions);
            InferenceArguments.ReportChoice(context, parse, inferenceOptions, restorer.Provider);
            if (restorer.Kind != kind)
                throw new OnnxAudioException($"{restorer.Metadata.Name}: this model does {Name(restorer.Kind)}, not {Name(kind)}");
            var pairs = FileBatch.SkipExisting(context, FileBatch.Map(parse.GetValue(input)!, parse.GetValue(output)!, ".wav", shard: part, context: context), parse.GetValue(overwrite));
            var writerOptions = WriterOptions(kind, parse.GetValue(overwrite));
            bool ok = FileBatch.Run(context, pairs.Select(p => p.Input).ToArray(), parse.GetValue(jobs), cancellationToken,
                i => RestoreFile(context, restorer, pairs[i].Input, pairs[i].Output, options, writerOptions, pairs.Length == 1, cancellationToken));
            return Task.FromResult(ok ? ExitCodes.Success : ExitCodes.UserError);
        });
        return command;
    }

    private static string Name(RestorationKind kind) => kind == RestorationKind.Declip ? "declip" : "denoise";

    private static string Done(RestorationKind kind) => kind == RestorationKind.Declip ? "declipped" : "denoised";

    // Restored peaks of clipped audio may exceed full scale: declipping writes 32-bit float so they survive.
    private static WavWriterOptions WriterOptions(RestorationKind kind, bool overwrite) => new()
    {
        Overwrite = overwrite,
        Encoding = kind == RestorationKind.Declip ? WavSampleEncoding.Float32 : WavSampleEncoding.Pcm16,
    };

    /// <summary>restore --server: each file streamed to the server's model (the same output as in-process at strength 1).</summary>
    private static int RestoreRemotely(CliContext context, string address, RestorationKind kind, RestoreOptions options, string input, string output,
        string? model, bool overwrite, int jobs, Shard? part, CancellationToken cancellationToken)
    {
        if (model is not null)
            throw new OnnxAudioException("--model and --server exclude each other: the server runs its own models");
        if (options.Strength != 1)
            throw new OnnxAudioException("--strength is applied by the in-process model; a server restores at strength 1");
        if (options.PitchFilter == true)
            throw new OnnxAudioException("--pitch-filter is applied in-process; a server runs the network alone (as --pitch-filter false)");
        using var client = new Client.InferenceClient(address);
        var remote = new Client.RemoteRestorer(client, Name(kind));
        var pairs = FileBatch.SkipExisting(context, FileBatch.Map(input, output, ".wav", shard: part, context: context), overwrite);
        var writerOptions = WriterOptions(kind, overwrite);
        bool ok = FileBatch.Run(context, pairs.Select(p => p.Input).ToArray(), jobs, cancellationToken, i =>
        {
            var (from, to) = pairs[i];
            // Declipping: the file's level from a first pass; without clipping, a level nothing reaches (the output is the input).
            float? level = kind == RestorationKind.Declip
                ? Restorer.DetectClipLevel(() => AudioFile.OpenMono(from, 16000), cancellationToken).Level ?? float.MaxValue
                : null;
            using IAudioSource source = AudioFile.OpenMono(from, 16000);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(to))!);
            using WavWriter writer = WavWriter.Create(to, new AudioFormat(16000, 1), writerOptions);
            long samples = ServerOption.Wait(() => remote.ProcessAsync(source, writer.Write, level, cancellationToken), address);
            writer.Commit();
            return FormattableString.Invariant($"{from} -> {to}: {samples / 16000.0:0.00} s {Done(kind)} by {address}");
        });
        return ok ? ExitCodes.Success : ExitCodes.UserError;
    }

    /// <summary>Restores one file; returns the line to print.</summary>
    public static string RestoreFile(CliContext context, Restorer restorer, string input, string output, RestoreOptions options,
        WavWriterOptions writerOptions, bool showProgress, CancellationToken cancellationToken)
    {
        using IAudioSource source = AudioFile.OpenMono(input, restorer.SampleRate);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        using WavWriter writer = WavWriter.Create(output, new AudioFormat(restorer.SampleRate, 1), writerOptions);
        IProgress<long>? progress = showProgress ? FileBatch.FileProgress(context, input, source.LengthFrames) : null;
        RestoreResult result = restorer.Process(source, writer.Write, options, () => AudioFile.OpenMono(input, restorer.SampleRate), progress, cancellationToken);
        writer.Commit();
        string note = restorer.Kind != RestorationKind.Declip ? ""
            : result.ClipLevel is float l ? FormattableString.Invariant($", clipped at {l:0.####} ({result.SamplesAtClipLevel} samples)")
            : ", no clipping found (output follows the input)";
        string clipped = writer.ClippedSamples > 0 ? $", {writer.ClippedSamples} samples limited to full scale" : "";
        return FormattableString.Invariant($"{input} -> {output}: {result.Samples / (double)restorer.SampleRate:0.00} s {Done(restorer.Kind)}{note}{clipped}");
    }
}
