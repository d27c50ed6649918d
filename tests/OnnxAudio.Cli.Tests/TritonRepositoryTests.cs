using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Audio;
using OnnxAudio.Compression;
using OnnxAudio.Recognition;
using OnnxAudio.Restoration;

namespace OnnxAudio.Cli.Tests;

/// <summary>
/// <c>onnxaudio triton-repository</c>: every config.pbtxt is accepted by Triton's own schema (protoc
/// --encode=inference.ModelConfig against the reference model_config.proto), and every model.onnx, run by ONNX Runtime
/// with the inputs Triton would pass (batch axis first; the implicit state zero at the sequence start and carried from
/// each response to the next request), gives the in-process engine's result.
/// </summary>
public class TritonRepositoryTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Schema() => RepositoryFiles.Path("tests/OnnxAudio.Cli.Tests/Reference/triton");

    private string Repository()
    {
        string output = _folder.File("repository");
        var (code, _, error) = CliRunner.Run("triton-repository", output);
        Assert.True(code == 0, error);
        return output;
    }

    private static (int Code, string Error) Protoc(string configFile)
    {
        var start = new ProcessStartInfo("protoc", ["--encode=inference.ModelConfig", $"--proto_path={Schema()}", "model_config.proto"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(File.ReadAllText(configFile));
        process.StandardInput.Close();
        process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }

    [RequiresToolFact("protoc")]
    public void Every_config_is_valid_under_Tritons_schema()
    {
        string repository = Repository();
        string[] models = Directory.GetDirectories(repository).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(["codec-decoder", "codec-encoder", "declip", "denoise", "kws"], models);
        foreach (string model in models)
        {
            Assert.True(File.Exists(Path.Combine(repository, model, "1", "model.onnx")));
            var (code, error) = Protoc(Path.Combine(repository, model, "config.pbtxt"));
            Assert.True(code == 0, $"{model}: {error}");
        }

        // The check has teeth: a field Triton does not know is refused.
        string bad = _folder.File("bad.pbtxt");
        File.WriteAllText(bad, File.ReadAllText(Path.Combine(repository, "kws", "config.pbtxt")) + "max_batch_sizes: 3\n");
        Assert.NotEqual(0, Protoc(bad).Code);
    }

    /// <summary>(input, output, dims) of each implicit state in a config.pbtxt, as Triton reads them.</summary>
    private static List<(string Input, string Output, long[] Dims)> States(string config) =>
        Regex.Matches(config, @"input_name: ""(\w+)""\s+output_name: ""(\w+)""\s+data_type: \w+\s+dims: \[ ([\d, ]+) \]")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value.Split(", ").Select(long.Parse).ToArray())).ToList();

    [Fact]
    public void The_keyword_model_gives_the_classifiers_probabilities_for_a_batch()
    {
        string repository = Repository();
        using var classifier = AudioClassifier.Load(ShippedFiles.Path("kws.onnx"));
        using var session = new InferenceSession(Path.Combine(repository, "kws", "1", "model.onnx"));
        string[] clips = Directory.GetFiles(ShippedFiles.Path("samples/kws"), "*.wav").Order(StringComparer.Ordinal).Take(3).ToArray();
        int n = classifier.ClipSamples, labels = classifier.Labels.Count;
        var batch = new float[clips.Length * n];
        var expected = new float[clips.Length * labels];
        for (int c = 0; c < clips.Length; c++)
        {
            float[] x = AudioFile.ReadMono(clips[c], 16000);
            var clip = new float[n];
            x.AsSpan(0, Math.Min(n, x.Length)).CopyTo(clip);
            clip.CopyTo(batch, c * n);
            classifier.Probabilities(clip, expected.AsSpan(c * labels, labels));
        }

        using var input = OrtValue.CreateTensorValueFromMemory(batch, [clips.Length, n]);
        using var outputs = session.Run(new RunOptions(), ["waveform"], [input], ["probabilities"]);
        float[] actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4f, $"{p.First} vs {p.Second}"));
    }

    [Fact]
    public void The_denoiser_streams_a_sequence_with_implicit_state_as_the_restoration_stream_does()
    {
        string repository = Repository();
        string config = File.ReadAllText(Path.Combine(repository, "denoise", "config.pbtxt"));
        var states = States(config);
        Assert.Equal(["analysis", "model_state", "spectrum_cache", "synthesis_sum", "synthesis_envelope"], states.Select(s => s.Input));
        int chunk = int.Parse(Regex.Match(config, @"name: ""audio""\s+data_type: TYPE_FP32\s+dims: \[ (\d+) \]").Groups[1].Value);

        using var restorer = Restorer.Load(ShippedFiles.Path("denoise.onnx"));
        using var session = new InferenceSession(Path.Combine(repository, "denoise", "1", "model.onnx"));
        float[] speech = AudioFile.ReadMono(ShippedFiles.SpeechSamples()[0].Noisy, 16000);
        speech = speech[..(speech.Length / chunk * chunk)];
        using RestorationStream stream = restorer.CreateStream(pitchFilter: false);   // the graph is the network alone
        // Sequence start: every state zero, shaped [1, dims...] (one sequence in the batch).
        var carried = states.ToDictionary(s => s.Input, s => new float[s.Dims.Aggregate(1L, (a, b) => a * b)]);
        var expected = new List<float>();
        var actual = new List<float>();
        for (int offset = 0; offset < speech.Length; offset += chunk)
        {
            expected.AddRange(stream.Push(speech.AsSpan(offset, chunk)));
            var names = new List<string> { "audio" };
            var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(speech[offset..(offset + chunk)], [1, chunk]) };
            foreach (var (input, _, dims) in states)
            {
                names.Add(input);
                values.Add(OrtValue.CreateTensorValueFromMemory(carried[input], [1, .. dims]));
            }

            string[] outputNames = ["restored", .. states.Select(s => s.Output)];
            using (var outputs = session.Run(new RunOptions(), names, values, outputNames))
            {
                actual.AddRange(outputs[0].GetTensorDataAsSpan<float>().ToArray());
                for (int s = 0; s < states.Count; s++)
                    carried[states[s].Input] = outputs[s + 1].GetTensorDataAsSpan<float>().ToArray();
            }

            foreach (OrtValue v in values)
                v.Dispose();
        }

        Assert.Equal(expected.Count, actual.Count);
        Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4f, $"{p.First} vs {p.Second}"));
    }

    [Fact]
    public void The_codec_pair_round_trips_as_the_speech_codec_does()
    {
        string repository = Repository();
        using var codec = SpeechCodec.Load(ShippedFiles.Path("codec.encoder.onnx"));
        using var encoder = new InferenceSession(Path.Combine(repository, "codec-encoder", "1", "model.onnx"));
        using var decoder = new InferenceSession(Path.Combine(repository, "codec-decoder", "1", "model.onnx"));
        float[] speech = AudioFile.ReadMono(ShippedFiles.SpeechSamples()[1].Clean, 16000);
        int books = codec.CodebooksFor(3);
        byte[] bitstream = codec.Compress(speech, books);
        float[] expected = codec.Decompress(bitstream);
        var (header, local) = codec.ReadCodes(new MemoryStream(bitstream), "speech");

        // The encoder: the same codes but for near-ties of the residual quantiser (a 1e-6 difference flips a deep choice).
        using var input = OrtValue.CreateTensorValueFromMemory(speech, [1, speech.Length]);
        using var encoded = encoder.Run(new RunOptions(), ["waveform"], [input], ["codes"]);
        long frames = encoded[0].GetTensorTypeAndShape().Shape[2];
        Assert.Equal(header.FrameCount, frames);
        ReadOnlySpan<long> all = encoded[0].GetTensorDataAsSpan<long>();
        int agree = 0;
        for (int f = 0; f < frames; f++)
            for (int b = 0; b < books; b++)
                agree += all[(int)(b * frames + f)] == local[f * books + b] ? 1 : 0;
        Assert.True(agree >= 0.98 * books * frames, $"{agree} of {books * frames} codes agree");

        // The decoder: the bitstream's first codebooks (the 3 kbit/s stream), codebook-major, give the codec's samples
        // (a magnitude codec's: its spectrogram, the phase being the graph's own; see DecodedAgreement).
        var codeMajor = new long[books * frames];
        for (int f = 0; f < frames; f++)
            for (int b = 0; b < books; b++)
                codeMajor[b * frames + f] = local[f * books + b];
        using var codes = OrtValue.CreateTensorValueFromMemory(codeMajor, [1, books, frames]);
        using var decoded = decoder.Run(new RunOptions(), ["codes"], [codes], ["waveform"]);
        float[] actual = decoded[0].GetTensorDataAsSpan<float>()[..speech.Length].ToArray();
        DecodedAgreement.AssertAgrees(codec.Spec.Signal, speech, expected, actual, "Triton's decoder");
    }
}
