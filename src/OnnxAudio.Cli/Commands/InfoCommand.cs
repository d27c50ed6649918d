using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxAudio.Audio;

namespace OnnxAudio.Cli.Commands;

/// <summary><c>onnxaudio info IN...</c>: format, duration, peak and RMS level of audio files (folders walked).</summary>
internal static class InfoCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "Audio files or folders (WAV natively; mp3, flac, ogg, … through ffmpeg)",
            Arity = ArgumentArity.ZeroOrMore,
        }.RejectUnknownOptions();
        var json = new Option<bool>("--json") { Description = "Print one JSON object per file and line" };
        var models = new Option<bool>("--models") { Description = "Print where the shipped models are looked for, in order, and which are found" };
        var command = new Command("info", "Print the format, duration, peak and RMS level of audio files") { files, json, models };
        command.Validators.Add(result =>
        {
            string[] given = result.GetValue(files) ?? [];
            if (given.Length == 0 && !result.GetValue(models))
                result.AddError("give audio files or folders (or --models)");
            foreach (string token in given.Where(t => t.StartsWith('-') && t.Length > 1 && !File.Exists(t) && !Directory.Exists(t)))
                result.AddError($"Unrecognized option '{token}'.");
        });
        command.SetAction(parse =>
        {
            if (parse.GetValue(models))
                return PrintModels(context);
            int failures = 0;
            string[] expanded = FileBatch.Expand(parse.GetValue(files)!);
            foreach (string file in expanded)
            {
                try
                {
                    Print(context, file, parse.GetValue(json));
                }
                catch (OnnxAudioException e) when (expanded.Length > 1)
                {
                    // With several files, one bad file is reported and the rest are still measured.
                    context.Error.WriteLine($"onnxaudio: {StandardInput.Display(e.Message)}");
                    failures++;
                }
            }

            return failures == 0 ? ExitCodes.Success : ExitCodes.UserError;
        });
        return command;
    }

    private static int PrintModels(CliContext context)
    {
        context.Out.WriteLine("Shipped models are looked for here, first match wins:");
        int i = 1;
        foreach (var (folder, description) in ShippedModels.Places())
        {
            string[] found = folder is not null && Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*.onnx").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray()
                : [];
            context.Out.WriteLine($"{i++}. {description}" + (folder is null ? "" : found.Length > 0 ? $" ({string.Join(", ", found)})" : " (no models)"));
        }

        foreach (string name in new[] { "kws.onnx", "denoise.onnx", "declip.onnx", "codec.encoder.onnx", "codec.decoder.onnx", "dnsmos.onnx" })
            context.Out.WriteLine($"{name,-20} {ShippedModels.Find(name) ?? "not found"}");
        return ExitCodes.Success;
    }

    private static void Print(CliContext context, string path, bool json)
    {
        using IAudioSource source = AudioFile.Open(path);
        string file = StandardInput.Display(path);
        string container = Describe(source);
        AudioStatistics stats = AudioStatistics.Measure(source);
        if (json)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("file", file);
                w.WriteString("format", container);
                w.WriteNumber("sample_rate", stats.Format.SampleRate);
                w.WriteNumber("channels", stats.Format.Channels);
                w.WriteNumber("frames", stats.Frames);
                w.WriteNumber("duration_s", Math.Round(stats.Duration.TotalSeconds, 6));
                w.WriteNumber("peak", Math.Round(stats.Peak, 6));
                w.WriteNumber("rms", Math.Round(stats.Rms, 6));
                WriteDb(w, "peak_dbfs", stats.Peak);
                WriteDb(w, "rms_dbfs", stats.Rms);
                w.WriteEndObject();
            }

            context.Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        context.Out.WriteLine(file);
        context.Out.WriteLine($"  format:    {container}, {stats.Format.SampleRate} Hz, {stats.Format.Channels} channel(s)");
        context.Out.WriteLine(string.Create(inv, $"  duration:  {stats.Duration:hh\\:mm\\:ss\\.fff} ({stats.Frames} frames)"));
        context.Out.WriteLine(string.Create(inv, $"  peak:      {Db(stats.Peak)} dBFS ({stats.Peak:0.0000})"));
        context.Out.WriteLine(string.Create(inv, $"  RMS:       {Db(stats.Rms)} dBFS ({stats.Rms:0.0000})"));
        if (stats.Format.Channels > 1)
        {
            for (int c = 0; c < stats.Format.Channels; c++)
                context.Out.WriteLine(string.Create(inv,
                    $"  channel {c + 1}: peak {Db(stats.ChannelPeak[c])} dBFS, RMS {Db(stats.ChannelRms[c])} dBFS"));
        }
    }

    private static string Describe(IAudioSource source) => source switch
    {
        WavReader wav => $"WAV {wav.Encoding.Describe()}",
        FfmpegAudioSource => "decoded by ffmpeg",
        _ => source.GetType().Name,
    };

    private static string Db(double level)
    {
        double db = AudioStatistics.ToDbfs(level);
        return double.IsNegativeInfinity(db) ? "-inf" : db.ToString("0.00", CultureInfo.InvariantCulture);
    }

    private static void WriteDb(Utf8JsonWriter w, string name, double level)
    {
        double db = AudioStatistics.ToDbfs(level);
        if (double.IsNegativeInfinity(db))
            w.WriteNull(name);
        else
            w.WriteNumber(name, Math.Round(db, 3));
    }
}
