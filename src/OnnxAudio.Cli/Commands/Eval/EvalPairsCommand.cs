using System.CommandLine;
using OnnxAudio.Cli.Scoring;
using OnnxAudio.Cli.Reports;
using OnnxAudio.Evaluation;

namespace OnnxAudio.Cli.Commands.Eval;

/// <summary><c>eval pairs</c> (folders of reference and processed audio) and <c>eval manifest</c> (a corpus's pairs).</summary>
internal static class EvalPairsCommand
{
    public static Command Pairs(CliContext context)
    {
        var reference = new Option<string>("--reference") { Description = "Clean or original audio (file or folder)", Required = true };
        var estimate = new Option<string>("--estimate") { Description = "Processed audio with the same relative names (file or folder)", Required = true };
        var input = new Option<string?>("--input") { Description = "The unprocessed input (e.g. noisy), to report improvements" };
        var options = new PairOptions();
        var command = new Command("pairs", "Compare processed audio with its reference: SI-SDR, SNR, segmental SNR, STOI, ESTOI, LSD, mel distance, and DNSMOS P.835")
        {
            reference, estimate, input, options.Align, options.Rate, options.Json, options.Jobs, options.Plots, options.Dnsmos,
        };
        command.SetAction(parse =>
        {
            string r = parse.GetValue(reference)!, e = parse.GetValue(estimate)!;
            string? n = parse.GetValue(input);
            string root = Directory.Exists(r) ? r : Path.GetDirectoryName(Path.GetFullPath(r))!;
            var jobs = PairScoring.MatchFiles(r, e).Select(p => new PairJob(Path.GetRelativePath(root, p.Reference), p.Reference, p.Estimate,
                n is null ? null : Directory.Exists(n) ? Path.Combine(n, Path.GetRelativePath(r, p.Reference)) : n)).ToList();
            return Report(context, jobs, options.Read(parse));
        });
        return command;
    }

    public static Command Manifest(CliContext context)
    {
        var corpus = new Option<string>("--corpus") { Description = "A denoising corpus folder (with manifest.jsonl)", Required = true };
        var split = new Option<string>("--split") { Description = "train, validation or test", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("train", "validation", "test");
        var estimate = new Option<string?>("--estimate") { Description = "Folder of processed files named like the noisy ones; without it the noisy input itself is scored" };
        var options = new PairOptions();
        var command = new Command("manifest", "Score a corpus's noisy files (or processed versions of them) against their clean references")
        {
            corpus, split, estimate, options.Align, options.Rate, options.Json, options.Jobs, options.Plots, options.Dnsmos,
        };
        command.SetAction(parse =>
        {
            string root = parse.GetValue(corpus)!, wanted = parse.GetValue(split)!;
            string? estimates = parse.GetValue(estimate);
            if (!File.Exists(Path.Combine(root, OnnxAudio.Evaluation.Manifest.FileName)))
                throw new OnnxAudioException($"{root}: no {OnnxAudio.Evaluation.Manifest.FileName} (generate the corpus with 'onnxaudio-train data denoise')");
            var jobs = OnnxAudio.Evaluation.Manifest.Pairs(OnnxAudio.Evaluation.Manifest.Read(root), wanted).Select(e => new PairJob(
                e.Path, Path.Combine(root, e.CleanPath!), Path.Combine(estimates ?? root, e.Path), estimates is null ? null : Path.Combine(root, e.Path),
                e.SnrDb,
                // Noise from the user's files is named by the file, so that each source gets its own row.
                e.NoiseType == "file" && e.NoiseSource is string file ? "file:" + Path.GetFileNameWithoutExtension(file) : e.NoiseType)).ToList();
            if (jobs.Count == 0)
                throw new OnnxAudioException($"{Path.Combine(root, OnnxAudio.Evaluation.Manifest.FileName)}: no clean/noisy pairs in split '{wanted}'");
            return Report(context, jobs, options.Read(parse));
        });
        return command;
    }

    private static int Report(CliContext context, List<PairJob> jobs, PairSettings settings)
    {
        PairReport report = PairScoring.Score(jobs, settings);
        foreach (var (job, error) in report.Failed)
            context.Error.WriteLine($"onnxaudio: skipped {job.Name}: {error}");
        EvalReport.Write(context.Out, report, settings);
        return report.Failed.Count > 0 ? ExitCodes.UserError : ExitCodes.Success;
    }

    private sealed class PairOptions
    {
        public readonly Option<bool> Align = new("--align") { Description = "Compensate the processed audio's delay (found by cross-correlation, up to 100 ms)" };
        public readonly Option<int> Rate = new("--rate") { Description = "Sample rate to compare at", DefaultValueFactory = _ => 16000 };
        public readonly Option<string?> Json = new("--json") { Description = "Write per-file and mean metrics as JSON to this file" };
        public readonly Option<int> Jobs = new("--jobs", "-j") { Description = "Files scored in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        public readonly Option<string?> Plots = new("--plots") { Description = "Write PNG spectrograms (first files) and metric-against-SNR curves to this folder" };
        public readonly Option<string?> Dnsmos = new("--dnsmos-model") { Description = $"DNSMOS P.835 model for the no-reference scores (default: the shipped models/{EvalQualityCommand.ModelFile})" };

        public PairSettings Read(ParseResult parse) =>
            new(parse.GetValue(Align), parse.GetValue(Rate), parse.GetValue(Json), Math.Max(1, parse.GetValue(Jobs)), parse.GetValue(Plots), parse.GetValue(Dnsmos));
    }
}
