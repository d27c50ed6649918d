using System.Globalization;
using OnnxAudio.Audio;
using OnnxAudio.Graphs;
using OnnxAudio.Recognition;

namespace OnnxAudio.Training.Recognition;

/// <summary>One threshold of a sweep: false alarms on speech without keywords, and keyword clips still found.</summary>
/// <param name="Threshold">The detector's threshold.</param>
/// <param name="FalseAlarmsPerHour">Detections per hour of the keyword-free recording (every detection there is false).</param>
/// <param name="Recall">Fraction of the keyword clips in which the detector reports the clip's own keyword (NaN without clips).</param>
public sealed record ThresholdPoint(float Threshold, double FalseAlarmsPerHour, double Recall);

/// <summary>
/// Chooses a keyword spotter's streaming threshold from what it costs: the <see cref="KeywordDetector"/> runs once over
/// a long recording of speech without keywords (every detection is a false alarm) and over keyword clips (each in
/// 0.5 s of silence on both sides, as a stream), the classifier's outputs are recorded, and every threshold of the
/// grid replays the same detector over them. The lowest threshold whose false alarms per hour stay within the target
/// is written into the model's metadata (<see cref="RecognitionSpec.DetectionThresholdKey"/>), which
/// <c>onnxaudio recognize --stream</c> and <see cref="KeywordDetector"/> use when no threshold is given.
/// </summary>
public static class ThresholdCalibration
{
    /// <summary>0.30, 0.32, …, 0.98, 0.99, 0.995, 0.999.</summary>
    public static IReadOnlyList<float> DefaultGrid { get; } =
        [.. Enumerable.Range(15, 35).Select(i => i / 50f), 0.99f, 0.995f, 0.999f];

    public static IReadOnlyList<ThresholdPoint> Sweep(IClipClassifier classifier, string nonKeywordAudio, IReadOnlyList<(string File, string Label)> keywordClips,
        IReadOnlyList<float> thresholds, CancellationToken cancellationToken = default)
    {
        var stream = new RecordingClassifier(classifier);
        double hours;
        using (IAudioSource source = AudioFile.Open(nonKeywordAudio))
        {
            if (source.LengthFrames is not long frames || frames < source.Format.SampleRate * 60L)
                throw new OnnxAudioException($"{nonKeywordAudio}: false alarms per hour need at least a minute of audio of known length");
            hours = frames / (double)source.Format.SampleRate / 3600;
            _ = new KeywordDetector(stream, new DetectorOptions { Threshold = 1 }).Detect(source, cancellationToken).Count();
        }

        var clips = new List<(RecordingClassifier Recorded, float[] Samples, string Label)>();
        int pad = classifier.SampleRate / 2;
        foreach (var (file, label) in keywordClips)
        {
            if (!classifier.Labels.Contains(label))
                throw new OnnxAudioException($"{file}: its folder '{label}' is not one of the model's labels");
            float[] clip = AudioFile.ReadMono(file, classifier.SampleRate);
            var padded = new float[clip.Length + 2 * pad];
            clip.CopyTo(padded, pad);
            var recorded = new RecordingClassifier(classifier);
            _ = new KeywordDetector(recorded, new DetectorOptions { Threshold = 1 }).Detect(Source(padded, classifier.SampleRate), cancellationToken).Count();
            clips.Add((recorded, padded, label));
        }

        var points = new List<ThresholdPoint>();
        foreach (float t in thresholds)
        {
            var options = new DetectorOptions { Threshold = t };
            stream.Replay();
            int alarms;
            using (IAudioSource source = AudioFile.Open(nonKeywordAudio))
                alarms = new KeywordDetector(stream, options).Detect(source, cancellationToken).Count();
            int found = 0;
            foreach (var (recorded, samples, label) in clips)
            {
                recorded.Replay();
                if (new KeywordDetector(recorded, options).Detect(Source(samples, classifier.SampleRate), cancellationToken).Any(d => d.Label == label))
                    found++;
            }

            points.Add(new ThresholdPoint(t, alarms / hours, clips.Count == 0 ? double.NaN : found / (double)clips.Count));
        }

        return points;
    }

    /// <summary>The lowest threshold with at most <paramref name="maxPerHour"/> false alarms per hour, or null.</summary>
    public static ThresholdPoint? Choose(IReadOnlyList<ThresholdPoint> sweep, double maxPerHour) =>
        sweep.Where(p => p.FalseAlarmsPerHour <= maxPerHour).MinBy(p => p.Threshold);

    /// <summary>Keyword clips of a folder of label folders (only the folders named like one of <paramref name="keywords"/>).</summary>
    public static IReadOnlyList<(string File, string Label)> KeywordClips(string folder, IReadOnlyCollection<string> keywords)
    {
        if (!Directory.Exists(folder))
            throw new OnnxAudioException($"{folder}: no such folder of keyword clips");
        var clips = Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories)
            .Where(d => keywords.Contains(Path.GetFileName(d)))
            .SelectMany(d => Directory.EnumerateFiles(d, "*.wav").Select(f => (File: f, Label: Path.GetFileName(d))))
            .OrderBy(c => c.File, StringComparer.Ordinal).ToList();
        return clips.Count > 0 ? clips : throw new OnnxAudioException($"{folder}: no .wav files in folders named after the keywords");
    }

    /// <summary>Writes <paramref name="model"/> with the chosen threshold (and how it was chosen) to <paramref name="output"/>, atomically.</summary>
    public static void Write(string model, string output, ThresholdPoint chosen, string provenance)
    {
        if (Path.GetFullPath(model) == Path.GetFullPath(output))
            throw new OnnxAudioException($"{output}: the calibrated model must go to a new file, not over its input");
        byte[] bytes = OnnxGraph.WithMetadata(File.ReadAllBytes(model), new Dictionary<string, string>
        {
            [RecognitionSpec.DetectionThresholdKey] = chosen.Threshold.ToString("R", CultureInfo.InvariantCulture),
            [RecognitionSpec.DetectionThresholdKey + "_source"] = provenance,
        });
        OnnxGraph.Save(bytes, output);
    }

    private static IAudioSource Source(float[] samples, int sampleRate) => new MemoryAudioSource(samples, new AudioFormat(sampleRate, 1));

    /// <summary>Records a classifier's outputs on the first pass and gives them back in the same order afterwards.</summary>
    private sealed class RecordingClassifier(IClipClassifier inner) : IClipClassifier
    {
        private readonly List<float[]> _outputs = [];
        private int _next = -1; // −1: recording

        public int SampleRate => inner.SampleRate;

        public int ClipSamples => inner.ClipSamples;

        public IReadOnlyList<string> Labels => inner.Labels;

        public void Replay() => _next = 0;

        public void Probabilities(ReadOnlySpan<float> samples, Span<float> probabilities)
        {
            if (_next < 0)
            {
                inner.Probabilities(samples, probabilities);
                _outputs.Add(probabilities.ToArray());
                return;
            }

            if (_next >= _outputs.Count)
                throw new InvalidOperationException("the replayed detector asked for more windows than the recorded pass");
            _outputs[_next++].CopyTo(probabilities);
        }
    }
}
