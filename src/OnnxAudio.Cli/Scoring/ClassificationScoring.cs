using System.Numerics.Tensors;
using System.Text.Json;
using OnnxAudio.Audio;
using OnnxAudio.Evaluation;
using OnnxAudio.Recognition;

namespace OnnxAudio.Cli.Scoring;

/// <summary>The synthetic noise <c>eval classify --snr</c> mixes in: one kind, or a seeded choice per clip.</summary>
internal enum NoiseChoice
{
    Mixed,
    White,
    Pink,
    Brown,
    Hum,
    Crackle,
}

/// <summary>How clips are changed before classifying: noise at an SNR, a peak level.</summary>
internal sealed record ClipConditions(double? SnrDb, NoiseChoice Noise, int Seed, double? PeakDb);

/// <summary>True labels, predictions and (when known) the predictions' scores, with the report computed from them.</summary>
internal sealed record ClassificationRun(IReadOnlyList<string> Truth, IReadOnlyList<string> Predicted, IReadOnlyList<double> Scores)
{
    public string[] Labels { get; } = Truth.Concat(Predicted).Distinct().Order(StringComparer.Ordinal).ToArray();

    public ClassificationReport Report => ClassificationReport.Compute(
        Truth.Select(t => Array.IndexOf(Labels, t)).ToArray(), Predicted.Select(p => Array.IndexOf(Labels, p)).ToArray(), Labels);

    /// <summary>Calibration of the printed scores, when every prediction has one: a score of 0.8 should be right 80 % of the time.</summary>
    public Calibration? Calibration => Scores.Count == Truth.Count && Truth.Count > 0
        ? Calibration.Compute(Scores, Truth.Select((t, i) => t == Predicted[i]).ToArray())
        : null;
}

/// <summary>Runs a recognition model over a labelled folder, or reads predictions, for <c>eval classify</c>.</summary>
internal static class ClassificationScoring
{
    /// <summary>A file's true label: its folder's name, or <c>_unknown_</c> for a folder not among <paramref name="keywords"/>.</summary>
    public static string TrueLabel(string file, IReadOnlyCollection<string> keywords)
    {
        string parent = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file))!);
        return keywords.Count == 0 || keywords.Contains(parent) || parent.StartsWith('_') ? parent : "_unknown_";
    }

    public static ClassificationRun RunModel(string modelPath, string dataFolder, IReadOnlyCollection<string> keywords, ClipConditions conditions)
    {
        if (!Directory.Exists(dataFolder))
            throw new OnnxAudioException($"{dataFolder}: no such folder");
        if (conditions.PeakDb is > 0 or < -90)
            throw new OnnxAudioException("--peak-level is a level in dBFS between -90 and 0");
        using var classifier = AudioClassifier.Load(modelPath);
        string[] files = Directory.EnumerateFiles(dataFolder, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var labels = new string[files.Length];
        var scores = new double[files.Length];
        Parallel.For(0, files.Length, i =>
        {
            float[] clip = AudioFile.ReadMono(files[i], classifier.SampleRate);
            if (conditions.SnrDb is double snr)
                clip = WithNoise(clip, snr, conditions.Noise, StableSeed(Path.GetRelativePath(dataFolder, files[i]), conditions.Seed));
            if (conditions.PeakDb is double db && clip.Length > 0 && TensorPrimitives.MaxMagnitude(clip) is float peak && peak != 0)
                TensorPrimitives.Multiply(clip, (float)(Math.Pow(10, db / 20) / Math.Abs(peak)), clip);
            ClassificationResult result = classifier.Classify(clip);
            labels[i] = result.Label;
            scores[i] = result.Score;
        });
        return new ClassificationRun(files.Select(f => TrueLabel(f, keywords)).ToArray(), labels, scores);
    }

    /// <summary>Predictions as JSON lines with "file", "label" and optionally "score" (what <c>recognize --json</c> prints).</summary>
    public static ClassificationRun ReadPredictions(string predictionsFile, IReadOnlyCollection<string> keywords)
    {
        if (!File.Exists(predictionsFile))
            throw new OnnxAudioException($"{predictionsFile}: no such file");
        var truth = new List<string>();
        var predicted = new List<string>();
        var scores = new List<double>();
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
                JsonElement root = doc.RootElement;
                file = root.TryGetProperty("file", out JsonElement f) && f.ValueKind == JsonValueKind.String
                    ? f.GetString()!
                    : throw new OnnxAudioException($"{predictionsFile}:{lineNumber}: no \"file\" string");
                label = root.TryGetProperty("label", out JsonElement l) && l.ValueKind == JsonValueKind.String
                    ? l.GetString()!
                    : throw new OnnxAudioException($"{predictionsFile}:{lineNumber}: no \"label\" string");
                if (root.TryGetProperty("score", out JsonElement s) && s.ValueKind == JsonValueKind.Number)
                    scores.Add(s.GetDouble());
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                throw new OnnxAudioException($"{predictionsFile}:{lineNumber}: not a JSON object with 'file' and 'label' ({e.Message.ReplaceLineEndings(" ")})");
            }

            truth.Add(TrueLabel(file, keywords));
            predicted.Add(label);
        }

        return new ClassificationRun(truth, predicted, scores);
    }

    /// <summary>A clip plus seeded synthetic noise at <paramref name="snrDb"/>; digital silence stays as it is.</summary>
    private static float[] WithNoise(float[] clip, double snrDb, NoiseChoice choice, int seed)
    {
        var random = new Random(seed);
        NoiseType type = choice == NoiseChoice.Mixed ? (NoiseType)random.Next((int)NoiseType.Crackle + 1) : Enum.Parse<NoiseType>(choice.ToString());
        float[] noise = NoiseGenerator.Generate(type, clip.Length, random);
        return NoiseMixing.Power(clip) > 0 ? NoiseMixing.MixAtSnr(clip, noise, snrDb) : clip;
    }

    /// <summary>A seed from a relative path that is the same in every process and on every machine (FNV-1a, 32 bits).</summary>
    private static int StableSeed(string relativePath, int seed)
    {
        uint hash = 2166136261u ^ (uint)seed;
        foreach (char c in relativePath.Replace('\\', '/'))
            hash = (hash ^ c) * 16777619u;
        return (int)(hash & 0x7fffffff);
    }
}
