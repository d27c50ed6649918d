using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Compression;
using OnnxAudio.Graphs;
using OnnxAudio.Onnx;
using OnnxAudio.Recognition;
using OnnxAudio.Restoration;

namespace OnnxAudio.Benchmarks;

/// <summary>
/// The self-contained (waveform-in) graphs against the C# pipelines they reproduce, one thread each, in the same run:
/// a 1 s keyword clip; 1 s of streamed denoising in 100 ms chunks with the state carried; 10 s through the codec
/// (encode, then decode at 6 kbit/s). The ratio column is graph time over C# time.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class WaveformGraphBenchmarks
{
    private static readonly InferenceOptions OneThread = new() { IntraOpThreads = 1, InterOpThreads = 1 };
    private AudioClassifier _classifier = null!;
    private Restorer _restorer = null!;
    private SpeechCodec _codec = null!;
    private InferenceSession _kws = null!, _denoise = null!, _encoder = null!, _decoder = null!;
    private float[] _clip = [], _second = [], _tenSeconds = [];
    private readonly float[] _probabilities = new float[64];

    [GlobalSetup]
    public void Setup()
    {
        _classifier = AudioClassifier.Load(RecognitionBenchmarks.FindModel("kws.onnx"), OneThread);
        _restorer = Restorer.Load(RecognitionBenchmarks.FindModel("denoise.onnx"), OneThread);
        _codec = SpeechCodec.Load(RecognitionBenchmarks.FindModel("codec.encoder.onnx"), OneThread);
        _kws = Session("kws");
        _denoise = Session("denoise");
        _encoder = Session("codec-encoder");
        _decoder = Session("codec-decoder");
        var random = new Random(5);
        _tenSeconds = Enumerable.Range(0, 160_000).Select(i => (float)(0.2 * Math.Sin(i * 0.03) * Math.Sin(i * 0.0005) + 0.01 * (random.NextDouble() - 0.5))).ToArray();
        _second = _tenSeconds[..16000];
        _clip = _second;
    }

    private static InferenceSession Session(string name)
    {
        string source = WaveformGraphs.Shipped.Single(s => s.Name == name).Source;
        string path = RecognitionBenchmarks.FindModel(source);
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        return new InferenceSession(WaveformGraphs.Build(name, File.ReadAllBytes(path), path).ToBytes(), options);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _classifier.Dispose();
        _restorer.Dispose();
        _codec.Dispose();
        foreach (var s in new[] { _kws, _denoise, _encoder, _decoder })
            s.Dispose();
    }

    [Benchmark(Baseline = true, Description = "kws 1 s clip: C# front end + model")]
    [BenchmarkCategory("kws")]
    public void KwsCSharp() => _classifier.Probabilities(_clip, _probabilities);

    [Benchmark(Description = "kws 1 s clip: waveform graph")]
    [BenchmarkCategory("kws")]
    public float KwsGraph()
    {
        using var input = OrtValue.CreateTensorValueFromMemory(_clip, [1, _clip.Length]);
        using var outputs = _kws.Run(new RunOptions(), ["waveform"], [input], ["probabilities"]);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    [Benchmark(Baseline = true, Description = "denoise 1 s in 100 ms chunks: C# stream")]
    [BenchmarkCategory("denoise")]
    public int DenoiseCSharp()
    {
        using RestorationStream stream = _restorer.CreateStream(pitchFilter: false);   // the graph's work: the network alone
        int total = 0;
        for (int offset = 0; offset < _second.Length; offset += 1600)
            total += stream.Push(_second.AsSpan(offset, 1600)).Length;
        return total;
    }

    [Benchmark(Description = "denoise 1 s in 100 ms chunks: waveform graph")]
    [BenchmarkCategory("denoise")]
    public int DenoiseGraph()
    {
        var states = _denoise.InputMetadata.Where(m => m.Key != "audio")
            .Select(m => (Name: m.Key, Shape: m.Value.Dimensions.Select((d, i) => i == 0 ? 1L : d).ToArray())).ToArray();
        var values = states.ToDictionary(s => s.Name, s => new float[s.Shape.Skip(1).Aggregate(1L, (a, b) => a * b)]);
        int total = 0;
        for (int offset = 0; offset < _second.Length; offset += 1600)
        {
            var inputs = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(_second[offset..(offset + 1600)], [1, 1600]) };
            inputs.AddRange(states.Select(s => OrtValue.CreateTensorValueFromMemory(values[s.Name], s.Shape)));
            string[] outputs = ["restored", .. states.Select(s => "next_" + s.Name)];
            using (var results = _denoise.Run(new RunOptions(), ["audio", .. states.Select(s => s.Name)], inputs, outputs))
            {
                total += results[0].GetTensorDataAsSpan<float>().Length;
                for (int i = 0; i < states.Length; i++)
                    values[states[i].Name] = results[i + 1].GetTensorDataAsSpan<float>().ToArray();
            }

            foreach (OrtValue v in inputs)
                v.Dispose();
        }

        return total;
    }

    [Benchmark(Baseline = true, Description = "codec 10 s encode + decode 6 kbit/s: C#")]
    [BenchmarkCategory("codec")]
    public int CodecCSharp() => _codec.Decompress(_codec.Compress(_tenSeconds, _codec.Codebooks)).Length;

    [Benchmark(Description = "codec 10 s encode + decode 6 kbit/s: waveform graphs")]
    [BenchmarkCategory("codec")]
    public int CodecGraph()
    {
        using var input = OrtValue.CreateTensorValueFromMemory(_tenSeconds, [1, _tenSeconds.Length]);
        using var codes = _encoder.Run(new RunOptions(), ["waveform"], [input], ["codes"]);
        using var decoded = _decoder.Run(new RunOptions(), ["codes"], [codes[0]], ["waveform"]);
        return decoded[0].GetTensorDataAsSpan<float>().Length;
    }
}
