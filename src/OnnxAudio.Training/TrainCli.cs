using System.CommandLine;
using System.Globalization;
using OnnxAudio.Training.Loop;
using OnnxAudio.Training.Restoration;
using TorchSharp;
using OnnxAudio.Graphs;
using OnnxAudio.Recognition;
using OnnxAudio.Training.Recognition;

namespace OnnxAudio.Training;

/// <summary>The <c>onnxaudio-train</c> command line. Exit codes as in <c>onnxaudio</c>: 0 success, 1 user error, 2 usage error.</summary>
internal static class TrainCli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show details, and the stack trace of an error", Recursive = true };
        var root = new RootCommand("onnxaudio-train: train OnnxAudio models in TorchSharp and export them to ONNX.") { verbose };
        var outDir = new Option<string>("--out", "-o") { Description = "Run folder: settings, checkpoints, logs, plots", Required = true };

        var environment = new Command("env", "Check that TorchSharp and libtorch load here, and print what they report");
        environment.SetAction(_ =>
        {
            using var probe = torch.ones(2, 2);
            stdout.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch loaded, {torch.get_num_threads()} threads");
            stdout.WriteLine($"CUDA available: {torch.cuda.is_available()}");
            stdout.WriteLine($"{TorchEnvironment.OneDnnIsaVariable}={Environment.GetEnvironmentVariable(TorchEnvironment.OneDnnIsaVariable)}");
            stdout.WriteLine($"check: ones(2,2).sum() = {probe.sum().item<float>()}");
            return 0;
        });

        var task = new Option<string>("--task", "-t") { Description = $"What to train ({TaskCatalog.Describe()})", Required = true };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch-size") { Description = "Examples per batch", DefaultValueFactory = _ => 16 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (AdamW)", DefaultValueFactory = _ => 1e-3 };
        var seed = new Option<int>("--seed") { Description = "Seed of weights and data order", DefaultValueFactory = _ => 1 };
        var evalEvery = new Option<int>("--eval-every") { Description = "Evaluate every N steps", DefaultValueFactory = _ => 200 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Checkpoint every N steps", DefaultValueFactory = _ => 200 };
        var dataDir = new Option<string?>("--data") { Description = "The task's data folder (corpus or your dataset)" };
        var arch = new Option<string?>("--arch") { Description = "Model architecture, where the task offers several" };
        var timeLimit = new Option<double?>("--time-limit-minutes") { Description = "Pause with a checkpoint after this long (continue with 'resume')" };
        string lossNames = $"restoration: {string.Join(", ", RestorationTask.LossNames)}; "
            + "codec: reconstruction, stoi (a magnitude codec: + 2 × a differentiable STOI of the decoded magnitudes) or gan, which adds a discriminator";
        var loss = new Option<string?>("--loss") { Description = $"Loss recipe, where the task offers several ({lossNames})" };
        var noise = new Option<string?>("--noise")
        {
            Description = "Denoising: the synthetic noise mixed in, classic (default), extended (adds shaped and modulated noise), babble (extended, one noise in three babble), "
                + "real (clean pass-through, stored pairs, babble-weighted noise, levels −40…−1 dBFS) or real-soft-babble[-N] (real, babble kept 12 (N, 0–60) dB down in the target; 0: kept whole)",
        };
        var keepEvery = new Option<int>("--keep-every") { Description = "Also keep the weights every N steps in kept/step-N.bin (to average later); 0: off" };
        var initFrom = new Option<string?>("--init-from")
        {
            Description = "Warm start from another run's (or checkpoint folder's) weights wherever names and shapes match; the optimizer starts afresh",
        };
        var balance = new Option<string?>("--balance-sources")
        {
            Description = "Keyword spotting: draw clips so that no speech source predicts the class, each source's share scaled by a weight (festival:3; all: every source at 1)",
        };
        var levelReference = new Option<string?>("--level-reference")
        {
            Description = "Keyword spotting: log-mel values against the signal's scale (absolute, the default) or the clip's peak (clip-peak: 60 dB below it, level-independent)",
        };
        var voiceResynthesis = new Option<double>("--voice-resynthesis")
        {
            Description = "Keyword spotting: the share of clips (0–1) resynthesised with a whispered or monotone LPC voice, every class alike "
                + "(a natural or synthetic voice then does not predict the class)",
        };
        voiceResynthesis.Validators.Add(result =>
        {
            double share = result.GetValueOrDefault<double>();
            if (!(share >= 0 && share <= 1))
                result.AddError("--voice-resynthesis must lie between 0 and 1");
        });
        var train = new Command("train", "Train a model from scratch (or from --init-from) into a run folder") { task, outDir, steps, batch, lr,
            seed, evalEvery, checkpointEvery, timeLimit, dataDir, arch, loss, noise, initFrom, keepEvery, balance, levelReference, voiceResynthesis };
        train.SetAction(parse =>
        {
            var options = new TrainingOptions
            {
                Steps = parse.GetValue(steps), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr),
                Seed = parse.GetValue(seed), EvaluateEvery = parse.GetValue(evalEvery), CheckpointEvery = parse.GetValue(checkpointEvery),
                WarmupSteps = Math.Min(50, parse.GetValue(steps) / 10), OutputDirectory = parse.GetValue(outDir)!,
                Data = parse.GetValue(dataDir) is string d ? Path.GetFullPath(d) : null, Architecture = parse.GetValue(arch),
                Loss = parse.GetValue(loss), Noise = parse.GetValue(noise),
                InitFrom = parse.GetValue(initFrom) is string i ? Path.GetFullPath(i) : null, KeepEvery = parse.GetValue(keepEvery),
                BalanceSources = parse.GetValue(balance), LevelReference = parse.GetValue(levelReference),
                VoiceResynthesis = parse.GetValue(voiceResynthesis),
            };
            string command = "onnxaudio-train " + string.Join(' ', args);
            var settings = new RunSettings { Task = parse.GetValue(task)!, Command = command, Options = options };
            using ITrainingRun run = TaskCatalog.Create(settings.Task, options);
            settings.Save(options.OutputDirectory);
            Report(stdout, run.Train(resume: false, stdout, Minutes(parse.GetValue(timeLimit))));
            return 0;
        });

        var moreSteps = new Option<int?>("--steps") { Description = "Raise the run's total steps" };
        var newLoss = new Option<string?>("--loss") { Description = $"Switch the loss recipe from here on ({lossNames})" };
        var newNoise = new Option<string?>("--noise") { Description = "Denoising: switch the synthetic noise from here on (classic, extended, babble, real or real-soft-babble[-N])" };
        var newKeepEvery = new Option<int?>("--keep-every") { Description = "Keep the weights every N steps from here on (0: off)" };
        var resume = new Command("resume", "Continue a run from its last checkpoint") { outDir, moreSteps, timeLimit, newLoss, newNoise, newKeepEvery };
        resume.SetAction(parse =>
        {
            RunSettings settings = RunSettings.Load(parse.GetValue(outDir)!);
            // Before any change is recorded in run.json: a folder of averaged weights cannot resume.
            Checkpoint.RequireOptimizerState(Path.Combine(parse.GetValue(outDir)!, "checkpoint"));
            TrainingOptions options = WithFolder(settings.Options, parse.GetValue(outDir)!, parse.GetValue(moreSteps));
            if (parse.GetValue(newLoss) is string l)
                options = options with { Loss = l };
            if (parse.GetValue(newNoise) is string n)
                options = options with { Noise = n };
            if (parse.GetValue(newKeepEvery) is int k)
                options = options with { KeepEvery = k };
            if (options.Steps != settings.Options.Steps || options.Loss != settings.Options.Loss || options.Noise != settings.Options.Noise || options.KeepEvery != settings.Options.KeepEvery)
            {
                int at = Checkpoint.ReadState(Path.Combine(parse.GetValue(outDir)!, "checkpoint")).Step;
                settings.Changes.Add($"at step {at}: onnxaudio-train {string.Join(' ', args)}");
                settings.Options = settings.Options with { Steps = options.Steps, Loss = options.Loss, Noise = options.Noise, KeepEvery = options.KeepEvery };
                settings.Save(parse.GetValue(outDir)!);
            }

            using ITrainingRun run = TaskCatalog.Create(settings.Task, options);
            Report(stdout, run.Train(resume: true, stdout, Minutes(parse.GetValue(timeLimit))));
            return 0;
        });

        var split = new Option<string>("--split") { Description = "Held-out split to measure: validation or test", DefaultValueFactory = _ => "validation" };
        var evaluate = new Command("evaluate", "Measure a run's checkpoint on held-out data") { outDir, split };
        evaluate.SetAction(parse =>
        {
            RunSettings settings = RunSettings.Load(parse.GetValue(outDir)!);
            TrainingOptions options = WithFolder(settings.Options, parse.GetValue(outDir)!, null) with { EvaluationSplit = parse.GetValue(split)! };
            using ITrainingRun run = TaskCatalog.Create(settings.Task, options);
            foreach (var (name, value) in run.EvaluateCheckpoint())
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {value:0.####}"));
            return 0;
        });

        var model = new Option<string>("--model", "-m") { Description = "ONNX file to write", Required = true };
        var keptStep = new Option<int?>("--step") { Description = "Export the weights kept at this step (kept/step-N.bin) instead of the checkpoint" };
        var export = new Command("export", "Export a run's checkpoint (or a kept snapshot) to ONNX, with its metadata") { outDir, model, keptStep };
        export.SetAction(parse =>
        {
            string folder = parse.GetValue(outDir)!;
            RunSettings settings = RunSettings.Load(folder);
            using ITrainingRun run = TaskCatalog.Create(settings.Task, WithFolder(settings.Options, folder, null));
            // The command that started the run, then every resume that changed it (e.g. a switch of loss).
            string command = string.Join("; then ", new[] { settings.Command }.Concat(settings.Changes));
            TrainingRecord record = run.ExportCheckpoint(parse.GetValue(model)!, command, parse.GetValue(keptStep));
            stdout.WriteLine($"{parse.GetValue(model)}: {record.Task} model after {record.Steps} steps; " +
                string.Join(", ", record.Metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:0.####}"))));
            return 0;
        });

        var from = new Option<string>("--from") { Description = "The run whose model the weight files belong to", Required = true };
        var weightFiles = new Option<string[]>("--weights") { Description = "Weight files to average (model.bin of checkpoints kept along the run)",
            Required = true, AllowMultipleArgumentsPerToken = true };
        var average = new Command("average", "Average several checkpoints' weights of a run into a new run folder (to evaluate and export)") { outDir, from, weightFiles };
        average.SetAction(parse =>
        {
            string source = parse.GetValue(from)!, target = parse.GetValue(outDir)!;
            if (Path.GetFullPath(source) == Path.GetFullPath(target))
                throw new OnnxAudioException($"{target}: write the average into a new folder, not into the run it comes from");
            if (File.Exists(Path.Combine(target, RunSettings.FileName)))
                throw new OnnxAudioException($"{target}: already a run folder; write the average into a new one");
            string[] files = parse.GetValue(weightFiles)!.Select(Path.GetFullPath).ToArray();
            RunSettings settings = RunSettings.Load(source);
            using (ITrainingRun run = TaskCatalog.Create(settings.Task, WithFolder(settings.Options, source, null)))
                run.AverageInto(files, Path.Combine(target, "checkpoint"));
            settings.Changes.Add($"averaged: onnxaudio-train {string.Join(' ', args)}");
            settings.Options = settings.Options with { OutputDirectory = target };
            settings.Save(target);
            stdout.WriteLine($"{target}: mean of {files.Length} weight files of {source}");
            return 0;
        });

        root.Subcommands.Add(DataCommand.Create(stdout));
        root.Subcommands.Add(environment);
        root.Subcommands.Add(train);
        root.Subcommands.Add(resume);
        root.Subcommands.Add(evaluate);
        root.Subcommands.Add(export);
        root.Subcommands.Add(average);

        var thresholdModel = new Option<string>("--model") { Description = "Keyword spotter (.onnx) to calibrate", Required = true };
        var thresholdAudio = new Option<string>("--audio") { Description = "A long recording of speech without keywords (every detection is a false alarm; 'data stream' makes one)", Required = true };
        var thresholdClips = new Option<string?>("--keyword-clips") { Description = "Folder of keyword clips in folders named by label, to report how many are still found" };
        var thresholdTarget = new Option<double>("--max-false-alarms-per-hour") { Description = "False alarms per hour the threshold may allow", DefaultValueFactory = _ => 1 };
        var thresholdOut = new Option<string>("--out", "-o") { Description = "The calibrated model (a new file)", Required = true };
        var threshold = new Command("threshold", "Choose a keyword spotter's streaming threshold from its false alarms per hour on speech without keywords, and write it into the model")
        {
            thresholdModel, thresholdAudio, thresholdClips, thresholdTarget, thresholdOut,
        };
        threshold.SetAction((parse, cancellationToken) =>
        {
            string modelPath = parse.GetValue(thresholdModel)!, audio = parse.GetValue(thresholdAudio)!;
            double target = parse.GetValue(thresholdTarget);
            if (!(target >= 0))
                throw new OnnxAudioException($"--max-false-alarms-per-hour must be zero or more, not {target}");
            using var classifier = AudioClassifier.Load(modelPath);
            string[] keywords = classifier.Labels.Where(l => !l.StartsWith('_')).ToArray();
            var clips = parse.GetValue(thresholdClips) is string folder ? ThresholdCalibration.KeywordClips(folder, keywords) : [];
            var sweep = ThresholdCalibration.Sweep(classifier, audio, clips, ThresholdCalibration.DefaultGrid, cancellationToken);
            stdout.WriteLine(clips.Count > 0 ? $"threshold  false alarms/h  keyword clips found ({clips.Count})" : "threshold  false alarms/h");
            foreach (var p in sweep)
            {
                string recall = clips.Count > 0 ? FormattableString.Invariant($"  {100 * p.Recall,6:0.0} %") : "";
                stdout.WriteLine(FormattableString.Invariant($"{p.Threshold,9:0.###}  {p.FalseAlarmsPerHour,14:0.0}") + recall);
            }

            ThresholdPoint chosen = ThresholdCalibration.Choose(sweep, target) ?? throw new OnnxAudioException(FormattableString.Invariant(
                $"{audio}: no threshold up to {sweep[^1].Threshold} keeps false alarms within {target} per hour ({sweep[^1].FalseAlarmsPerHour:0.0} at the highest)"));
            string provenance = FormattableString.Invariant($"{chosen.FalseAlarmsPerHour:0.##} false alarms per hour on {Path.GetFileName(audio)} (target {target})")
                + (clips.Count > 0 ? FormattableString.Invariant($", {100 * chosen.Recall:0.#} % of {clips.Count} keyword clips found") : "");
            ThresholdCalibration.Write(modelPath, parse.GetValue(thresholdOut)!, chosen, provenance);
            stdout.WriteLine(FormattableString.Invariant($"Chose {chosen.Threshold:0.###}: {provenance}; written to {parse.GetValue(thresholdOut)}"));
            return Task.FromResult(0);
        });
        root.Subcommands.Add(threshold);

        var modelsFolder = new Option<string>("--models") { Description = "Folder of the shipped models", DefaultValueFactory = _ => "models" };
        var waveformOut = new Option<string>("--out", "-o") { Description = "Folder for the self-contained graphs", DefaultValueFactory = _ => Path.Combine("models", "waveform") };
        var waveform = new Command("export-waveform", "Write self-contained (waveform-in) graphs of the shipped models, front end and synthesis as ONNX operators") { modelsFolder, waveformOut };
        waveform.SetAction(parse =>
        {
            foreach (string written in WaveformGraphs.WriteAll(parse.GetValue(modelsFolder)!, parse.GetValue(waveformOut)!))
                stdout.WriteLine($"{written}: {new FileInfo(written).Length / 1024.0:0} KiB");
            return 0;
        });
        root.Subcommands.Add(waveform);

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                stderr.WriteLine($"onnxaudio-train: {error.Message}");
            stderr.WriteLine("Run 'onnxaudio-train --help' for usage.");
            return 2;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is OnnxAudioException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"onnxaudio-train: {e.Message.ReplaceLineEndings(" ")}");
            if (parsed.GetValue(verbose))
                stderr.WriteLine(e);
            return 1;
        }
    }

    private static TimeSpan? Minutes(double? minutes) => minutes is double m ? TimeSpan.FromMinutes(m) : null;

    private static TrainingOptions WithFolder(TrainingOptions o, string folder, int? steps) =>
        o with { OutputDirectory = folder, Steps = steps ?? o.Steps };

    private static void Report(TextWriter stdout, TrainingResult result)
    {
        string metrics = string.Join(", ", result.Metrics.Select(m => FormattableString.Invariant($"{m.Key} {m.Value:0.####}")));
        stdout.WriteLine(FormattableString.Invariant($"Trained {result.Steps} steps in {result.Seconds:0.0} s; {metrics}; checkpoint in {result.CheckpointFolder}"));
    }
}
