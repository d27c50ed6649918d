// Embedding OnnxAudio in an app: denoise a recording, compress it to 3 kbit/s and back, and spot a keyword —
// with the engines loaded once and shared, as a long-running app would.
using System.Diagnostics;
using OnnxAudio;
using OnnxAudio.Audio;
using OnnxAudio.Compression;
using OnnxAudio.Onnx;
using OnnxAudio.Recognition;
using OnnxAudio.Restoration;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: OnnxAudio.Embedding NOISY_SPEECH.wav KEYWORD_CLIP.wav OUT_FOLDER");
    return 2;
}

string models = Path.Combine(AppContext.BaseDirectory, "models");   // copied there by the OnnxAudio.Models package
var options = new InferenceOptions { Provider = ExecutionProvider.Auto, IntraOpThreads = 1, WarmUp = true };
Directory.CreateDirectory(args[2]);
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));

try
{
    // Restoration: the denoiser's output is time-aligned with its input and exactly as long.
    using Restorer denoiser = Restorer.Load(Path.Combine(models, "denoise.onnx"), options);
    float[] noisy = AudioFile.ReadMono(args[0], denoiser.SampleRate);
    float[] clean = denoiser.Process(noisy, cancellationToken: cancel.Token);
    AudioFile.WriteMono(Path.Combine(args[2], "denoised.wav"), clean, denoiser.SampleRate);
    Console.WriteLine($"denoised {noisy.Length / (double)denoiser.SampleRate:0.00} s on {denoiser.Provider}, latency {denoiser.AlgorithmicLatency.TotalMilliseconds:0} ms");

    // The same model, streamed in 10 ms pieces as audio arrives (output lags by the algorithmic latency).
    using RestorationStream stream = denoiser.CreateStream();
    var streamed = new float[stream.MaxOutputSamples(noisy.Length) + stream.MaxOutputSamples(0)];
    int written = 0;
    for (int at = 0; at < noisy.Length; at += 160)
        written += stream.Push(noisy.AsSpan(at, Math.Min(160, noisy.Length - at)), streamed.AsSpan(written));
    written += stream.Flush(streamed.AsSpan(written));
    Console.WriteLine($"streamed: {written} samples out for {noisy.Length} in");

    // Compression: 3 kbit/s .oac bytes and back.
    using SpeechCodec codec = SpeechCodec.Load(Path.Combine(models, "codec"), options);
    byte[] oac = codec.Compress(clean, codec.CodebooksFor(3));
    File.WriteAllBytes(Path.Combine(args[2], "denoised.oac"), oac);
    float[] decoded = codec.Decompress(oac);
    AudioFile.WriteMono(Path.Combine(args[2], "decoded.wav"), decoded, codec.SampleRate);
    Console.WriteLine($"compressed to {oac.Length} bytes = {oac.Length * 8 / (clean.Length / (double)codec.SampleRate) / 1000:0.00} kbit/s; decoded {decoded.Length} samples");

    // Recognition: one clip, classified by a shared, thread-safe classifier from several threads at once.
    using AudioClassifier kws = AudioClassifier.Load(Path.Combine(models, "kws.onnx"), options);
    float[] clip = AudioFile.ReadMono(args[1], kws.SampleRate);
    ClassificationResult[] results = new ClassificationResult[4];
    Parallel.For(0, results.Length, i => results[i] = kws.Classify(clip));
    Console.WriteLine($"keyword: {results[0].Label} ({results[0].Score:0.000}); {results.Count(r => r.Label == results[0].Label)}/4 threads agree");
    return 0;
}
catch (OnnxAudioException e)
{
    // Every OnnxAudio error names the file and what is wrong with it.
    Console.Error.WriteLine(e.Message);
    return 1;
}
