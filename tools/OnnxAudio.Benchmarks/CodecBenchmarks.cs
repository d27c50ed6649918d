using BenchmarkDotNet.Attributes;
using OnnxAudio.Compression;
using OnnxAudio.Onnx;

namespace OnnxAudio.Benchmarks;

/// <summary>
/// The shipped codec on one thread: encode + decode of 60 s (real-time factor = 60 s / time) at 6 and 1.5 kbit/s,
/// against Opus (opusenc + opusdec, 6 kbit/s) and Codec2 (c2enc + c2dec, 3200 bit/s) on the same minute. The peers'
/// times include process start-up and, for Codec2, sox's conversions. <c>ONNXAUDIO_BENCH_CODEC=STEM</c> measures another
/// codec (STEM.encoder.onnx + STEM.decoder.onnx, e.g. a candidate in training) in place of models/codec.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private SpeechCodec _codec = null!;
    private float[] _minute = [];
    private string _wav = "", _folder = "";

    [GlobalSetup]
    public void Setup()
    {
        string model = Environment.GetEnvironmentVariable("ONNXAUDIO_BENCH_CODEC") is { Length: > 0 } candidate ? candidate : RecognitionBenchmarks.FindModel("codec.encoder.onnx");
        _codec = SpeechCodec.Load(model, new InferenceOptions { IntraOpThreads = 1, InterOpThreads = 1 });
        _minute = BenchmarkAudio.Minute();
        _wav = BenchmarkAudio.WriteTemp(_minute, "minute.wav");
        _folder = Path.GetDirectoryName(_wav)!;
    }

    [GlobalCleanup]
    public void Cleanup() => _codec.Dispose();

    [Benchmark(Baseline = true, Description = "OnnxAudio codec 6 kbps encode+decode 60 s")]
    public int Codec6() => _codec.Decompress(_codec.Compress(_minute, _codec.CodebooksFor(6))).Length;

    [Benchmark(Description = "OnnxAudio codec 1.5 kbps encode+decode 60 s")]
    public int Codec1k5() => _codec.Decompress(_codec.Compress(_minute, _codec.CodebooksFor(1.5))).Length;

    [Benchmark(Description = "Opus 6 kbps opusenc+opusdec 60 s")]
    public void Opus()
    {
        string stream = Path.Combine(_folder, "x.opus");
        BenchmarkAudio.Run("opusenc", "--quiet", "--bitrate", "6", "--hard-cbr", _wav, stream);
        BenchmarkAudio.Run("opusdec", "--quiet", "--rate", "16000", stream, Path.Combine(_folder, "opus.wav"));
    }

    [Benchmark(Description = "Codec2 3200 c2enc+c2dec 60 s (with sox)")]
    public void Codec2()
    {
        string raw = Path.Combine(_folder, "in.raw"), bits = Path.Combine(_folder, "x.c2"), decoded = Path.Combine(_folder, "out.raw");
        BenchmarkAudio.Run("sox", _wav, "-r", "8000", "-c", "1", "-e", "signed-integer", "-b", "16", "-t", "raw", raw);
        BenchmarkAudio.Run("c2enc", "3200", raw, bits);
        BenchmarkAudio.Run("c2dec", "3200", bits, decoded);
    }
}
