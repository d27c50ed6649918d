using System.CommandLine;
using System.Globalization;
using OnnxAudio.Cli.Reports;
using OnnxAudio.Evaluation;

namespace OnnxAudio.Cli.Commands.Eval;

/// <summary>
/// <c>onnxaudio eval quality IN...</c>: DNSMOS P.835 (SIG, BAK, OVRL) of recordings without a clean reference, per file
/// and the mean, with the shipped <c>models/dnsmos.onnx</c> (Microsoft, CC BY 4.0).
/// </summary>
internal static class EvalQualityCommand
{
    public const string ModelFile = "dnsmos.onnx";

    public static Command Create(CliContext context)
    {
        var inputs = new Argument<string[]>("IN") { Description = "Audio files or folders", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string?>("--model", "-m") { Description = $"The DNSMOS P.835 model (default: the shipped models/{ModelFile})" };
        var json = new Option<string?>("--json") { Description = "Write per-file and mean scores as JSON to this file" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files scored in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("quality", "DNSMOS P.835 speech quality (SIG, BAK, OVRL, 1–5) without a clean reference") { inputs, model, json, jobs };
        command.SetAction(parse =>
        {
            string[] files = FileBatch.Expand(parse.GetValue(inputs)!);
            using Dnsmos dnsmos = Load(parse.GetValue(model));
            var scores = new DnsmosScore?[files.Length];
            var errors = new string?[files.Length];
            Parallel.For(0, files.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parse.GetValue(jobs)) }, i =>
            {
                try
                {
                    scores[i] = dnsmos.Score(files[i]);
                }
                catch (OnnxAudioException e)
                {
                    errors[i] = e.Message;
                }
            });

            TextWriter o = context.Out;
            for (int i = 0; i < files.Length; i++)
                if (errors[i] is string error)
                    context.Error.WriteLine($"onnxaudio: skipped {files[i]}: {error}");
            var scored = Enumerable.Range(0, files.Length).Where(i => scores[i] is not null).ToArray();
            if (scored.Length == 0)
                throw new OnnxAudioException("no file could be scored");
            o.WriteLine($"{"SIG",6} {"BAK",6} {"OVRL",6}  file");
            foreach (int i in scored)
                o.WriteLine(Format(scores[i]!.Value) + "  " + files[i]);
            DnsmosScore mean = Mean(scored.Select(i => scores[i]!.Value));
            o.WriteLine(Format(mean) + $"  mean of {scored.Length} files");
            if (parse.GetValue(json) is string path)
            {
                JsonReport.Write(path, w =>
                {
                    w.WriteNumber("files", scored.Length);
                    w.WriteStartObject("mean");
                    Write(w, mean);
                    w.WriteEndObject();
                    w.WriteStartArray("scores");
                    foreach (int i in scored)
                    {
                        w.WriteStartObject();
                        w.WriteString("file", files[i]);
                        Write(w, scores[i]!.Value);
                        w.WriteNumber("windows", scores[i]!.Value.Windows);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
            }

            return scored.Length < files.Length ? ExitCodes.UserError : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The given model, or the shipped one.</summary>
    public static Dnsmos Load(string? path) => Dnsmos.Load(path ?? ShippedModels.Require(ModelFile));

    public static DnsmosScore Mean(IEnumerable<DnsmosScore> scores)
    {
        var list = scores.ToList();
        return new DnsmosScore(list.Average(s => s.Sig), list.Average(s => s.Bak), list.Average(s => s.Ovrl), list.Sum(s => s.Windows));
    }

    private static string Format(DnsmosScore s) => string.Create(CultureInfo.InvariantCulture, $"{s.Sig,6:0.000} {s.Bak,6:0.000} {s.Ovrl,6:0.000}");

    private static void Write(System.Text.Json.Utf8JsonWriter w, DnsmosScore s)
    {
        w.WriteNumber("sig", Math.Round(s.Sig, 4));
        w.WriteNumber("bak", Math.Round(s.Bak, 4));
        w.WriteNumber("ovrl", Math.Round(s.Ovrl, 4));
    }
}
