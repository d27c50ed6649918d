using System.CommandLine;
using System.Globalization;
using OnnxAudio.Cli.Scoring;
using OnnxAudio.Cli.Reports;

namespace OnnxAudio.Cli.Commands.Eval;

/// <summary><c>eval classify</c>: accuracy, per-class precision and recall, calibration and the confusion matrix.</summary>
internal static class EvalClassifyCommand
{
    public static Command Create(CliContext context)
    {
        var predictions = new Option<string?>("--predictions") { Description = "JSON lines with 'file' and 'label' (what 'onnxaudio recognize --json' prints)" };
        var model = new Option<string?>("--model", "-m") { Description = "Run this recognition model over --data instead of reading predictions" };
        var data = new Option<string?>("--data") { Description = "Folder with one sub-folder per label (with --model)" };
        var keywords = new Option<string[]>("--keywords") { Description = "Classes to keep; other folder names count as _unknown_", AllowMultipleArgumentsPerToken = true };
        var json = new Option<string?>("--json") { Description = "Write the report as JSON to this file" };
        var plots = new Option<string?>("--plots") { Description = "Write the confusion matrix as a PNG to this folder" };
        var snr = new Option<double?>("--snr") { Description = "With --model: mix every clip with seeded synthetic noise at this SNR (dB) before classifying" };
        var noise = new Option<NoiseChoice>("--noise")
        {
            Description = "With --snr: white, pink, brown, hum, crackle, or mixed (a seeded choice per clip)",
            DefaultValueFactory = _ => NoiseChoice.Mixed,
        };
        var seed = new Option<int>("--seed") { Description = "With --snr: seed of the noise (each clip's noise also depends on its path)", DefaultValueFactory = _ => 1 };
        var peakLevel = new Option<double?>("--peak-level") { Description = "With --model: scale every clip (after any noise) to this peak level in dBFS, e.g. -30, to test level robustness" };
        var command = new Command("classify", "Accuracy, per-class precision/recall and confusion matrix; the true label of a file is its folder's name")
        {
            predictions, model, data, keywords, json, plots, snr, noise, seed, peakLevel,
        };
        command.SetAction(parse =>
        {
            string[] keep = parse.GetValue(keywords) ?? [];
            ClassificationRun run;
            if (parse.GetValue(model) is string modelPath)
            {
                var conditions = new ClipConditions(parse.GetValue(snr), parse.GetValue(noise), parse.GetValue(seed), parse.GetValue(peakLevel));
                run = ClassificationScoring.RunModel(modelPath, parse.GetValue(data) ?? throw new OnnxAudioException("--model needs --data, a folder with one sub-folder per label"), keep, conditions);
                if (conditions.SnrDb is double used)
                    context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"every clip mixed with {conditions.Noise.ToString().ToLowerInvariant()} noise at {used:0.#} dB SNR (seed {conditions.Seed})"));
                if (conditions.PeakDb is double scaled)
                    context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"every clip scaled to a peak of {scaled:0.#} dBFS"));
            }
            else
            {
                run = ClassificationScoring.ReadPredictions(parse.GetValue(predictions) ?? throw new OnnxAudioException("give --predictions, or --model with --data"), keep);
            }

            if (run.Truth.Count == 0)
                throw new OnnxAudioException("nothing to score");
            EvalReport.Write(context.Out, run, parse.GetValue(json), parse.GetValue(plots));
            return ExitCodes.Success;
        });
        return command;
    }
}
