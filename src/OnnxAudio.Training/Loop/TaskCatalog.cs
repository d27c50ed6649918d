using System.Reflection;

namespace OnnxAudio.Training.Loop;

/// <summary>A task <c>onnxaudio-train</c> offers: its name on the command line, a description, how a run of it starts.</summary>
public sealed record TaskEntry(string Name, string Description, Func<TrainingOptions, ITrainingRun> Create);

/// <summary>A training task that puts itself in the catalog: the catalog knows no task, each task names its entries.</summary>
public interface IRegisteredTask
{
    static abstract IEnumerable<TaskEntry> CatalogEntries { get; }
}

/// <summary>The tasks <c>onnxaudio-train</c> knows, by name: every <see cref="IRegisteredTask"/> in this assembly.</summary>
public static class TaskCatalog
{
    private static readonly Lazy<Dictionary<string, TaskEntry>> Tasks = new(() =>
        typeof(TaskCatalog).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.IsAssignableTo(typeof(IRegisteredTask)))
            .SelectMany(t => (IEnumerable<TaskEntry>)t.GetProperty(nameof(IRegisteredTask.CatalogEntries), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToDictionary(e => e.Name, StringComparer.Ordinal));

    public static IReadOnlyCollection<string> Names => Tasks.Value.Keys;

    public static string Describe() => string.Join("; ", Tasks.Value.Values.Select(t => $"{t.Name}: {t.Description}"));

    public static ITrainingRun Create(string task, TrainingOptions options) =>
        Tasks.Value.TryGetValue(task, out TaskEntry? entry)
            ? entry.Create(options)
            : throw new OnnxAudioException($"unknown task '{task}' (known: {string.Join(", ", Tasks.Value.Keys)})");
}
