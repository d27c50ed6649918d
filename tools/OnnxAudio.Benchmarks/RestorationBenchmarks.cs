using BenchmarkDotNet.Attributes;
using OnnxAudio.Onnx;
using OnnxAudio.Restoration;

namespace OnnxAudio.Benchmarks;

/// <summary>
/// The shipped denoiser on one thread over 60 s of audio (real-time factor = 60 s / time), offline and streamed in
/// 10 ms pushes (with the pitch filter, the default, and without it), against the classic peers run on the same minute: RNNoise (ffmpeg
/// arnndn) and ffmpeg afftdn. The peers' times include starting ffmpeg (~50 ms). <c>ONNXAUDIO_BENCH_DENOISER=MODEL</c> measures another denoiser (a candidate
/// before it ships) in place of models/denoise.onnx.
/// </summary>
[MemoryDiagnoser]
public class RestorationBenchmarks
{
    private Restorer _restorer = null!;
    private float[] _minute = [];
    private string _wav = "", _rnnoise = "";

    [GlobalSetup]
    public void Setup()
    {
        string model = Environment.GetEnvironmentVariable("ONNXAUDIO_BENCH_DENOISER") is { Length: > 0 } candidate ? candidate : RecognitionBenchmarks.FindModel("denoise.onnx");
        _restorer = Restorer.Load(model, new InferenceOptions { IntraOpThreads = 1, InterOpThreads = 1 });
        _minute = BenchmarkAudio.Minute();
        _wav = BenchmarkAudio.WriteTemp(_minute, "minute.wav");
        _rnnoise = PeerModels.Rnnoise() ?? "";
    }

    [GlobalCleanup]
    public void Cleanup() => _restorer.Dispose();

    [Benchmark(Baseline = true, Description = "OnnxAudio denoise 60 s (offline)")]
    public float[] Offline() => _restorer.Process(_minute);

    [Benchmark(Description = "OnnxAudio denoise 60 s (streamed, 10 ms pushes)")]
    public int Streamed()
    {
        using RestorationStream stream = _restorer.CreateStream();
        var output = new float[stream.MaxOutputSamples(160)];
        int total = 0;
        for (int offset = 0; offset < _minute.Length; offset += 160)
            total += stream.Push(_minute.AsSpan(offset, 160), output);
        return total + stream.Flush(output);
    }

    [Benchmark(Description = "OnnxAudio denoise 60 s (offline, network alone: no pitch filter)")]
    public float[] OfflineNetworkAlone() => _restorer.Process(_minute, new RestoreOptions { PitchFilter = false });

    [Benchmark(Description = "OnnxAudio denoise 60 s (streamed, 10 ms pushes, no pitch filter)")]
    public int StreamedNetworkAlone()
    {
        using RestorationStream stream = _restorer.CreateStream(pitchFilter: false);
        var output = new float[stream.MaxOutputSamples(160)];
        int total = 0;
        for (int offset = 0; offset < _minute.Length; offset += 160)
            total += stream.Push(_minute.AsSpan(offset, 160), output);
        return total + stream.Flush(output);
    }

    [Benchmark(Description = "RNNoise (ffmpeg arnndn) 60 s")]
    public void Rnnoise()
    {
        if (_rnnoise.Length == 0 || !BenchmarkAudio.Installed("ffmpeg"))
            throw new InvalidOperationException("ffmpeg or the RNNoise model (../shared/peers/rnnoise) is missing");
        BenchmarkAudio.Run("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-threads", "1", "-i", _wav, "-af", $"arnndn=m={_rnnoise}", "-f", "null", "-");
    }

    [Benchmark(Description = "ffmpeg afftdn 60 s")]
    public void Afftdn() =>
        BenchmarkAudio.Run("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-threads", "1", "-i", _wav, "-af", "afftdn", "-f", "null", "-");
}

/// <summary>Peer model files beside the repository.</summary>
internal static class PeerModels
{
    public static string? Rnnoise()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "peers", "rnnoise", "sh.rnnn");
            if (File.Exists(candidate))
                return candidate;
        }

        return null;
    }
}
