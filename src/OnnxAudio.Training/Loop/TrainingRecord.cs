namespace OnnxAudio.Training.Loop;

/// <summary>How a model was trained: written into the ONNX metadata and the model card.</summary>
public sealed class TrainingRecord
{
    public required string Task { get; init; }

    /// <summary>The command that reproduces the run.</summary>
    public required string Command { get; init; }

    public required int Seed { get; init; }

    public required int Steps { get; init; }

    public required double TrainingSeconds { get; init; }

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public string ModelVersion { get; init; } = "1";

    /// <summary>
    /// The provenance keys every exported OnnxAudio model carries. The job key ("task": recognition, restoration,
    /// compression) is the exporting task's to write, since it decides how the runtime uses the model.
    /// </summary>
    public void WriteTo(IDictionary<string, string> metadata)
    {
        metadata["training_task"] = Task;
        metadata["model_version"] = ModelVersion;
        metadata["training_command"] = Command;
        metadata["seed"] = Seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        metadata["training_steps"] = Steps.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in Metrics)
            metadata[$"metric.{name}"] = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    }
}
