using System.Buffers;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Dsp;
using OnnxAudio.Onnx;

namespace OnnxAudio.Recognition;

/// <summary>
/// Classifies clips (keywords, sound classes) with an OnnxAudio recognition model, configured from its metadata: sample
/// rate, labels, clip length and the log-mel front end, computed by the runtime's DSP exactly as in training.
/// Thread-safe: one instance serves any number of threads. Dispose it to free the native session.
/// </summary>
public sealed class AudioClassifier : IClipClassifier, IDisposable
{
    /// <summary>The metadata task of recognition models.</summary>
    public const string Task = "recognition";
    private readonly ModelSession _model;
    private readonly InferenceSession _session;
    private readonly LogMelSpectrogram _features;
    private readonly string _inputName;
    private readonly string _outputName;

    private AudioClassifier(ModelSession model)
    {
        _model = model;
        _session = model.Session;
        Metadata = model.Metadata;
        Provider = model.Provider;
        Spec = RecognitionSpec.Read(Metadata);
        _features = new LogMelSpectrogram(Spec.Features);
        _inputName = _session.InputNames.Single();
        _outputName = _session.OutputNames[0];
    }

    public ModelInfo Metadata { get; }

    /// <summary>The model's labels, clip length and front end, from its metadata.</summary>
    public RecognitionSpec Spec { get; }

    public ExecutionProvider Provider { get; }

    public IReadOnlyList<string> Labels => Spec.Labels;

    /// <summary>The model's calibrated streaming threshold (metadata <c>detection_threshold</c>), or the fallback.</summary>
    public float DetectionThreshold => (float)(Spec.DetectionThreshold ?? DetectorOptions.FallbackThreshold);

    public int SampleRate => Spec.SampleRate;

    /// <summary>Samples the model looks at; input of another length is fitted by <see cref="RecognitionSpec.FitClip"/>.</summary>
    public int ClipSamples => Spec.ClipSamples;

    public static AudioClassifier Load(string path, InferenceOptions? options = null) =>
        Create(ModelSession.Load(path, options, Task));

    public static AudioClassifier Load(byte[] model, string name, InferenceOptions? options = null) =>
        Create(ModelSession.Load(model, name, options, Task));

    private static AudioClassifier Create(ModelSession model)
    {
        try
        {
            var classifier = new AudioClassifier(model);
            if (model.Options.WarmUp)
                classifier.WarmUp();
            return classifier;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Classifies one clip of silence, so that the first real call does not pay for ONNX Runtime's first-run allocations.</summary>
    public void WarmUp() => Probabilities(new float[ClipSamples], new float[Labels.Count]);

    /// <summary>Classifies mono samples at <see cref="SampleRate"/>.</summary>
    public ClassificationResult Classify(ReadOnlySpan<float> samples)
    {
        float[] probabilities = new float[Labels.Count];
        Probabilities(samples, probabilities);
        var ranked = new LabelScore[Labels.Count];
        for (int i = 0; i < ranked.Length; i++)
            ranked[i] = new LabelScore(Labels[i], probabilities[i]);
        Array.Sort(ranked, (a, b) => b.Score.CompareTo(a.Score));
        return new ClassificationResult(ranked);
    }

    /// <summary>Writes the probability of every label (in <see cref="Labels"/> order) for one clip.</summary>
    public void Probabilities(ReadOnlySpan<float> samples, Span<float> probabilities)
    {
        if (probabilities.Length < Labels.Count)
            throw new ArgumentException($"Room for {Labels.Count} probabilities is needed.", nameof(probabilities));
        float[] clip = ArrayPool<float>.Shared.Rent(ClipSamples);
        int frames = _features.FrameCount(ClipSamples), mels = _features.NMels;
        float[] frameMajor = ArrayPool<float>.Shared.Rent(frames * mels);
        float[] input = ArrayPool<float>.Shared.Rent(frames * mels);
        try
        {
            Span<float> c = clip.AsSpan(0, ClipSamples);
            RecognitionSpec.FitClip(samples, c);
            _features.Compute(c, frameMajor);
            // [frames, mels] → [mels, frames], the model's layout.
            for (int t = 0; t < frames; t++)
                for (int m = 0; m < mels; m++)
                    input[m * frames + t] = frameMajor[t * mels + m];

            using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, frames * mels), [1, mels, frames]);
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, [_inputName], [value], [_outputName]);
            ReadOnlySpan<float> logits = outputs[0].GetTensorDataAsSpan<float>();
            TensorPrimitives.SoftMax(logits[..Labels.Count], probabilities[..Labels.Count]);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(clip);
            ArrayPool<float>.Shared.Return(frameMajor);
            ArrayPool<float>.Shared.Return(input);
        }
    }

    public void Dispose() => _model.Dispose();
}
