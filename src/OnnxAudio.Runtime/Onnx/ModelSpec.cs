using System.Globalization;

namespace OnnxAudio.Onnx;

/// <summary>
/// The contract between training and the runtime, one subclass per task: training exports a model by writing its spec
/// into the ONNX metadata (<see cref="WriteTo"/>), and the engines load the model by reading it back (each subclass's
/// <c>Read</c>), so that every key is named, written and parsed in one place.
/// </summary>
public abstract record ModelSpec
{
    public const string TaskKey = "task", SampleRateKey = "sample_rate", ParametersKey = "parameters";

    /// <summary>The metadata task: "recognition", "restoration" or "compression".</summary>
    public abstract string Task { get; }

    public required int SampleRate { get; init; }

    /// <summary>Trainable parameters, for information (null: not recorded).</summary>
    public long? Parameters { get; init; }

    /// <summary>Writes every entry of the spec into <paramref name="metadata"/> (an ONNX graph's metadata_props).</summary>
    public virtual void WriteTo(IDictionary<string, string> metadata)
    {
        metadata[TaskKey] = Task;
        metadata[SampleRateKey] = Text(SampleRate);
        if (Parameters is long p)
            metadata[ParametersKey] = Text(p);
    }

    protected static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    protected static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The model's task, checked against <paramref name="task"/>.</summary>
    protected static void RequireTask(ModelInfo m, string task)
    {
        if (m.Task != task)
            throw new OnnxAudioException($"{m.Name}: a {m.Task} model, not a {task} model");
    }

    protected static long? OptionalLong(ModelInfo m, string key) =>
        m.Get(key) is string text ? long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v >= 0
            ? v : throw new OnnxAudioException($"{m.Name}: invalid {key} '{text}' (a non-negative integer)") : null;

    protected static double OptionalDouble(ModelInfo m, string key, double fallback) =>
        m.Get(key) is string text ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw new OnnxAudioException($"{m.Name}: invalid {key} '{text}' (a number)") : fallback;

    protected static int Int(ModelInfo m, string key, int min, int max)
    {
        string text = m.GetRequired(key);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v : throw new OnnxAudioException($"{m.Name}: invalid {key} '{text}' (an integer from {min} to {max})");
    }
}
