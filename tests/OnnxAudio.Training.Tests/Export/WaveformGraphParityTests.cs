using OnnxAudio.Tests.TestSupport;
using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Audio;
using OnnxAudio.Dsp;
using OnnxAudio.Onnx;
using OnnxAudio.Compression;
using OnnxAudio.Recognition;
using OnnxAudio.Restoration;
using OnnxAudio.Training.Export;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Tests.Export;

/// <summary>
/// The self-contained (waveform-in) graph of every shipped model against the C# engine on real speech from
/// models/samples: keyword probabilities, streamed denoising and declipping call by call with the state carried,
/// codec codes and decoded samples. Tolerance 1e-4; codes agree except at near-ties of the residual quantiser, where a
/// 1e-6 difference of the DFT flips a deep codebook's choice (≥ 98 % equal); a magnitude codec's decoded spectrogram
/// agrees (its phase is the graph's own, see DecodedAgreement).
/// </summary>
public class WaveformGraphParityTests
{
    private const float Tolerance = 1e-4f;

    private static string Repository(string relative) => RepositoryFiles.Path(relative);

    private static InferenceSession Graph(string name)
    {
        string source = WaveformGraphs.Shipped.Single(s => s.Name == name).Source;
        string path = Repository(Path.Combine("models", source));
        return new InferenceSession(WaveformGraphs.Build(name, File.ReadAllBytes(path), path).ToBytes());
    }

    private static float[] Speech(int index = 0)
    {
        string file = Directory.GetFiles(Repository("models/samples/speech"), "*_noisy.wav").Order(StringComparer.Ordinal).ElementAt(index);
        return AudioFile.ReadMono(file, 16000);
    }

    private static Dictionary<string, float[]> Run(InferenceSession session, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)).ToArray();
        try
        {
            using var outputs = session.Run(new RunOptions(), inputs.Select(i => i.Name).ToArray(), values, session.OutputNames.ToArray());
            return session.OutputNames.Select((n, k) => (n, outputs[k].GetTensorDataAsSpan<float>().ToArray())).ToDictionary(p => p.n, p => p.Item2);
        }
        finally
        {
            foreach (OrtValue v in values)
                v.Dispose();
        }
    }

    private static float MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++)
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    [Fact]
    public void Keyword_probabilities_match_the_classifier()
    {
        using var classifier = AudioClassifier.Load(Repository("models/kws.onnx"));
        using InferenceSession graph = Graph("kws");
        string[] clips = Directory.GetFiles(Repository("models/samples/kws"), "*.wav").Order(StringComparer.Ordinal).Take(4).ToArray();
        int n = classifier.ClipSamples, labels = classifier.Labels.Count;
        var batch = new float[clips.Length * n];
        var expected = new float[clips.Length * labels];
        for (int c = 0; c < clips.Length; c++)
        {
            float[] x = AudioFile.ReadMono(clips[c], 16000);
            float[] clip = new float[n];
            x.AsSpan(0, Math.Min(n, x.Length)).CopyTo(clip);
            clip.CopyTo(batch, c * n);
            classifier.Probabilities(clip, expected.AsSpan(c * labels, labels));
        }

        float[] actual = Run(graph, ("waveform", batch, [clips.Length, n]))["probabilities"];
        Assert.True(MaxDifference(expected, actual) <= Tolerance, $"max difference {MaxDifference(expected, actual)}");
    }

    [Fact]
    public void Clip_peak_features_match_the_classifier_at_every_level()
    {
        // The shipped keyword network with its metadata switched to the clip-peak front end: the graph must normalise
        // exactly as LogMelSpectrogram does (the network itself does not matter for parity).
        string path = Repository("models/kws.onnx");
        byte[] original = File.ReadAllBytes(path);
        LogMelOptions features = RecognitionSpec.Read(ModelInfo.From(path, OnnxGraph.ReadMetadata(original))).Features;
        var clipPeak = new LogMelOptions
        {
            SampleRate = features.SampleRate, NFft = features.NFft, HopLength = features.HopLength, WinLength = features.WinLength,
            NMels = features.NMels, LogFloor = 1e-10f, Reference = LevelReference.ClipPeak, DynamicRangeDb = 60,
        };
        byte[] model = OnnxGraph.WithMetadata(original, new Dictionary<string, string> { [RecognitionSpec.FeaturesKey] = FeatureDescription.Write(clipPeak) });
        using var classifier = AudioClassifier.Load(model, "clip-peak.onnx");
        Assert.Equal(LevelReference.ClipPeak, classifier.Spec.Features.Reference);
        using var graph = new InferenceSession(WaveformGraphs.Build("kws", model, "clip-peak.onnx").ToBytes());
        int n = classifier.ClipSamples, labels = classifier.Labels.Count;
        float[] speech = Speech();
        double[] levels = [0, -20, -40, -80];
        var batch = new float[levels.Length * n];
        var expected = new float[levels.Length * labels];
        for (int c = 0; c < levels.Length; c++)
        {
            float g = (float)Math.Pow(10, levels[c] / 20) / speech.AsSpan(0, n).ToArray().Max(MathF.Abs);
            for (int i = 0; i < n; i++)
                batch[c * n + i] = speech[i] * g;
            classifier.Probabilities(batch.AsSpan(c * n, n), expected.AsSpan(c * labels, labels));
        }

        float[] actual = Run(graph, ("waveform", batch, [levels.Length, n]))["probabilities"];
        Assert.True(MaxDifference(expected, actual) <= Tolerance, $"max difference {MaxDifference(expected, actual)}");
        // And the level no longer matters (down to −40 dBFS, where 16-bit-free float input keeps every detail).
        Assert.True(MaxDifference(expected.AsSpan(0, labels), expected.AsSpan(2 * labels, labels)) <= 1e-3f);
    }

    [Theory]
    [InlineData("denoise", 1600)]
    [InlineData("denoise", 160)]
    [InlineData("declip", 3200)]
    public void Streamed_restoration_matches_the_restoration_stream(string name, int chunk)
    {
        using var restorer = Restorer.Load(Repository($"models/{name}.onnx"));
        using InferenceSession graph = Graph(name);
        float[] speech = Speech(1);
        speech = speech.AsSpan(0, speech.Length / chunk * chunk).ToArray();
        float? level = null;
        if (name == "declip")
        {
            level = 0.25f * speech.Max(Math.Abs);
            for (int i = 0; i < speech.Length; i++)
                speech[i] = Math.Clamp(speech[i], -level.Value, level.Value);
        }

        // The waveform graph runs the network alone (no pitch filter).
        using RestorationStream stream = restorer.CreateStream(1f, level, pitchFilter: false);
        var expected = new List<float>();
        var actual = new List<float>();
        var state = graph.InputMetadata.Where(m => m.Key != "audio" && m.Key != "clip_level")
            .ToDictionary(m => m.Key, m => new float[m.Value.Dimensions.Skip(1).Aggregate(1, (a, b) => a * b)]);
        for (int offset = 0; offset < speech.Length; offset += chunk)
        {
            expected.AddRange(stream.Push(speech.AsSpan(offset, chunk)));
            var inputs = new List<(string, float[], long[])> { ("audio", speech[offset..(offset + chunk)], [1, chunk]) };
            foreach (var (key, value) in state)
                inputs.Add((key, value, [1, .. graph.InputMetadata[key].Dimensions.Skip(1).Select(d => (long)d)]));
            if (level is float l)
                inputs.Add(("clip_level", [l], [1, 1]));
            var outputs = Run(graph, inputs.ToArray());
            actual.AddRange(outputs["restored"]);
            foreach (string key in state.Keys.ToArray())
                state[key] = outputs["next_" + key];
        }

        Assert.Equal(expected.Count, actual.Count);
        Assert.True(MaxDifference(expected.ToArray(), actual.ToArray()) <= Tolerance, $"max difference {MaxDifference(expected.ToArray(), actual.ToArray())}");
        Assert.True(actual.Skip(restorer.DelaySamples).Any(v => Math.Abs(v) > 1e-3), "the stream restored nothing");
    }

    [Fact]
    public void Codec_codes_and_samples_match_the_speech_codec()
    {
        using var codec = SpeechCodec.Load(Repository("models/codec.encoder.onnx"));
        using InferenceSession encoder = Graph("codec-encoder"), decoder = Graph("codec-decoder");
        float[] speech = [.. Speech(2), .. Speech(3)];
        speech = speech[..(speech.Length / 320 * 320 - 197)];   // not a whole number of code frames
        var (header, codes) = codec.ReadCodes(new MemoryStream(codec.Compress(speech, codec.Codebooks)), "speech");

        var input = OrtValue.CreateTensorValueFromMemory(speech, [1, speech.Length]);
        using (var outputs = encoder.Run(new RunOptions(), ["waveform"], [input], ["codes"]))
        {
            long[] graphCodes = outputs[0].GetTensorDataAsSpan<long>().ToArray();   // [1, codebooks, frames]
            int frames = (int)header.FrameCount, books = codec.Codebooks, agree = 0;
            Assert.Equal(frames * books, graphCodes.Length);
            for (int f = 0; f < frames; f++)
                for (int b = 0; b < books; b++)
                    agree += codes[f * books + b] == graphCodes[b * frames + f] ? 1 : 0;
            Assert.True(agree >= 0.98 * frames * books, $"{agree} of {frames * books} codes agree");
        }

        foreach (int books in new[] { 1, 2, codec.Codebooks })
        {
            var (h, c) = codec.ReadCodes(new MemoryStream(codec.Compress(speech, books)), "speech");
            float[] expected = codec.Decompress(codec.Compress(speech, books));
            long[] codeMajor = new long[c.Length];
            int frames = (int)h.FrameCount;
            for (int f = 0; f < frames; f++)
                for (int b = 0; b < books; b++)
                    codeMajor[b * frames + f] = c[f * books + b];
            using var value = OrtValue.CreateTensorValueFromMemory(codeMajor, [1, books, frames]);
            using var outputs = decoder.Run(new RunOptions(), ["codes"], [value], ["waveform"]);
            ReadOnlySpan<float> waveform = outputs[0].GetTensorDataAsSpan<float>();
            Assert.Equal(frames * codec.SamplesPerFrame, waveform.Length);
            DecodedAgreement.AssertAgrees(codec.Spec.Signal, speech, expected, waveform[..expected.Length], $"{books} codebooks");
        }
    }
}
