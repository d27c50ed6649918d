using OnnxAudio.Compression;
using System.Globalization;
using System.Security.Cryptography;
using OnnxAudio.Audio;
using OnnxAudio.Evaluation;
using OnnxAudio.Training.Data;
using OnnxAudio.Training.Export;
using OnnxAudio.Training.Losses;
using OnnxAudio.Training.Models;
using OnnxAudio.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Compression;

/// <summary>A batch of equally long clean waveforms [Count, Samples].</summary>
public sealed record WaveformBatch(float[] Samples, int Count, int Length)
{
    public static WaveformBatch Collate(IReadOnlyList<float[]> clips)
    {
        int n = clips[0].Length;
        var data = new float[clips.Count * n];
        for (int i = 0; i < clips.Count; i++)
            clips[i].CopyTo(data, i * n);
        return new WaveformBatch(data, clips.Count, n);
    }
}

/// <summary>
/// Trains the <see cref="SpectralCodec"/> on 1 s segments of clean speech: mel (two resolutions) and multi-resolution
/// STFT reconstruction losses plus the quantiser's commitment loss, with quantiser dropout (half the batches use every
/// codebook, the rest a uniform 1…N) so one model serves every bitrate. Held-out metrics: STOI and mel distance of the
/// decoded held-out voices at 1.5, 3 and 6 kbps — the metrics the peer comparison uses. With the "gan" loss
/// (<c>--loss gan</c>, usually from a resumed reconstruction-trained run) a multi-resolution spectrogram discriminator
/// adds hinge and feature-matching losses (<see cref="AdversarialLoss"/>).
/// </summary>
public sealed class CodecTask : ITrainingTask<WaveformBatch>, IRegisteredTask
{
    public static IEnumerable<TaskEntry> CatalogEntries =>
    [
        new(TaskName, "neural speech codec (1.5/3/6 kbps) on clean speech (--data: a 'data codec' or 'data denoise' corpus), --arch small|base|large",
            o => new TrainingRun<WaveformBatch>(new CodecTask(o), o)),
    ];

    public const string TaskName = "codec";
    public const int SampleRate = 16000;
    public const int SegmentSamples = SampleRate;
    private const int EvaluationFiles = 40;

    private readonly ICodecModel _codec;
    private readonly MelSpectrogramLoss _mel = new(SampleRate, 1024, 256, 80);
    private readonly MelSpectrogramLoss _melFine = new(SampleRate, 512, 128, 64);
    private readonly MultiResolutionStftLoss _stft = new();
    private readonly string[] _heldOut;
    private readonly string[] _trainFiles;
    private readonly int _evaluationFiles;
    private readonly Random _dropout;
    private readonly AdversarialLoss? _adversarial;

    public CodecTask(TrainingOptions options)
    {
        string data = options.Data
            ?? throw new OnnxAudioException("the codec task needs --data, a corpus with train/ and validation/ speech (make one with 'onnxaudio-train data codec' or 'data denoise')");
        Seeding.Seed(options.Seed);
        _codec = CodecFamilies.Create(options.Architecture);
        var train = new AudioFolderDataset(SpeechFolder(data, "train"));
        _trainFiles = train.Files.ToArray();
        Split heldOut = options.EvaluationSplit == "test" ? Split.Test : Split.Validation;
        _heldOut = new AudioFolderDataset(SpeechFolder(data, heldOut.ToString().ToLowerInvariant())).Files.ToArray();
        if (train.Count == 0 || _heldOut.Length == 0)
            throw new OnnxAudioException($"{data}: the codec task needs train and {heldOut.ToString().ToLowerInvariant()} speech files");
        _evaluationFiles = heldOut == Split.Test ? _heldOut.Length : Math.Min(EvaluationFiles, _heldOut.Length);
        _dropout = new Random(options.Seed);
        _adversarial = options.Loss switch
        {
            null or "reconstruction" or "stoi" => null,
            "gan" => new AdversarialLoss(SpectrogramDiscriminatorConfig.Default, new AdversarialSettings(Seed: options.Seed)),
            _ => throw new OnnxAudioException($"unknown loss '{options.Loss}' for the codec (reconstruction, stoi or gan)"),
        };
        if (options.Loss == "stoi")
        {
            if (_codec is not MagnitudeCodecFamily magnitude)
                throw new OnnxAudioException("--loss stoi scores decoded magnitudes: it needs a magnitude codec (--arch magnitude or magnitude-6k)");
            magnitude.StoiWeight = StoiWeight;
        }

        if (_adversarial is not null && _codec.Spec.Signal == CodecSignal.Magnitude)
            throw new OnnxAudioException("--loss gan judges the waveforms a codec's network synthesises; a magnitude codec's phase comes from the runtime (use --arch base)");
        TrainData = new DataLoader<float[], WaveformBatch>(new Segments(train), options.BatchSize, WaveformBatch.Collate, options.Seed);
    }

    public string Name => TaskName;

    /// <summary>The codec family being trained.</summary>
    public ICodecModel Codec => _codec;

    public nn.Module Model => _codec.Module;

    public IBatchSource<WaveformBatch> TrainData { get; }

    /// <summary>Weight of the STOI term of <c>--loss stoi</c> beside the reconstruction loss (whose terms are each about 0.1–1).</summary>
    public const double StoiWeight = 2;

    /// <summary>The codebook counts of the offered bitrates: 3, 6 and 12 ten-bit codes at 50 frames/s.</summary>
    public static readonly (double Kbps, int Codebooks)[] Bitrates = [(1.5, 3), (3, 6), (6, 12)];

    /// <summary>{split}/clean of a denoising corpus, or {split} of a codec corpus.</summary>
    private static string SpeechFolder(string root, string split)
    {
        string clean = Path.Combine(root, split, "clean");
        string flat = Path.Combine(root, split);
        return Directory.Exists(clean) ? clean : Directory.Exists(flat) ? flat : throw new OnnxAudioException($"{root}: no {split}/ or {split}/clean/ folder of speech");
    }

    public Tensor ComputeLoss(WaveformBatch batch)
    {
        Tensor x = tensor(batch.Samples).reshape(batch.Count, batch.Length);
        return _codec.TrainingLoss(x, TrainingLevels(_codec.Spec.Codebooks, _codec.QuantiserDropout, _dropout), WaveformLoss);
    }

    /// <summary>
    /// The codebooks one training batch goes through: with quantiser dropout all of them in half the batches and a
    /// uniform 1…N in the rest; without it (a model for the top bitrate alone), all of them. The draw is made either
    /// way, so a run's random stream does not depend on its architecture.
    /// </summary>
    public static int TrainingLevels(int codebooks, bool quantiserDropout, Random random)
    {
        int drawn = random.NextDouble() < 0.5 ? codebooks : 1 + random.Next(codebooks);
        return quantiserDropout ? drawn : codebooks;
    }

    /// <summary>Mel (two resolutions) and multi-resolution STFT losses, plus the adversarial ones with <c>--loss gan</c>.</summary>
    private Tensor WaveformLoss(Tensor decoded, Tensor reference)
    {
        // The last code frame lacks its right context; leave it out of the loss.
        long n = reference.shape[1] - _codec.Spec.SamplesPerFrame;
        Tensor a = decoded.narrow(1, 0, n), b = reference.narrow(1, 0, n);
        Tensor reconstruction = _mel.Compute(a, b) + _melFine.Compute(a, b) + _stft.Compute(a, b);
        return _adversarial is null ? reconstruction : reconstruction + _adversarial.Compute(a, b);
    }

    public IReadOnlyDictionary<string, double> Evaluate()
    {
        var metrics = new Dictionary<string, double>();
        foreach (var (kbps, codebooks) in Bitrates)
        {
            double stoi = 0, mel = 0;
            for (int i = 0; i < _evaluationFiles; i++)
            {
                float[] clean = AudioFile.ReadMono(_heldOut[i], SampleRate);
                float[] decoded = Roundtrip(clean, codebooks);
                stoi += Stoi.Compute(clean, decoded, SampleRate);
                mel += SignalMetrics.MelDistance(clean, decoded, SampleRate);
            }

            string tag = kbps.ToString("0.#", CultureInfo.InvariantCulture).Replace('.', '_');
            metrics[$"stoi_{tag}k"] = stoi / _evaluationFiles;
            metrics[$"mel_{tag}k"] = mel / _evaluationFiles;
        }

        return metrics;
    }

    /// <summary>
    /// Encodes and decodes a whole signal in torch the way the runtime does: zero-padded to whole latent frames plus two
    /// hops, cut back to the original length.
    /// </summary>
    public float[] Roundtrip(float[] clean, int codebooks)
    {
        // Evaluation runs hundreds of forward passes outside the trainer's steps: each is guarded like a step.
        using var guard = NativeStepGuard.Enter();
        using var scope = NewDisposeScope();
        int unit = _codec.Spec.SamplesPerFrame;
        int padded = (clean.Length + unit - 1) / unit * unit + unit;
        var x = new float[padded];
        clean.CopyTo(x, 0);
        var (y, _) = _codec.Reconstruct(tensor(x).reshape(1, padded), codebooks, update: false);
        return y.data<float>().ToArray()[..clean.Length];
    }

    public void Export(string onnxPath, TrainingRecord record)
    {
        string frequencies = CodeFrequencies(_codec, _trainFiles.Take(300).Select(f => AudioFile.ReadMono(f, SampleRate)));
        var (encoder, decoder) = CreateGraphs(_codec, frequencies);
        foreach (OnnxGraph graph in new[] { encoder, decoder })
            record.WriteTo(graph.Metadata);

        var (encoderPath, decoderPath) = ExportPaths(onnxPath);
        encoder.Save(encoderPath);
        decoder.Save(decoderPath);
    }

    /// <summary>
    /// The range coder's static tables: how often each code of each codebook occurs over <paramref name="clips"/>
    /// (add-one smoothed, scaled to a total of 2^15 per codebook), as base64 little-endian uint16.
    /// </summary>
    public static string CodeFrequencies(ICodecModel codec, IEnumerable<float[]> clips)
    {
        codec.Module.eval();
        CodecSpec c = codec.Spec;
        var counts = new long[c.Codebooks * c.CodebookSize];
        foreach (float[] clip in clips)
        {
            // Export runs hundreds of forward passes outside the trainer's steps: guard each like a step (TorchSharp's
            // temporary-Scalar race ended an export once).
            using var guard = NativeStepGuard.Enter();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor codes = codec.Encode(tensor(clip).reshape(1, clip.Length)); // [1, Nq, T]
            long[] values = codes.data<long>().ToArray();
            long t = codes.shape[2];
            for (int q = 0; q < c.Codebooks; q++)
                for (long i = 0; i < t; i++)
                    counts[q * c.CodebookSize + values[q * t + i]]++;
        }

        var bytes = new byte[counts.Length * 2];
        for (int q = 0; q < c.Codebooks; q++)
        {
            long total = 0;
            for (int k = 0; k < c.CodebookSize; k++)
                total += counts[q * c.CodebookSize + k] + 1;
            for (int k = 0; k < c.CodebookSize; k++)
            {
                // Every code keeps a frequency of at least 1, and the table's total stays ≤ 2^15 + K.
                ushort f = (ushort)Math.Max(1, (counts[q * c.CodebookSize + k] + 1) * 32768 / total);
                int i = q * c.CodebookSize + k;
                bytes[2 * i] = (byte)f;
                bytes[2 * i + 1] = (byte)(f >> 8);
            }
        }

        return Convert.ToBase64String(bytes);
    }

    /// <summary>model.onnx → (model.encoder.onnx, model.decoder.onnx).</summary>
    public static (string Encoder, string Decoder) ExportPaths(string onnxPath)
    {
        string stem = onnxPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? onnxPath[..^5] : onnxPath;
        return ($"{stem}.encoder.onnx", $"{stem}.decoder.onnx");
    }

    /// <summary>Encoder and decoder graphs with the <see cref="CodecSpec"/> the runtime's <c>SpeechCodec</c> reads.</summary>
    public static (OnnxGraph Encoder, OnnxGraph Decoder) CreateGraphs(ICodecModel codec, string? codeFrequencies = null)
    {
        var (encoder, decoder) = codec.ExportGraphs();
        CodecSpec spec = codec.Spec with { ModelId = ModelId(codec.Module), CodeFrequencies = codeFrequencies };
        (spec with { Role = CodecRole.Encoder }).WriteTo(encoder.Metadata);
        (spec with { Role = CodecRole.Decoder }).WriteTo(decoder.Metadata);
        return (encoder, decoder);
    }

    /// <summary>The first 16 hex digits of a SHA-256 over every parameter and buffer: what a bitstream names its model by.</summary>
    public static string ModelId(nn.Module model)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in model.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            float[] values = OnnxExporter.ToArray(tensor);
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }

        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }

    public void SaveTrainingState(string checkpointFolder) => _adversarial?.Save(checkpointFolder);

    public void LoadTrainingState(string checkpointFolder) => _adversarial?.Load(checkpointFolder);

    public void Dispose()
    {
        _adversarial?.Dispose();
        _codec.Dispose();
        _mel.Dispose();
        _melFine.Dispose();
    }

    /// <summary>Random 1 s segments of the training speech at a random peak level (−36 to −1 dBFS).</summary>
    private sealed class Segments(AudioFolderDataset speech) : IDataset<float[]>
    {
        public int Count => speech.Count;

        public float[] Get(int index, Random random)
        {
            float[] x = speech.Get(index, random).Samples;
            var segment = new float[SegmentSamples];
            int offset = x.Length > SegmentSamples ? random.Next(x.Length - SegmentSamples + 1) : 0;
            Array.Copy(x, offset, segment, 0, Math.Min(SegmentSamples, x.Length - offset));
            // Peaks anywhere from −36 to −1 dBFS: the codec must serve quiet recordings as well as loud ones.
            float peak = segment.Max(MathF.Abs);
            if (peak > 1e-4f)
                Degradations.Gain(segment, -36 + 35 * random.NextDouble() - 20 * Math.Log10(peak));
            return segment;
        }
    }
}
