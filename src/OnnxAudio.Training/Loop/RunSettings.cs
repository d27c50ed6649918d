using System.Text.Json;

namespace OnnxAudio.Training.Loop;

/// <summary>What a run folder was created with (run.json): the task, its options and the command line.</summary>
public sealed class RunSettings
{
    public const string FileName = "run.json";

    public string Task { get; set; } = "";

    public string Command { get; set; } = "";

    public TrainingOptions Options { get; set; } = new();

    /// <summary>Every resume that changed the run's settings: "at step N: the command".</summary>
    public List<string> Changes { get; set; } = new();

    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));
    }

    public static RunSettings Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new OnnxAudioException($"{folder}: not a training run folder ({FileName} is missing)");
        return JsonSerializer.Deserialize<RunSettings>(File.ReadAllText(path)) ?? throw new OnnxAudioException($"{path}: unreadable");
    }
}
