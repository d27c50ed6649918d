using OnnxAudio.Evaluation;
using OnnxAudio.Audio;
using OnnxAudio.Recognition;
using OnnxAudio.Tests.TestSupport;
using OnnxAudio.Training.Data;
using OnnxAudio.Training.Export;
using OnnxAudio.Training.Recognition;
using OnnxAudio.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Recognition;

/// <summary>The keyword task end to end on a tiny espeak-ng corpus: every architecture trains, exports and runs in the runtime.</summary>
public class KeywordSpottingTaskTests : IDisposable
{
    private static readonly Lazy<string> Corpus = new(() =>
    {
        string root = Path.Combine(Path.GetTempPath(), "onnxaudio-kws-corpus-" + Environment.ProcessId);
        if (!File.Exists(Path.Combine(root, Manifest.FileName)))
        {
            new CorpusGenerator(EspeakSynthesizer.Find(), new CorpusOptions
            {
                OutputDirectory = root, Seed = 4, Voices = ["en", "en-us", "en-gb-scotland", "en-029"], RepetitionsPerWord = 1,
                UnknownPerVoice = 2, SilencePerVoice = 1,
            }).GenerateKeywordSpotting();
        }

        return root;
    });

    private readonly string _run = Path.Combine(Path.GetTempPath(), "onnxaudio-kws-run-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_run))
            Directory.Delete(_run, recursive: true);
    }

    [Trait("Category", "Slow")]
    [RequiresToolFact("espeak-ng")]
    public void Every_architecture_trains_exports_and_classifies_in_the_runtime_like_torch()
    {
        foreach (var (arch, level) in new[] { ("dscnn", "absolute"), ("crnn", "absolute"), ("transformer", "absolute"), ("bcresnet", "absolute"), ("dscnn", "clip-peak") })
        {
            var options = new TrainingOptions
            {
                Steps = 6, BatchSize = 8, WarmupSteps = 2, EvaluateEvery = 0, CheckpointEvery = 6, Seed = 1,
                OutputDirectory = Path.Combine(_run, arch + level), Data = Corpus.Value, Architecture = arch, LevelReference = level,
                VoiceResynthesis = level == "clip-peak" ? 1 : 0, // one run with every clip's voice resynthesised
            };
            using var task = new KeywordSpottingTask(options);
            Assert.Equal(22, task.Labels.Count);
            TrainingResult result = new Trainer<FeatureBatch>(task, options, TextWriter.Null).Run();
            Assert.InRange(result.Metrics["accuracy_clean"], 0, 1);
            Assert.InRange(result.Metrics["accuracy_5db"], 0, 1);

            var record = new TrainingRecord { Task = task.Name, Command = "test", Seed = 1, Steps = 6, TrainingSeconds = result.Seconds };
            using AudioClassifier classifier = AudioClassifier.Load(task.BuildGraph(record).ToBytes(), $"{arch}.onnx");
            Assert.Equal(task.Labels, classifier.Labels);
            Assert.Equal(arch, classifier.Metadata.Get("architecture")!.ToLowerInvariant());
            Assert.Equal(level == "clip-peak" ? OnnxAudio.Dsp.LevelReference.ClipPeak : OnnxAudio.Dsp.LevelReference.Absolute, classifier.Spec.Features.Reference);

            string clip = Directory.GetFiles(Path.Combine(Corpus.Value, "seven")).First();
            float[] audio = AudioFile.ReadMono(clip, 16000);
            float[] ours = new float[22];
            classifier.Probabilities(audio, ours);
            FeatureExample example = FeatureExample.FromClip(new OnnxAudio.Dsp.LogMelSpectrogram(KeywordSpottingTask.Features(level)), audio, 0);
            float[] channelMajor = example.Features;
            int frames = example.Frames;
            task.Model.eval();
            float[] expected;
            using (no_grad())
                expected = OnnxExporter.ToArray(((nn.Module<Tensor, Tensor>)task.Model).forward(tensor(channelMajor).reshape(1, 40, frames)).softmax(1));
            Assert.True(expected.Zip(ours, (a, b) => Math.Abs(a - b)).Max() <= 1e-4, $"{arch}: runtime and torch differ");
            if (level == "clip-peak")
            {
                // The model never sees the level: the clip 30 dB down scores the same.
                float[] quiet = new float[22];
                classifier.Probabilities(audio.Select(v => v * 0.0316f).ToArray(), quiet);
                Assert.True(quiet.Zip(ours, (a, b) => Math.Abs(a - b)).Max() <= 1e-3, $"{arch}: the clip-peak model depends on the level");
            }

            // Export fits a temperature on the held-out split and folds it into the graph: softmax(logits / T).
            string onnx = Path.Combine(_run, $"{arch}-{level}-calibrated.onnx");
            task.Export(onnx, record);
            Assert.InRange(task.Temperature, 0.25, 8);
            using AudioClassifier calibrated = AudioClassifier.Load(onnx);
            Assert.Equal(task.Temperature, double.Parse(calibrated.Metadata.Get("temperature")!, System.Globalization.CultureInfo.InvariantCulture));
            calibrated.Probabilities(audio, ours);
            using (no_grad())
                expected = OnnxExporter.ToArray((((nn.Module<Tensor, Tensor>)task.Model).forward(tensor(channelMajor).reshape(1, 40, frames)) / task.Temperature).softmax(1));
            Assert.True(expected.Zip(ours, (a, b) => Math.Abs(a - b)).Max() <= 1e-4, $"{arch}: calibrated runtime and torch differ");
        }
    }

    [Fact]
    public void Without_data_the_error_says_how_to_make_some()
    {
        var e = Assert.Throws<OnnxAudioException>(() => new KeywordSpottingTask(new TrainingOptions { OutputDirectory = _run }));
        Assert.Contains("onnxaudio-train data kws", e.Message);
        Assert.Throws<OnnxAudioException>(() => KeywordSpottingTask.ParseArchitecture("lstm9000"));
        Assert.Contains("clip-peak", Assert.Throws<OnnxAudioException>(() => KeywordSpottingTask.Features("rms")).Message);
    }
}
