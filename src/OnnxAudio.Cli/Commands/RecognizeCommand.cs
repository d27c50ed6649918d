using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxAudio.Audio;
using OnnxAudio.Client;
using OnnxAudio.Onnx;
using OnnxAudio.Recognition;

namespace OnnxAudio.Cli.Commands;

/// <summary>
/// <c>onnxaudio recognize INPUT...</c>: classifies clips (keywords, sound classes), or with <c>--stream</c> reports
/// timestamped detections in long recordings. Inputs are files or folders (searched recursively); files are processed
/// in parallel.
/// </summary>
internal static class RecognizeCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Audio files or folders", Arity = ArgumentArity.OneOrMore }.RejectUnknownOptions();
        var model = new Option<string?>("--model", "-m") { Description = "Recognition model (.onnx); default: the shipped keyword spotter" };
        var top = new Option<int>("--top", "-k") { Description = "Labels to print per clip", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line (file, label, score[, top] or file, start, end, label, score)" };
        var stream = new Option<bool>("--stream") { Description = "Detect keywords over time in long audio" };
        var threshold = new Option<float?>("--threshold") { Description = "Detection threshold for --stream (default: the model's calibrated threshold, or 0.6)" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files processed in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var shard = Shard.CreateOption();
        var server = ServerOption.Create("kws");
        var command = new Command("recognize", "Classify clips, or detect keywords over time with --stream") { inputs, model, top, json, stream, threshold, jobs, shard, server };
        var inference = new InferenceArguments();
        inference.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            if (parse.GetValue(threshold) is float limit && !(limit is > 0 and <= 1))
                throw new OnnxAudioException($"--threshold is a score between 0 and 1 (exclusive of 0), not {limit.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            Shard? part = Shard.Parse(parse.GetValue(shard));
            using var remote = ServerOption.Connect(parse.GetValue(server));
            IClipClassifier classifier;
            AudioClassifier? local = null;
            if (remote is not null)
            {
                if (parse.GetValue(model) is not null)
                    throw new OnnxAudioException("--model and --server exclude each other: the server runs its own models");
                classifier = Served(() => RemoteClassifier.ConnectAsync(remote, cancellationToken: cancellationToken), remote.Address);
            }
            else
            {
                string modelPath = parse.GetValue(model) ?? ShippedModels.Require("kws.onnx");
                InferenceOptions options = inference.Read(parse);
                classifier = local = AudioClassifier.Load(modelPath, options);
                InferenceArguments.ReportChoice(context, parse, options, local.Provider);
            }

            using AudioClassifier? owned = local;
            string[] files = FileBatch.Expand(parse.GetValue(inputs)!, shard: part, context: context);
            int k = Math.Clamp(parse.GetValue(top), 1, classifier.Labels.Count);
            bool ok = FileBatch.Run(context, files, parse.GetValue(jobs), cancellationToken, i => parse.GetValue(stream)
                ? Detect(classifier, files[i], parse.GetValue(threshold), parse.GetValue(json), cancellationToken)
                : Classify(classifier, files[i], k, parse.GetValue(json)));
            return Task.FromResult(ok ? ExitCodes.Success : ExitCodes.UserError);
        });
        return command;
    }

    private static T Served<T>(Func<Task<T>> call, string address) => ServerOption.Wait(call, address);

    private static string Classify(IClipClassifier classifier, string file, int top, bool json)
    {
        var (window, total) = ReadMiddle(file, classifier.SampleRate, classifier.ClipSamples);
        // Float WAVs can hold any value; samples far beyond full scale overflow the features and leave no score.
        if (window.Length > 0 && !(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(window) is float peak && float.IsFinite(peak) && Math.Abs(peak) < 1e6f))
            throw new OnnxAudioException($"{file}: samples are not finite or far beyond full scale (|x| ≥ 1e6); this is not audio a model can score");
        var probabilities = new float[classifier.Labels.Count];
        classifier.Probabilities(window, probabilities);
        ClassificationResult result = new(classifier.Labels.Zip(probabilities, (l, p) => new LabelScore(l, p)).OrderByDescending(s => s.Score).ToArray());
        if (!float.IsFinite(result.Score))
            throw new OnnxAudioException($"{file}: the model gives no finite score for this audio");
        string? note = total < classifier.ClipSamples
            ? FormattableString.Invariant($"padded from {total / (double)classifier.SampleRate:0.###} s to {classifier.ClipSamples / (double)classifier.SampleRate:0.###} s")
            : total > classifier.ClipSamples
                ? FormattableString.Invariant(
                    $"the middle {classifier.ClipSamples / (double)classifier.SampleRate:0.###} s of {total / (double)classifier.SampleRate:0.###} s was classified; use --stream for long audio")
                : null;
        if (!json)
        {
            string ranked = string.Join(", ", result.Top(top).Select(s => FormattableString.Invariant($"{s.Label} {s.Score:0.000}")));
            return note is null ? $"{file}: {ranked}" : $"{file}: {ranked} ({note})";
        }

        return Json(w =>
        {
            w.WriteString("file", file);
            w.WriteString("label", result.Label);
            w.WriteNumber("score", Math.Round(result.Score, 5));
            if (top > 1)
            {
                w.WriteStartArray("top");
                foreach (LabelScore s in result.Top(top))
                {
                    w.WriteStartObject();
                    w.WriteString("label", s.Label);
                    w.WriteNumber("score", Math.Round(s.Score, 5));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (note is not null)
                w.WriteString("note", note);
        });
    }

    /// <summary>
    /// The middle <paramref name="clipSamples"/> of a file (what the classifier looks at) and the file's length, read in
    /// constant memory: a file whose length the header does not give is counted in a first pass.
    /// </summary>
    private static (float[] Window, long Total) ReadMiddle(string file, int rate, int clipSamples)
    {
        var block = new float[1 << 15];
        long total;
        using (IAudioSource probe = AudioFile.OpenMono(file, rate))
        {
            total = probe.LengthFrames ?? 0;
            if (probe.LengthFrames is null)
            {
                int n;
                while ((n = probe.Read(block)) > 0)
                    total += n;
            }
        }

        using IAudioSource source = AudioFile.OpenMono(file, rate);
        for (long skip = Math.Max(0, (total - clipSamples) / 2); skip > 0;)
        {
            int n = source.Read(block.AsSpan(0, (int)Math.Min(block.Length, skip)));
            if (n == 0)
                break;
            skip -= n;
        }

        var window = new float[Math.Min(clipSamples, total)];
        int filled = 0, got;
        while (filled < window.Length && (got = source.Read(window.AsSpan(filled))) > 0)
            filled += got;
        return (window[..filled], total);
    }

    private static string Detect(IClipClassifier classifier, string file, float? threshold, bool json, CancellationToken cancellationToken)
    {
        using IAudioSource source = AudioFile.Open(file);
        // Without --threshold the detector takes the model's own (IClipClassifier.DetectionThreshold).
        var detector = new KeywordDetector(classifier, threshold is float t ? new DetectorOptions { Threshold = t } : null);
        var lines = new List<string>();
        foreach (Detection d in detector.Detect(source, cancellationToken))
        {
            lines.Add(json
                ? Json(w =>
                {
                    w.WriteString("file", file);
                    w.WriteNumber("start", Math.Round(d.Start, 3));
                    w.WriteNumber("end", Math.Round(d.End, 3));
                    w.WriteString("label", d.Label);
                    w.WriteNumber("score", Math.Round(d.Score, 5));
                })
                : FormattableString.Invariant($"{file}: {d.Start:0.00}-{d.End:0.00} s {d.Label} {d.Score:0.000}"));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
