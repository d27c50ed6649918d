using OnnxAudio.Restoration;
using OnnxAudio.Training.Compression;
using OnnxAudio.Training.Recognition;
using OnnxAudio.Training.Restoration;

namespace OnnxAudio.Training.Training;

/// <summary>The tasks <c>onnxaudio-train</c> knows, by name.</summary>
public static class TaskCatalog
{
    private static readonly Dictionary<string, (string Description, Func<TrainingOptions, ITrainingRun> Create)> Tasks = new(StringComparer.Ordinal)
    {
        [ToneClassificationTask.TaskName] = ("synthetic sound classes in noise (pipeline smoke test)",
            o => new TrainingRun<FeatureBatch>(new ToneClassificationTask(o), o)),
        [KeywordSpottingTask.TaskName] = ("keyword spotting on a Speech Commands-layout folder (--data), --arch dscnn|crnn|transformer",
            o => new TrainingRun<FeatureBatch>(new KeywordSpottingTask(o), o)),
        [CodecTask.TaskName] = ("neural speech codec (1.5/3/6 kbps) on clean speech (--data: a 'data codec' or 'data denoise' corpus), --arch small|base|large",
            o => new TrainingRun<WaveformBatch>(new CodecTask(o), o)),
        [RestorationTask.DenoiseName] = ("streaming speech denoiser on a 'data denoise' corpus (--data), --arch small|base|large",
            o => new TrainingRun<RestorationBatch>(new RestorationTask(o, RestorationKind.Denoise), o)),
        [RestorationTask.DeclipName] = ("clipping repair on the clean speech of a 'data denoise' corpus (--data), --arch small|base|large",
            o => new TrainingRun<RestorationBatch>(new RestorationTask(o, RestorationKind.Declip), o)),
    };

    public static IReadOnlyCollection<string> Names => Tasks.Keys;

    public static string Describe() => string.Join("; ", Tasks.Select(t => $"{t.Key}: {t.Value.Description}"));

    public static ITrainingRun Create(string task, TrainingOptions options) =>
        Tasks.TryGetValue(task, out var entry)
            ? entry.Create(options)
            : throw new OnnxAudioException($"unknown task '{task}' (known: {string.Join(", ", Tasks.Keys)})");
}
