using OnnxAudio.Restoration;
using System.Globalization;
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

namespace OnnxAudio.Training.Restoration;

/// <summary>
/// Trains a <see cref="SpectralMaskDenoiser"/> for denoising or declipping on 2 s segments from a
/// <see cref="RestorationCorpus"/>. Loss ("stft", the default): multi-resolution STFT loss minus 0.05 × SI-SDR of the
/// resynthesised waveform; ("sisdr"): −SI-SDR plus the MR-STFT loss; ("sisdr-os"): plus <see cref="OverSuppressionLoss"/>;
/// ("sisdr-os-stoi"): plus 10 × <see cref="StoiLoss"/>; ("sisdr-os-stoi50"): plus 50 × it; ("sisdr-os-stoi50-pc"): plus
/// <see cref="CompressedSpectrumLoss"/>. For declipping the estimate first goes through <see cref="ClipConsistency"/> (samples below the clipping
/// level are the input's own, clipped ones at least the level), the same projection the runtime applies. Held-out
/// metrics: SI-SDR and STOI of the input and output on the held-out voices.
/// </summary>
public sealed class RestorationTask : ITrainingTask<RestorationBatch>, IRegisteredTask
{
    public static IEnumerable<TaskEntry> CatalogEntries =>
    [
        new(DenoiseName, "streaming speech denoiser on a 'data denoise' corpus (--data), --arch small|base|large",
            o => new TrainingRun<RestorationBatch>(new RestorationTask(o, RestorationKind.Denoise), o)),
        new(DeclipName, "clipping repair on the clean speech of a 'data denoise' corpus (--data), --arch small|base|large",
            o => new TrainingRun<RestorationBatch>(new RestorationTask(o, RestorationKind.Declip), o)),
    ];

    public const string DenoiseName = "denoise";
    public const string DeclipName = "declip";
    public const int SampleRate = 16000;
    public const int SegmentSamples = 2 * SampleRate;
    private const int EvaluationFiles = 100;

    private readonly SpectralMaskDenoiser _model;
    private readonly RestorationKind _kind;
    private readonly RestorationCorpus _heldOut;
    private readonly MultiResolutionStftLoss _stftLoss = new();
    private readonly Tensor _window;
    private readonly int _evaluationFiles;
    private readonly LossRecipe _loss;

    /// <summary>
    /// The loss recipes by name: SI-SDR-led or STFT-led, and which extra terms they add. A STOI weight of 10 counts 0.01
    /// of STOI as 0.1 dB of SI-SDR.
    /// </summary>
    private sealed record LossRecipe(bool SiSdr, bool OverSuppression = false, double StoiWeight = 0, bool Compressed = false);

    private static readonly Dictionary<string, LossRecipe> LossRecipes = new(StringComparer.Ordinal)
    {
        ["stft"] = new(SiSdr: false),
        ["sisdr"] = new(SiSdr: true),
        ["sisdr-os"] = new(SiSdr: true, OverSuppression: true),
        ["sisdr-os-stoi"] = new(SiSdr: true, OverSuppression: true, StoiWeight: 10),
        ["sisdr-os-stoi50"] = new(SiSdr: true, OverSuppression: true, StoiWeight: 50),
        ["sisdr-os-stoi50-pc"] = new(SiSdr: true, OverSuppression: true, StoiWeight: 50, Compressed: true),
    };

    /// <summary>The names <c>--loss</c> accepts for restoration tasks.</summary>
    public static IReadOnlyCollection<string> LossNames => LossRecipes.Keys;

    public RestorationTask(TrainingOptions options, RestorationKind kind)
    {
        string data = options.Data ?? throw new OnnxAudioException($"the {Name} task needs --data, a corpus folder with train/clean (make one with 'onnxaudio-train data denoise')");
        _kind = kind;
        _loss = LossRecipes.TryGetValue(options.Loss ?? "stft", out LossRecipe? recipe) ? recipe
            : throw new OnnxAudioException($"unknown loss '{options.Loss}' for {Name} ({string.Join(", ", LossRecipes.Keys)})");
        Seeding.Seed(options.Seed);
        Config = ParseArchitecture(options.Architecture, kind);
        _model = new SpectralMaskDenoiser(Config);
        _window = hann_window(Config.NFft).sqrt();
        // "real-soft-babble" keeps babble 12 dB down in the target; "real-soft-babble-N" N dB down (0: the babble kept whole).
        double softBabbleDb = RestorationCorpus.DefaultSoftBabbleResidualDb;
        string? noiseName = options.Noise;
        if (noiseName is not null && noiseName.StartsWith("real-soft-babble-", StringComparison.Ordinal))
        {
            string level = noiseName["real-soft-babble-".Length..];
            softBabbleDb = int.TryParse(level, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int db) && db is >= 0 and <= 60
                ? -db : throw new OnnxAudioException($"--noise {noiseName}: the babble level must be 0 to 60 dB down (real-soft-babble-12)");
            noiseName = "real-soft-babble";
        }

        TrainingNoise noise = noiseName switch
        {
            null or "classic" => TrainingNoise.Classic,
            "extended" => TrainingNoise.Extended,
            "babble" => TrainingNoise.Babble,
            "real" => TrainingNoise.Real,
            "real-soft-babble" => TrainingNoise.RealSoftBabble,
            _ => throw new OnnxAudioException($"unknown training noise '{options.Noise}' (classic, extended, babble, real, real-soft-babble or real-soft-babble-N)"),
        };
        var train = new RestorationCorpus(data, Split.Train, kind, SegmentSamples, noise, softBabbleDb);
        Split heldOut = options.EvaluationSplit == "test" ? Split.Test : Split.Validation;
        _heldOut = new RestorationCorpus(data, heldOut, kind, SegmentSamples);
        if (kind == RestorationKind.Denoise && _heldOut.StoredPairs == 0)
            throw new OnnxAudioException($"{data}: the {heldOut.ToString().ToLowerInvariant()} split needs clean/noisy pairs for held-out metrics");
        _evaluationFiles = heldOut == Split.Test ? _heldOut.Count : Math.Min(EvaluationFiles, _heldOut.Count);
        TrainData = new DataLoader<RestorationExample, RestorationBatch>(train, options.BatchSize, RestorationBatch.Collate, options.Seed);
    }

    public string Name => _kind == RestorationKind.Denoise ? DenoiseName : DeclipName;

    public SpectralMaskConfig Config { get; }

    public nn.Module Model => _model;

    public IBatchSource<RestorationBatch> TrainData { get; }

    /// <summary>
    /// "small" (hidden 128), the default "base" (hidden 192), or "large" (hidden 256), each with two GRU layers; a suffix
    /// "-la1" or "-la2" lets the model look one or two frames (10 ms each) ahead, e.g. "base-la1".
    /// </summary>
    public static SpectralMaskConfig ParseArchitecture(string? name, RestorationKind kind)
    {
        double bound = kind == RestorationKind.Declip ? 4.0 : 1.0;
        string size = name?.ToLowerInvariant() ?? "base";
        int lookAhead = 0;
        int suffix = size.LastIndexOf("-la", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            if (!int.TryParse(size.AsSpan(suffix + 3), NumberStyles.None, CultureInfo.InvariantCulture, out lookAhead) || lookAhead is < 1 or > 2)
                throw new OnnxAudioException($"unknown architecture '{name}': the look-ahead suffix is -la1 or -la2");
            size = size[..suffix];
        }

        int hidden = size switch
        {
            "base" => 192,
            "small" => 128,
            "large" => 256,
            _ => throw new OnnxAudioException($"unknown architecture '{name}' (small, base or large, optionally with -la1 or -la2)"),
        };
        return new SpectralMaskConfig(Hidden: hidden, MaskBound: bound, LookAhead: lookAhead);
    }

    public Tensor ComputeLoss(RestorationBatch batch)
    {
        Tensor degraded = tensor(batch.Degraded).reshape(batch.Count, batch.Samples);
        Tensor clean = tensor(batch.Clean).reshape(batch.Count, batch.Samples);
        Tensor estimate = Enhance(degraded, tensor(batch.ClipLevels).reshape(batch.Count, 1));
        Tensor loss = _loss.SiSdr
            ? SiSdrLoss.Compute(estimate, clean) + _stftLoss.Compute(estimate, clean)
            : _stftLoss.Compute(estimate, clean) + 0.05 * SiSdrLoss.Compute(estimate, clean);
        if (_loss.OverSuppression)
            loss = loss + OverSuppressionLoss.Compute(estimate, clean);
        if (_loss.Compressed)
            loss = loss + CompressedSpectrumLoss.Compute(estimate, clean);
        return _loss.StoiWeight > 0 ? loss + _loss.StoiWeight * StoiLoss.Compute(estimate, clean) : loss;
    }

    /// <summary>Waveforms [batch, samples] → restored waveforms of the same length (whole-signal STFT, zero initial state).</summary>
    public Tensor Enhance(Tensor degraded, Tensor clipLevels)
    {
        long samples = degraded.shape[1];
        Tensor spectrum = view_as_real(stft(degraded, Config.NFft, Config.HopLength, Config.NFft, _window, center: true,
            pad_mode: PaddingModes.Reflect, return_complex: true)).transpose(1, 2); // [B, T, F, 2]
        Tensor enhanced = SpectralMaskDenoiser.ApplyMask(_model.forward(spectrum), spectrum).transpose(1, 2).contiguous();
        Tensor y = istft(view_as_complex(enhanced), Config.NFft, Config.HopLength, Config.NFft, _window, center: true, length: samples);
        return _kind == RestorationKind.Declip ? ClipConsistency.Project(y, degraded, clipLevels) : y;
    }

    public IReadOnlyDictionary<string, double> Evaluate()
    {
        double siIn = 0, siOut = 0, stoiIn = 0, stoiOut = 0;
        for (int i = 0; i < _evaluationFiles; i++)
        {
            var (degraded, clean, level) = HeldOutPair(i);
            float[] restored;
            using (NativeStepGuard.Enter())
            using (NewDisposeScope())
                restored = Enhance(tensor(degraded).reshape(1, degraded.Length), tensor(new[] { level }).reshape(1, 1)).data<float>().ToArray();
            siIn += SignalMetrics.SiSdr(clean, degraded);
            siOut += SignalMetrics.SiSdr(clean, restored);
            stoiIn += Stoi.Compute(clean, degraded, SampleRate);
            stoiOut += Stoi.Compute(clean, restored, SampleRate);
        }

        int n = _evaluationFiles;
        return new Dictionary<string, double>
        {
            ["si_sdr_in"] = siIn / n, ["si_sdr_out"] = siOut / n, ["si_sdr_improvement"] = (siOut - siIn) / n,
            ["stoi_in"] = stoiIn / n, ["stoi_out"] = stoiOut / n,
        };
    }

    /// <summary>Held-out pair i: the stored noisy partner (denoising) or the clean file clipped at 25 % of its peak (declipping).</summary>
    private (float[] Degraded, float[] Clean, float Level) HeldOutPair(int index)
    {
        string cleanPath = _heldOut.CleanFiles[index];
        float[] clean = AudioFile.ReadMono(cleanPath, SampleRate);
        if (_kind == RestorationKind.Denoise)
        {
            _heldOut.TryGetStoredPartner(cleanPath, out string noisyPath);
            float[] noisy = AudioFile.ReadMono(noisyPath, SampleRate);
            int n = Math.Min(noisy.Length, clean.Length);
            return (noisy[..n], clean[..n], 0f);
        }

        float level = 0.25f * RestorationCorpus.MaxAbs(clean);
        float[] clipped = (float[])clean.Clone();
        Degradations.Clip(clipped, level);
        return (clipped, clean, level);
    }

    public void Export(string onnxPath, TrainingRecord record) => BuildGraph(record).Save(onnxPath);

    public OnnxGraph BuildGraph(TrainingRecord record)
    {
        OnnxGraph graph = CreateGraph(_model, _kind);
        record.WriteTo(graph.Metadata);
        return graph;
    }

    /// <summary>The ONNX graph of a restoration model with the metadata the runtime's <c>Restorer</c> reads.</summary>
    public static OnnxGraph CreateGraph(SpectralMaskDenoiser model, RestorationKind kind)
    {
        model.eval();
        SpectralMaskConfig config = model.Config;
        var graph = new OnnxGraph(kind == RestorationKind.Denoise ? "denoiser" : "declipper");
        // Inputs and outputs as the runtime's Restorer feeds and reads them (RestorationSpec).
        var inputs = new List<OnnxValue>
        {
            graph.AddInput("spectrum", "batch", "frames", config.Bins, 2),
            graph.AddInput("state", config.Layers, "batch", config.Hidden),
        };
        if (config.LookAhead > 0)
            inputs.Add(graph.AddInput("spectrum_cache", "batch", config.LookAhead, config.Bins, 2));
        IReadOnlyList<OnnxValue> outputs = new OnnxExporter(graph).Apply(model, inputs, "");
        graph.AddOutput(outputs[0], "mask", "batch", "frames", config.Bins, 2);
        graph.AddOutput(outputs[1], "next_state", config.Layers, "batch", config.Hidden);
        new RestorationSpec
        {
            SampleRate = SampleRate, Kind = kind, NFft = config.NFft, HopLength = config.HopLength,
            StateLayers = config.Layers, StateHidden = config.Hidden, LookAheadFrames = config.LookAhead,
            MaskBound = config.MaskBound, ClipConsistency = kind == RestorationKind.Declip, Parameters = model.ParameterCount,
        }.WriteTo(graph.Metadata);
        return graph;
    }

    public void Dispose()
    {
        _model.Dispose();
        _window.Dispose();
    }
}
