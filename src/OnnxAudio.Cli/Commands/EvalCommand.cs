using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxAudio.Audio;
using OnnxAudio.Cli.Reports;
using OnnxAudio.Evaluation;

namespace OnnxAudio.Cli.Commands;

/// <summary>
/// <c>onnxaudio eval</c>: scores outputs against references with the evaluation toolkit. <c>pairs</c> compares
/// folders of reference and processed (denoised, decoded) audio; <c>manifest</c> does the same for a generated
/// corpus's pairs; <c>classify</c> scores recognition predictions (JSON lines) against labels given by folder names.
/// </summary>
internal static class EvalCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create(CliContext context)
    {
        var eval = new Command("eval", "Measure quality: waveform metrics of processed audio, or recognition accuracy");
        eval.Subcommands.Add(Pairs(context));
        eval.Subcommands.Add(ManifestPairs(context));
        eval.Subcommands.Add(Classify(context));
        eval.Subcommands.Add(EvalQualityCommand.Create(context));
        return eval;
    }

    private static Command Pairs(CliContext context)
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
            var items = MatchFiles(r, e).Select(p => new PairJob(Path.GetRelativePath(Directory.Exists(r) ? r : Path.GetDirectoryName(Path.GetFullPath(r))!, p.Reference), p.Reference, p.Estimate,
                n is null ? null : Directory.Exists(n) ? Path.Combine(n, Path.GetRelativePath(r, p.Reference)) : n)).ToList();
            return Run(context, items, options.Read(parse));
        });
        return command;
    }

    private static Command ManifestPairs(CliContext context)
    {
        var corpus = new Option<string>("--corpus") { Description = "A denoising corpus folder (with manifest.jsonl)", Required = true };
        var split = new Option<string>("--split") { Description = "train, validation or test", DefaultValueFactory = _ => "test" };
        var estimate = new Option<string?>("--estimate") { Description = "Folder of processed files named like the noisy ones; without it the noisy input itself is scored" };
        var options = new PairOptions();
        var command = new Command("manifest", "Score a corpus's noisy files (or processed versions of them) against their clean references")
        {
            corpus, split, estimate, options.Align, options.Rate, options.Json, options.Jobs, options.Plots, options.Dnsmos,
        };
        command.SetAction(parse =>
        {
            string root = parse.GetValue(corpus)!, wanted = parse.GetValue(split)!;
            string manifest = Path.Combine(root, "manifest.jsonl");
            if (!File.Exists(manifest))
                throw new OnnxAudioException($"{root}: no manifest.jsonl (generate the corpus with 'onnxaudio-train data denoise')");
            var items = new List<PairJob>();
            foreach (string line in File.ReadLines(manifest).Where(l => l.Length > 0))
            {
                using var doc = JsonDocument.Parse(line);
                JsonElement e = doc.RootElement;
                if (e.GetProperty("split").GetString() != wanted || !e.TryGetProperty("clean_path", out JsonElement clean))
                    continue;
                string noisy = e.GetProperty("path").GetString()!;
                string processed = parse.GetValue(estimate) is string estimates ? Path.Combine(estimates, noisy) : Path.Combine(root, noisy);
                double? snr = e.TryGetProperty("snr_db", out JsonElement s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : null;
                string? noiseType = e.TryGetProperty("noise_type", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                // Noise from the user's files: named by the file, so that each source gets its own row.
                if (noiseType == "file" && e.TryGetProperty("noise_source", out JsonElement f) && f.ValueKind == JsonValueKind.String)
                    noiseType = "file:" + Path.GetFileNameWithoutExtension(f.GetString());
                items.Add(new PairJob(noisy, Path.Combine(root, clean.GetString()!), processed, parse.GetValue(estimate) is null ? null : Path.Combine(root, noisy), snr, noiseType));
            }

            if (items.Count == 0)
                throw new OnnxAudioException($"{manifest}: no clean/noisy pairs in split '{wanted}'");
            return Run(context, items, options.Read(parse));
        });
        return command;
    }

    private static Command Classify(CliContext context)
    {
        var predictions = new Option<string?>("--predictions") { Description = "JSON lines with 'file' and 'label' (what 'onnxaudio recognize --json' prints)" };
        var model = new Option<string?>("--model", "-m") { Description = "Run this recognition model over --data instead of reading predictions" };
        var data = new Option<string?>("--data") { Description = "Folder with one sub-folder per label (with --model)" };
        var keywords = new Option<string[]>("--keywords") { Description = "Classes to keep; other folder names count as _unknown_", AllowMultipleArgumentsPerToken = true };
        var json = new Option<string?>("--json") { Description = "Write the report as JSON to this file" };
        var plots = new Option<string?>("--plots") { Description = "Write the confusion matrix as a PNG to this folder" };
        var snr = new Option<double?>("--snr") { Description = "With --model: mix every clip with seeded synthetic noise at this SNR (dB) before classifying" };
        var noise = new Option<string>("--noise") { Description = "With --snr: white, pink, brown, hum, crackle, or mixed (a seeded choice per clip)", DefaultValueFactory = _ => "mixed" };
        noise.AcceptOnlyFromAmong("white", "pink", "brown", "hum", "crackle", "mixed");
        var seed = new Option<int>("--seed") { Description = "With --snr: seed of the noise (each clip's noise also depends on its path)", DefaultValueFactory = _ => 1 };
        var peakLevel = new Option<double?>("--peak-level") { Description = "With --model: scale every clip (after any noise) to this peak level in dBFS, e.g. -30, to test level robustness" };
        var command = new Command("classify", "Accuracy, per-class precision/recall and confusion matrix; the true label of a file is its folder's name")
        {
            predictions, model, data, keywords, json, plots, snr, noise, seed, peakLevel,
        };
        command.SetAction(parse =>
        {
            string[] keep = parse.GetValue(keywords) ?? [];
            var truth = new List<string>();
            var predicted = new List<string>();
            var confidence = new List<double>();
            string TrueLabel(string file)
            {
                string parent = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file))!);
                return keep.Length == 0 || keep.Contains(parent) || parent.StartsWith('_') ? parent : "_unknown_";
            }

            if (parse.GetValue(model) is string modelPath)
            {
                string dataFolder = parse.GetValue(data) ?? throw new OnnxAudioException("--model needs --data, a folder with one sub-folder per label");
                if (!Directory.Exists(dataFolder))
                    throw new OnnxAudioException($"{dataFolder}: no such folder");
                using var classifier = Recognition.AudioClassifier.Load(modelPath);
                string[] files = Directory.EnumerateFiles(dataFolder, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
                var labelsOut = new string[files.Length];
                var scoresOut = new double[files.Length];
                double? snrDb = parse.GetValue(snr);
                double? peakDb = parse.GetValue(peakLevel);
                if (peakDb is > 0 or < -90)
                    throw new OnnxAudioException("--peak-level is a level in dBFS between -90 and 0");
                string noiseKind = parse.GetValue(noise)!;
                int noiseSeed = parse.GetValue(seed);
                Parallel.For(0, files.Length, i =>
                {
                    float[] clip = AudioFile.ReadMono(files[i], classifier.SampleRate);
                    if (snrDb is double level)
                        clip = WithNoise(clip, level, noiseKind, StableSeed(Path.GetRelativePath(dataFolder, files[i]), noiseSeed));
                    if (peakDb is double db && clip.Length > 0 && System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(clip) is float peak && peak != 0)
                        System.Numerics.Tensors.TensorPrimitives.Multiply(clip, (float)(Math.Pow(10, db / 20) / Math.Abs(peak)), clip);
                    var result = classifier.Classify(clip);
                    labelsOut[i] = result.Label;
                    scoresOut[i] = result.Score;
                });
                if (snrDb is double used)
                    context.Out.WriteLine(string.Create(Inv, $"every clip mixed with {noiseKind} noise at {used:0.#} dB SNR (seed {noiseSeed})"));
                if (peakDb is double scaled)
                    context.Out.WriteLine(string.Create(Inv, $"every clip scaled to a peak of {scaled:0.#} dBFS"));
                truth.AddRange(files.Select(TrueLabel));
                predicted.AddRange(labelsOut);
                confidence.AddRange(scoresOut);
            }
            else
            {
                string predictionsFile = parse.GetValue(predictions) ?? throw new OnnxAudioException("give --predictions, or --model with --data");
                int lineNumber = 0;
                foreach (string line in File.ReadLines(predictionsFile))
                {
                    lineNumber++;
                    if (line.Trim().Length == 0)
                        continue;
                    string file, label;
                    try
                    {
                        using var doc = JsonDocument.Parse(line);
                        file = doc.RootElement.TryGetProperty("file", out JsonElement f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : throw new OnnxAudioException($"{predictionsFile}:{lineNumber}: no \"file\" string");
                        label = doc.RootElement.TryGetProperty("label", out JsonElement l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : throw new OnnxAudioException($"{predictionsFile}:{lineNumber}: no \"label\" string");
                        if (doc.RootElement.TryGetProperty("score", out JsonElement sc) && sc.ValueKind == JsonValueKind.Number)
                            confidence.Add(sc.GetDouble());
                    }
                    catch (Exception e) when (e is JsonException or InvalidOperationException)
                    {
                        throw new OnnxAudioException($"{predictionsFile}:{lineNumber}: not a JSON object with 'file' and 'label' ({e.Message.ReplaceLineEndings(" ")})");
                    }

                    truth.Add(TrueLabel(file));
                    predicted.Add(label);
                }
            }

            if (truth.Count == 0)
                throw new OnnxAudioException("nothing to score");
            string[] labels = truth.Concat(predicted).Distinct().Order(StringComparer.Ordinal).ToArray();
            var report = ClassificationReport.Compute(truth.Select(t => Array.IndexOf(labels, t)).ToArray(), predicted.Select(p => Array.IndexOf(labels, p)).ToArray(), labels);
            TextWriter o = context.Out;
            // Calibration of the printed scores (when every prediction has one): a score of 0.8 should be right 80 % of the time.
            Calibration? calibration = confidence.Count == truth.Count
                ? Calibration.Compute(confidence, truth.Select((t, i) => t == predicted[i]).ToArray())
                : null;
            o.WriteLine(string.Create(Inv, $"{report.Total} files, accuracy {100 * report.Accuracy:0.00}%, macro F1 {report.MacroF1:0.000}") +
                        (calibration is null ? "" : string.Create(Inv, $", expected calibration error {calibration.ExpectedCalibrationError:0.000} (mean score {confidence.Average():0.000})")));
            o.WriteLine($"{"class",-14} {"support",8} {"precision",10} {"recall",8} {"F1",8}");
            foreach (ClassMetrics c in report.Classes)
                o.WriteLine(string.Create(Inv, $"{c.Label,-14} {c.Support,8} {c.Precision,10:0.000} {c.Recall,8:0.000} {c.F1,8:0.000}"));
            if (parse.GetValue(json) is string path)
            {
                JsonReport.Write(path, w =>
                {
                    w.WriteNumber("files", report.Total);
                    w.WriteNumber("accuracy", report.Accuracy);
                    w.WriteNumber("macro_f1", report.MacroF1);
                    if (calibration is not null)
                    {
                        w.WriteNumber("ece", calibration.ExpectedCalibrationError);
                        w.WriteNumber("mean_score", confidence.Average());
                    }
                    w.WriteStartArray("labels");
                    foreach (string l in labels)
                        w.WriteStringValue(l);
                    w.WriteEndArray();
                    w.WriteStartArray("confusion");
                    for (int i = 0; i < labels.Length; i++)
                    {
                        w.WriteStartArray();
                        for (int j = 0; j < labels.Length; j++)
                            w.WriteNumberValue(report.Confusion[i, j]);
                        w.WriteEndArray();
                    }

                    w.WriteEndArray();
                });
            }

            if (parse.GetValue(plots) is string folder)
            {
                if (!EvalPlots.Available)
                    throw new OnnxAudioException(EvalPlots.Unavailable);
                Directory.CreateDirectory(folder);
                string png = Path.Combine(folder, "confusion-matrix.png");
                EvalPlots.ConfusionMatrix(png, labels, report.Confusion);
                o.WriteLine($"plot: {png}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A clip plus seeded synthetic noise at <paramref name="snrDb"/>; digital silence stays as it is.</summary>
    private static float[] WithNoise(float[] clip, double snrDb, string kind, int seed)
    {
        var random = new Random(seed);
        NoiseType type = kind == "mixed" ? (NoiseType)random.Next((int)NoiseType.Crackle + 1) : Enum.Parse<NoiseType>(kind, ignoreCase: true);
        float[] noise = NoiseGenerator.Generate(type, clip.Length, random);
        return NoiseMixing.Power(clip) > 0 ? NoiseMixing.MixAtSnr(clip, noise, snrDb) : clip;
    }

    /// <summary>A seed from a relative path that is the same in every process and on every machine (FNV-1a).</summary>
    private static int StableSeed(string relativePath, int seed)
    {
        uint hash = 2166136261u ^ (uint)seed;
        foreach (char c in relativePath.Replace('\\', '/'))
            hash = (hash ^ c) * 16777619u;
        return (int)(hash & 0x7fffffff);
    }

    private sealed record PairJob(string Name, string Reference, string Estimate, string? Input, double? Snr = null, string? Noise = null);

    /// <summary>Mean metrics of the processed pairs and of their inputs, over the pairs sharing a key (an input SNR, a noise type).</summary>
    private sealed record Breakdown(string Key, int Count, double[] Estimate, double[] Input);

    private sealed record EvalSettings(bool Align, int Rate, string? Json, int Jobs, string? Plots, string? DnsmosModel);

    private sealed class PairOptions
    {
        public readonly Option<bool> Align = new("--align") { Description = "Compensate the processed audio's delay (found by cross-correlation, up to 100 ms)" };
        public readonly Option<int> Rate = new("--rate") { Description = "Sample rate to compare at", DefaultValueFactory = _ => 16000 };
        public readonly Option<string?> Json = new("--json") { Description = "Write per-file and mean metrics as JSON to this file" };
        public readonly Option<int> Jobs = new("--jobs", "-j") { Description = "Files scored in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        public readonly Option<string?> Plots = new("--plots") { Description = "Write PNG spectrograms (first files) and metric-against-SNR curves to this folder" };
        public readonly Option<string?> Dnsmos = new("--dnsmos-model") { Description = $"DNSMOS P.835 model for the no-reference scores (default: the shipped models/{EvalQualityCommand.ModelFile})" };

        public EvalSettings Read(ParseResult parse) =>
            new(parse.GetValue(Align), parse.GetValue(Rate), parse.GetValue(Json), Math.Max(1, parse.GetValue(Jobs)), parse.GetValue(Plots), parse.GetValue(Dnsmos));
    }

    private static int Run(CliContext context, List<PairJob> jobs, EvalSettings options)
    {
        using Dnsmos dnsmos = EvalQualityCommand.Load(options.DnsmosModel);
        var results = new (PairJob Job, ScoredAudio? Estimate, ScoredAudio? Input, int Delay, string? Error)[jobs.Count];
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Jobs }, i =>
        {
            PairJob job = jobs[i];
            try
            {
                float[] reference = AudioFile.ReadMono(job.Reference, options.Rate);
                var (est, delay) = Load(reference, job.Estimate, options);
                ScoredAudio? input = null;
                if (job.Input is not null)
                {
                    var (aligned, _) = Load(reference, job.Input, options);
                    input = new ScoredAudio(PairMetrics.Compute(aligned.Reference, aligned.Estimate, options.Rate), dnsmos.Score(job.Input));
                }
                results[i] = (job, new ScoredAudio(PairMetrics.Compute(est.Reference, est.Estimate, options.Rate), dnsmos.Score(job.Estimate)), input, delay, null);
            }
            catch (Exception e) when (e is OnnxAudioException or ArgumentException or IOException)
            {
                results[i] = (job, null, null, 0, e.Message);
            }
        });

        TextWriter o = context.Out;
        foreach (var failed in results.Where(r => r.Error is not null))
            context.Error.WriteLine($"onnxaudio: skipped {failed.Job.Name}: {failed.Error}");
        var scored = results.Where(r => r.Estimate is not null).ToList();
        if (scored.Count == 0)
            throw new OnnxAudioException("no pair could be scored");

        double[] mean = Mean(scored.Select(r => r.Estimate!.Values));
        double[]? inputMean = scored.All(r => r.Input is not null) ? Mean(scored.Select(r => r.Input!.Values)) : null;
        o.WriteLine($"{scored.Count} pairs scored" + (results.Length > scored.Count ? $", {results.Length - scored.Count} skipped" : "") +
                    (options.Align ? string.Create(Inv, $", mean delay {scored.Average(r => r.Delay):0.0} samples") : ""));
        o.WriteLine(inputMean is null ? $"{"metric",-14} {"mean",10}" : $"{"metric",-14} {"processed",10} {"input",10} {"change",10}");
        for (int m = 0; m < ScoredAudio.Names.Length; m++)
        {
            o.WriteLine(inputMean is null
                ? string.Create(Inv, $"{ScoredAudio.Names[m],-14} {mean[m],10:0.000}")
                : string.Create(Inv, $"{ScoredAudio.Names[m],-14} {mean[m],10:0.000} {inputMean[m],10:0.000} {mean[m] - inputMean[m],10:+0.000;-0.000}"));
        }

        // Per input SNR and per noise type (corpus pairs): the views the restoration bars and their weak spots are stated in.
        List<Breakdown> bySnr = BreakDown(scored, j => j.Snr?.ToString("0.#", Inv), key => double.Parse(key, Inv));
        List<Breakdown> byNoise = BreakDown(scored, j => j.Noise, key => 0);
        WriteBreakdown(o, "snr_db", bySnr);
        WriteBreakdown(o, "noise", byNoise);

        if (options.Json is string path)
        {
            JsonReport.Write(path, w =>
            {
                w.WriteNumber("pairs", scored.Count);
                foreach (var (name, key, groups) in new[] { ("by_snr", "snr_db", bySnr), ("by_noise", "noise", byNoise) })
                {
                    if (groups.Count < 2)
                        continue;
                    w.WriteStartArray(name);
                    foreach (Breakdown g in groups)
                    {
                        w.WriteStartObject();
                        if (key == "snr_db")
                            w.WriteNumber(key, double.Parse(g.Key, Inv));
                        else
                            w.WriteString(key, g.Key);
                        w.WriteNumber("pairs", g.Count);
                        for (int m = 0; m < ScoredAudio.Names.Length; m++)
                        {
                            w.WriteNumber(ScoredAudio.Names[m], g.Estimate[m]);
                            w.WriteNumber($"{ScoredAudio.Names[m]}_input", g.Input[m]);
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                w.WriteStartObject("mean");
                for (int m = 0; m < ScoredAudio.Names.Length; m++)
                    w.WriteNumber(ScoredAudio.Names[m], mean[m]);
                w.WriteEndObject();
                if (inputMean is not null)
                {
                    w.WriteStartObject("input_mean");
                    for (int m = 0; m < ScoredAudio.Names.Length; m++)
                        w.WriteNumber(ScoredAudio.Names[m], inputMean[m]);
                    w.WriteEndObject();
                }

                w.WriteStartArray("files");
                foreach (var r in scored)
                {
                    w.WriteStartObject();
                    w.WriteString("file", r.Job.Name);
                    w.WriteNumber("delay_samples", r.Delay);
                    double[] v = r.Estimate!.Values;
                    for (int m = 0; m < ScoredAudio.Names.Length; m++)
                        w.WriteNumber(ScoredAudio.Names[m], v[m]);
                    if (r.Input is not null)
                        for (int m = 0; m < ScoredAudio.Names.Length; m++)
                            w.WriteNumber($"{ScoredAudio.Names[m]}_input", r.Input.Values[m]);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
        }

        if (options.Plots is string plots)
            WritePlots(o, plots, scored.Select(r => (r.Job, r.Estimate!, r.Input)).ToList(), options);
        return results.Length > scored.Count ? ExitCodes.UserError : ExitCodes.Success;
    }

    private static List<Breakdown> BreakDown(
        List<(PairJob Job, ScoredAudio? Estimate, ScoredAudio? Input, int Delay, string? Error)> scored, Func<PairJob, string?> key, Func<string, double> order) =>
        scored.Where(r => key(r.Job) is not null && r.Input is not null)
            .GroupBy(r => key(r.Job)!)
            .OrderBy(g => order(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Breakdown(g.Key, g.Count(), Mean(g.Select(r => r.Estimate!.Values)), Mean(g.Select(r => r.Input!.Values))))
            .ToList();

    private static void WriteBreakdown(TextWriter o, string name, List<Breakdown> groups)
    {
        if (groups.Count < 2 || groups.Count > 24)
            return;
        int si = Array.IndexOf(ScoredAudio.Names, "si_sdr"), stoi = Array.IndexOf(ScoredAudio.Names, "stoi");
        int width = Math.Max(8, groups.Max(g => g.Key.Length));
        o.WriteLine($"{name.PadLeft(width)} {"pairs",6} {"si_sdr_in",10} {"si_sdr",10} {"si_sdr_i",10} {"stoi_in",8} {"stoi",8}");
        foreach (Breakdown g in groups)
            o.WriteLine(string.Create(Inv, $"{g.Key.PadLeft(width)} {g.Count,6} {g.Input[si],10:0.00} {g.Estimate[si],10:0.00} {g.Estimate[si] - g.Input[si],10:+0.00;-0.00} {g.Input[stoi],8:0.000} {g.Estimate[stoi],8:0.000}"));
    }

    private static void WritePlots(TextWriter o, string folder, List<(PairJob Job, ScoredAudio Estimate, ScoredAudio? Input)> scored, EvalSettings options)
    {
        if (!EvalPlots.Available)
            throw new OnnxAudioException(EvalPlots.Unavailable);
        Directory.CreateDirectory(folder);
        foreach (var (job, _, _) in scored.Take(3))
        {
            float[] reference = AudioFile.ReadMono(job.Reference, options.Rate);
            var panels = new List<(string, float[])> { ("reference", reference) };
            if (job.Input is not null)
                panels.Add(("input", Load(reference, job.Input, options).Aligned.Estimate));
            panels.Add(("processed", Load(reference, job.Estimate, options).Aligned.Estimate));
            string name = string.Concat(Path.ChangeExtension(job.Name, null).Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_'));
            foreach (string written in EvalPlots.Spectrograms(Path.Combine(folder, name), panels, options.Rate))
                o.WriteLine($"plot: {written}");
        }

        if (scored.All(s => s.Job.Snr is not null && s.Input is not null))
        {
            foreach (var (metric, index) in new[] { ("STOI", 3), ("SI-SDR (dB)", 0) })
            {
                string path = Path.Combine(folder, index == 3 ? "stoi-by-snr.png" : "si-sdr-by-snr.png");
                EvalPlots.MetricBySnr(path, metric, scored.Select(s => (s.Job.Snr!.Value, s.Estimate.Values[index], s.Input!.Values[index])).ToList());
                o.WriteLine($"plot: {path}");
            }
        }
    }

    private static ((float[] Reference, float[] Estimate) Aligned, int Delay) Load(float[] reference, string path, EvalSettings options)
    {
        float[] estimate = AudioFile.ReadMono(path, options.Rate);
        int delay = options.Align ? DelayEstimator.Estimate(reference, estimate, options.Rate / 10) : 0;
        return (DelayEstimator.Align(reference, estimate, delay), delay);
    }

    private static double[] Mean(IEnumerable<double[]> rows)
    {
        var list = rows.ToList();
        return Enumerable.Range(0, list[0].Length).Select(m => list.Average(r => r[m])).ToArray();
    }

    private static IEnumerable<(string Reference, string Estimate)> MatchFiles(string reference, string estimate)
    {
        if (File.Exists(reference))
        {
            if (!File.Exists(estimate))
                throw new OnnxAudioException($"{estimate}: no such file");
            yield return (reference, estimate);
            yield break;
        }

        if (!Directory.Exists(reference))
            throw new OnnxAudioException($"{reference}: no such file or folder");
        if (!Directory.Exists(estimate))
            throw new OnnxAudioException($"{estimate}: no such folder");
        foreach (string file in Directory.EnumerateFiles(reference, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string partner = Path.Combine(estimate, Path.GetRelativePath(reference, file));
            if (File.Exists(partner))
                yield return (file, partner);
        }
    }
}
