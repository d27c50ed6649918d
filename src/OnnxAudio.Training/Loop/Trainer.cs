using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Loop;

/// <summary>The outcome of <see cref="Trainer{TBatch}.Run"/>.</summary>
public sealed record TrainingResult(int Steps, double Seconds, IReadOnlyDictionary<string, double> Metrics, string CheckpointFolder);

/// <summary>
/// The training loop shared by every task: AdamW with warm-up and cosine learning-rate decay, global-norm gradient
/// clipping, a dispose scope per step (native memory stays flat), periodic held-out evaluation, resumable checkpoints,
/// CSV logs and a loss plot, and a progress bar with loss, throughput and ETA on a terminal (plain lines otherwise).
/// </summary>
public sealed class Trainer<TBatch>
{
    private readonly ITrainingTask<TBatch> _task;
    private readonly TrainingOptions _options;
    private readonly TextWriter _log;

    public Trainer(ITrainingTask<TBatch> task, TrainingOptions options, TextWriter log)
    {
        options.Validate();
        _task = task;
        _options = options;
        _log = log;
    }

    public string CheckpointFolder => Path.Combine(_options.OutputDirectory, "checkpoint");

    /// <summary>Where <see cref="TrainingOptions.KeepEvery"/> keeps weight files: <c>kept/step-N.bin</c> in the run folder.</summary>
    public static string KeptWeights(string runFolder, int step) => Path.Combine(runFolder, "kept", $"step-{step}.bin");

    private void KeepWeights(nn.Module model, int step)
    {
        string path = KeptWeights(_options.OutputDirectory, step);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        model.save(path + ".tmp");
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>
    /// Trains to <see cref="TrainingOptions.Steps"/>; with <paramref name="resume"/>, continues from the checkpoint. The
    /// run pauses early, with a checkpoint to resume from, at <paramref name="stopAtStep"/> or once
    /// <paramref name="timeLimit"/> has passed (for runs longer than one working session).
    /// </summary>
    public TrainingResult Run(bool resume = false, CancellationToken cancellationToken = default, int? stopAtStep = null, TimeSpan? timeLimit = null)
    {
        Directory.CreateDirectory(_options.OutputDirectory);
        nn.Module model = _task.Model;
        model.train();
        using var optimizer = optim.AdamW(model.parameters(), _options.LearningRate, weight_decay: _options.WeightDecay);
        var state = new CheckpointState { Seed = _options.Seed, Task = _task.Name };
        if (resume)
        {
            state = Checkpoint.Load(CheckpointFolder, model, optimizer);
            if (state.Task != _task.Name)
                throw new OnnxAudioException($"{CheckpointFolder}: the checkpoint is of task '{state.Task}', not '{_task.Name}'");
            _task.LoadTrainingState(CheckpointFolder);
            _log.WriteLine($"Resuming {_task.Name} at step {state.Step} (epoch {state.Epoch}, batch {state.BatchInEpoch}).");
        }
        else if (_options.InitFrom is string from)
        {
            IReadOnlyList<string> fresh = Checkpoint.LoadCompatible(from, model);
            _log.WriteLine($"Initialised from {from}" + (fresh.Count == 0 ? " (every weight)." : $"; new: {string.Join(", ", fresh)}."));
        }

        var log = new TrainingLog(_options.OutputDirectory, state.Step);
        IReadOnlyDictionary<string, double> metrics = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        double startSeconds = state.ElapsedSeconds;
        int startStep = state.Step;

        void Loop(Action<int, double, double> onStep)
        {
            using var batches = Batches(state.Epoch, state.BatchInEpoch, cancellationToken).GetEnumerator();
            while (state.Step < _options.Steps)
            {
                if ((stopAtStep is int stop && state.Step >= stop) || (timeLimit is TimeSpan limit && clock.Elapsed >= limit))
                {
                    Checkpoint.Save(CheckpointFolder, model, optimizer, state, _task.SaveTrainingState);
                    log.Flush();
                    _log.WriteLine($"Paused at step {state.Step} of {_options.Steps}; continue with 'resume'.");
                    return;
                }

                cancellationToken.ThrowIfCancellationRequested();
                batches.MoveNext();
                var (batch, epoch, index) = batches.Current;
                double lr = LearningRateSchedule.At(state.Step, _options);
                foreach (var group in optimizer.ParamGroups)
                    group.LearningRate = lr;

                double lossValue;
                using (NativeStepGuard.Enter())
                using (var scope = NewDisposeScope())
                {
                    Tensor loss = _task.ComputeLoss(batch);
                    optimizer.zero_grad();
                    loss.backward();
                    if (_options.GradientClipNorm > 0)
                        nn.utils.clip_grad_norm_(model.parameters(), _options.GradientClipNorm);
                    optimizer.step();
                    lossValue = loss.item<float>();
                }

                if (!double.IsFinite(lossValue))
                    throw new OnnxAudioException($"the loss became {lossValue} at step {state.Step}; lower the learning rate or check the data");

                state.Step++;
                state.Epoch = epoch;
                state.BatchInEpoch = index + 1;
                state.ElapsedSeconds = startSeconds + clock.Elapsed.TotalSeconds;
                log.AddTrain(state.Step, lossValue, lr, state.ElapsedSeconds);
                onStep(state.Step, lossValue, (state.Step - startStep) / Math.Max(1e-9, clock.Elapsed.TotalSeconds));

                bool last = state.Step == _options.Steps;
                if (last || (_options.EvaluateEvery > 0 && state.Step % _options.EvaluateEvery == 0))
                {
                    metrics = EvaluateNow(model);
                    log.AddEvaluation(state.Step, metrics);
                    _log.WriteLine($"step {state.Step}: " + string.Join(", ", metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:0.####}"))));
                }

                if (last || (_options.CheckpointEvery > 0 && state.Step % _options.CheckpointEvery == 0))
                {
                    Checkpoint.Save(CheckpointFolder, model, optimizer, state, _task.SaveTrainingState);
                    log.Flush();
                }

                if (_options.KeepEvery > 0 && state.Step % _options.KeepEvery == 0)
                    KeepWeights(model, state.Step);
            }
        }

        if (state.Step >= _options.Steps)
        {
            _log.WriteLine($"Nothing to do: the checkpoint is at step {state.Step} of {_options.Steps}.");
        }
        else if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive && ReferenceEquals(_log, Console.Out))
        {
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var bar = ctx.AddTask(_task.Name, maxValue: _options.Steps);
                    bar.Value = state.Step;
                    Loop((step, loss, rate) =>
                    {
                        bar.Value = step;
                        bar.Description = string.Create(CultureInfo.InvariantCulture, $"{_task.Name} step {step} loss {loss:0.0000} {rate:0.0} steps/s");
                    });
                });
        }
        else
        {
            int every = Math.Max(1, _options.Steps / 20);
            Loop((step, loss, rate) =>
            {
                if (step % every == 0 || step == _options.Steps)
                {
                    double eta = (_options.Steps - step) / Math.Max(rate, 1e-9);
                    _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"step {step}/{_options.Steps} loss {loss:0.0000} {rate:0.00} steps/s ETA {TimeSpan.FromSeconds(eta):hh\\:mm\\:ss}"));
                }
            });
        }

        log.Flush();
        if (metrics.Count == 0)
            metrics = EvaluateNow(model);
        return new TrainingResult(state.Step, state.ElapsedSeconds, metrics, CheckpointFolder);
    }

    private IReadOnlyDictionary<string, double> EvaluateNow(nn.Module model)
    {
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return _task.Evaluate();
        }
        finally
        {
            model.train();
        }
    }

    /// <summary>Batches from (epoch, batch) on, across epoch boundaries, with their position.</summary>
    private IEnumerable<(TBatch Batch, int Epoch, int Index)> Batches(int epoch, int skip, CancellationToken cancellationToken)
    {
        for (; ; epoch++, skip = 0)
        {
            int index = skip;
            foreach (TBatch batch in _task.TrainData.Epoch(epoch, skip, cancellationToken))
                yield return (batch, epoch, index++);
        }
    }
}
