using OnnxAudio.Audio;
using OnnxAudio.Compression;
using OnnxAudio.Onnx;
using OnnxAudio.Recognition;
using OnnxAudio.Restoration;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Tests.Onnx;

/// <summary>
/// A long-running app loads each engine once and shares it: concurrent calls from many threads must give exactly what
/// the same calls give one after another (per-call and per-stream state never leaks between callers).
/// </summary>
public class SharedEngineTests
{
    private static readonly InferenceOptions OneThread = new() { IntraOpThreads = 1 };

    private static float[][] Inputs() =>
        ShippedFiles.SpeechSamples().Select(s => AudioFile.ReadMono(s.Noisy, 16000)).ToArray();

    /// <summary>Each input three times over, interleaved across six threads; result j is for input j % count.</summary>
    private static T[] Concurrently<T>(int count, Func<int, T> call)
    {
        var results = new T[3 * count];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, j => results[j] = call(j % count));
        return results;
    }

    [Fact]
    public void Restorer_and_its_streams_are_safe_to_share()
    {
        float[][] inputs = Inputs();
        using Restorer restorer = Restorer.Load(ShippedFiles.Path("denoise.onnx"), OneThread);
        float[][] sequential = inputs.Select(x => restorer.Process(x)).ToArray();
        float[][] parallel = Concurrently(inputs.Length, i => restorer.Process(inputs[i]));
        float[][] streamed = Concurrently(inputs.Length, i =>
        {
            using RestorationStream stream = restorer.CreateStream();
            var output = new List<float>();
            for (int at = 0; at < inputs[i].Length; at += 160)
                output.AddRange(stream.Push(inputs[i].AsSpan(at, Math.Min(160, inputs[i].Length - at))));
            var tail = new float[stream.MaxOutputSamples(0)];
            output.AddRange(tail[..stream.Flush(tail)]);
            return output.Skip(restorer.DelaySamples).Take(inputs[i].Length).ToArray();
        });
        for (int j = 0; j < parallel.Length; j++)
        {
            Assert.Equal(sequential[j % inputs.Length], parallel[j]);
            Assert.True(sequential[j % inputs.Length].Zip(streamed[j], (a, b) => Math.Abs(a - b)).Max() < 1e-4, $"stream {j} differs from offline");
        }
    }

    [Fact]
    public void Codec_and_classifier_are_safe_to_share()
    {
        float[][] inputs = Inputs();
        using SpeechCodec codec = SpeechCodec.Load(ShippedFiles.Path("codec.encoder.onnx"), OneThread);
        byte[][] sequential = inputs.Select(x => codec.Compress(x, codec.CodebooksFor(3))).ToArray();
        byte[][] parallel = Concurrently(inputs.Length, i => codec.Compress(inputs[i], codec.CodebooksFor(3)));
        float[][] decoded = Concurrently(inputs.Length, i => codec.Decompress(sequential[i]));
        for (int j = 0; j < parallel.Length; j++)
        {
            Assert.Equal(sequential[j % inputs.Length], parallel[j]);
            Assert.Equal(codec.Decompress(sequential[j % inputs.Length]), decoded[j]);
        }

        string[] clips = Directory.GetFiles(ShippedFiles.Path("samples/kws"), "*.wav").Order(StringComparer.Ordinal).ToArray();
        using AudioClassifier classifier = AudioClassifier.Load(ShippedFiles.Path("kws.onnx"), OneThread);
        float[][] audio = clips.Select(c => AudioFile.ReadMono(c, 16000)).ToArray();
        ClassificationResult[] alone = audio.Select(a => classifier.Classify(a)).ToArray();
        ClassificationResult[] shared = Concurrently(audio.Length, i => classifier.Classify(audio[i]));
        for (int j = 0; j < shared.Length; j++)
            Assert.Equal(alone[j % audio.Length].Ranked, shared[j].Ranked);
    }
}
