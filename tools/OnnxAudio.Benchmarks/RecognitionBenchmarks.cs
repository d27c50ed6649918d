using BenchmarkDotNet.Attributes;
using OnnxAudio.Audio;
using OnnxAudio.Onnx;
using OnnxAudio.Recognition;

namespace OnnxAudio.Benchmarks;

/// <summary>
/// The shipped keyword spotter on one thread: classifying a 1 s clip (front end included), and streaming detection
/// over 60 s of audio (real-time factor = 60 s / time). <c>ONNXAUDIO_BENCH_KWS=MODEL</c> adds a candidate (another
/// architecture before it ships), measured in the same run beside the shipped model, so the table shows both.
/// </summary>
[MemoryDiagnoser]
public class RecognitionBenchmarks
{
    private AudioClassifier _classifier = null!;
    private float[] _clip = [];
    private float[] _minute = [];
    private readonly float[] _probabilities = new float[64];

    /// <summary>"shipped", or the candidate's file name.</summary>
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "shipped";

    public static IEnumerable<string> Models()
    {
        yield return "shipped";
        if (Candidate is { } candidate)
            yield return Path.GetFileName(candidate);
    }

    private static string? Candidate => Environment.GetEnvironmentVariable("ONNXAUDIO_BENCH_KWS") is { Length: > 0 } path ? path : null;

    [GlobalSetup]
    public void Setup()
    {
        string model = Model == "shipped" ? FindModel("kws.onnx") : Candidate!;
        _classifier = AudioClassifier.Load(model, new InferenceOptions { IntraOpThreads = 1, InterOpThreads = 1 });
        var random = new Random(3);
        _minute = Enumerable.Range(0, 60 * 16000).Select(i => (float)(0.1 * Math.Sin(i * 0.05) + 0.01 * (random.NextDouble() - 0.5))).ToArray();
        _clip = _minute[..16000];
    }

    [GlobalCleanup]
    public void Cleanup() => _classifier.Dispose();

    [Benchmark(Description = "classify a 1 s clip (features + model)")]
    public void Classify() => _classifier.Probabilities(_clip, _probabilities);

    [Benchmark(Description = "stream-detect 60 s of audio")]
    public int Stream()
    {
        var detector = new KeywordDetector(_classifier);
        using var source = new MemoryAudioSource(_minute, new AudioFormat(16000, 1));
        return detector.Detect(source).Count();
    }

    internal static string FindModel(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "models", name);
            if (File.Exists(candidate))
                return candidate;
        }

        throw new FileNotFoundException($"models/{name} not found above {AppContext.BaseDirectory}");
    }
}
