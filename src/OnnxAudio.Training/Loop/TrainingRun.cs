using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Loop;

/// <summary>A task bound to its run folder, without the task's batch type showing: what the command line drives.</summary>
public interface ITrainingRun : IDisposable
{
    TrainingResult Train(bool resume, TextWriter log, TimeSpan? timeLimit = null, CancellationToken cancellationToken = default);

    /// <summary>Held-out metrics of the checkpoint's weights.</summary>
    IReadOnlyDictionary<string, double> EvaluateCheckpoint();

    /// <summary>Exports the checkpoint's weights (or those kept at <paramref name="keptStep"/>) to ONNX; returns the record written into its metadata.</summary>
    TrainingRecord ExportCheckpoint(string onnxPath, string command, int? keptStep = null);

    /// <summary>Writes the mean of several weight files of this run's model, with the checkpoint's state, into <paramref name="checkpointFolder"/>.</summary>
    void AverageInto(IReadOnlyList<string> weightFiles, string checkpointFolder);
}

public sealed class TrainingRun<TBatch>(ITrainingTask<TBatch> task, TrainingOptions options) : ITrainingRun
{
    private string CheckpointFolder => Path.Combine(options.OutputDirectory, "checkpoint");

    public TrainingResult Train(bool resume, TextWriter log, TimeSpan? timeLimit = null, CancellationToken cancellationToken = default) =>
        new Trainer<TBatch>(task, options, log).Run(resume, cancellationToken, timeLimit: timeLimit);

    public IReadOnlyDictionary<string, double> EvaluateCheckpoint()
    {
        Checkpoint.LoadModel(CheckpointFolder, task.Model);
        task.Model.eval();
        using var noGrad = no_grad();
        return task.Evaluate();
    }

    public TrainingRecord ExportCheckpoint(string onnxPath, string command, int? keptStep = null)
    {
        CheckpointState state = Checkpoint.LoadModel(CheckpointFolder, task.Model);
        if (keptStep is int step)
        {
            // A snapshot kept along the run: its weights, its step and its training time.
            string weights = Trainer<TBatch>.KeptWeights(options.OutputDirectory, step);
            if (!File.Exists(weights))
                throw new OnnxAudioException($"{weights}: no weights kept at step {step} in this run (see the run's kept/ folder)");
            task.Model.load(weights);
            AtStep(state, step);
        }

        task.Model.eval();
        IReadOnlyDictionary<string, double> metrics;
        using (no_grad())
            metrics = task.Evaluate();
        var record = new TrainingRecord
        {
            Task = task.Name,
            Command = command,
            Seed = state.Seed,
            Steps = state.Step,
            TrainingSeconds = state.ElapsedSeconds,
            Metrics = metrics,
        };
        task.Export(onnxPath, record);
        return record;
    }

    public void AverageInto(IReadOnlyList<string> weightFiles, string checkpointFolder)
    {
        CheckpointState state = Checkpoint.ReadState(CheckpointFolder);
        Checkpoint.AverageWeights(task.Model, weightFiles);
        // A mean of snapshots kept along this run has trained as long as its latest snapshot, not as long as the run.
        if (Checkpoint.LatestKeptStep(options.OutputDirectory, weightFiles) is int step)
            AtStep(state, step);
        Checkpoint.SaveWeights(checkpointFolder, task.Model, state);
    }

    /// <summary>Sets the state's step, and the training time the run's log shows at that step.</summary>
    private void AtStep(CheckpointState state, int step)
    {
        var logged = new TrainingLog(options.OutputDirectory, step).Train.LastOrDefault(r => r.Step == step);
        state.Step = step;
        state.ElapsedSeconds = logged.Step == step ? logged.Seconds : 0;
    }

    public void Dispose() => task.Dispose();
}
