using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Audio;
using OnnxAudio.Dsp;
using OnnxAudio.Onnx;

namespace OnnxAudio.Restoration;

/// <summary>
/// Runs an OnnxAudio restoration model (denoising or declipping): a causal STFT-domain network that predicts a complex
/// mask per frame and carries its recurrent state between calls. Configured from the model's metadata (sample rate,
/// STFT size and hop, state shape, look-ahead frames). A model that looks L frames ahead masks the frame L hops back
/// and takes the previous call's last L frames as its <c>spectrum_cache</c> input; its latency grows by L hops. Thread-safe: one instance serves any number of <see cref="RestorationStream"/>s
/// and offline calls at once. Dispose it to free the native session.
/// </summary>
public sealed class Restorer : IDisposable
{
    /// <summary>The metadata task of restoration models.</summary>
    public const string Task = "restoration";
    internal const string SpectrumInput = "spectrum", StateInput = "state", CacheInput = "spectrum_cache", MaskOutput = "mask", StateOutput = "next_state";

    private readonly ModelSession _model;

    private Restorer(ModelSession model)
    {
        _model = model;
        Spec = RestorationSpec.Read(model.Metadata);
        Stft = Spec.Stft;
        model.RequireSignature(LookAheadFrames > 0 ? [SpectrumInput, StateInput, CacheInput] : [SpectrumInput, StateInput], [MaskOutput, StateOutput]);
    }

    public ModelInfo Metadata => _model.Metadata;

    /// <summary>The provider the session runs on.</summary>
    public ExecutionProvider Provider => _model.Provider;

    /// <summary>The model's repair, STFT, state and look-ahead, from its metadata.</summary>
    public RestorationSpec Spec { get; }

    public RestorationKind Kind => Spec.Kind;

    public int SampleRate => Metadata.SampleRate;

    /// <summary>The STFT the model works on (causal framing; sqrt-Hann analysis and synthesis windows).</summary>
    public StftOptions Stft { get; }

    public int HopLength => Stft.HopLength;

    /// <summary>Frames the model sees beyond the one it masks (0: fully causal); each adds one hop of latency.</summary>
    public int LookAheadFrames => Spec.LookAheadFrames;

    /// <summary>
    /// How far a stream's output lags its input, in samples: n_fft − hop + look-ahead × hop. Outputs leave in hop-sized
    /// blocks, so a sample waits at most <see cref="AlgorithmicLatency"/> between entering and leaving.
    /// </summary>
    public int DelaySamples => Stft.NFft - Stft.HopLength + LookAheadFrames * Stft.HopLength;

    /// <summary>Algorithmic latency of streaming: one analysis window (n_fft samples) plus the look-ahead frames' hops.</summary>
    public TimeSpan AlgorithmicLatency => TimeSpan.FromSeconds((Stft.NFft + LookAheadFrames * Stft.HopLength) / (double)SampleRate);

    /// <summary>Whether the output is made consistent with the unclipped input samples (declipping models).</summary>
    public bool ClipConsistency => Spec.ClipConsistency;

    internal int StateLayers => Spec.StateLayers;

    internal int StateHidden => Spec.StateHidden;

    internal InferenceSession Session => _model.Session;

    public static Restorer Load(string path, InferenceOptions? options = null) => Create(ModelSession.Load(path, options, Task));

    public static Restorer Load(byte[] model, string name, InferenceOptions? options = null) => Create(ModelSession.Load(model, name, options, Task));

    private static Restorer Create(ModelSession model)
    {
        try
        {
            var restorer = new Restorer(model);
            if (model.Options.WarmUp)
                restorer.WarmUp();
            return restorer;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model once on 100 ms of silence, offline and as a stream, so that the first real call does not pay for
    /// ONNX Runtime's first-run allocations (<see cref="InferenceOptions.WarmUp"/> does this at load).
    /// </summary>
    public void WarmUp()
    {
        var silence = new float[SampleRate / 10];
        Process(silence);
        using RestorationStream stream = CreateStream();
        stream.Push(silence.AsSpan(0, HopLength));
    }

    /// <summary>
    /// A new stream with its own state. <paramref name="strength"/> blends the model's mask with unity (0: input
    /// unchanged, 1: full effect). For declipping, <paramref name="clipLevel"/> is the level the input was clipped at;
    /// without it the stream uses the running peak of what it has seen. <paramref name="pitchFilter"/> adds RNNoise's
    /// pitch filter before the mask (see <see cref="RestoreOptions.PitchFilter"/>; null: on for denoisers).
    /// </summary>
    public RestorationStream CreateStream(float strength = 1f, float? clipLevel = null, bool? pitchFilter = null) =>
        new(this, strength, clipLevel, pitchFilter ?? PitchFilterByDefault);

    /// <summary>Whether streams and calls that do not say use the pitch filter: denoisers do, declippers do not.</summary>
    public bool PitchFilterByDefault => Kind == RestorationKind.Denoise;

    /// <summary>
    /// Restores a whole signal (mono, at <see cref="SampleRate"/>): the output has the input's length and is time-aligned
    /// with it (the stream delay is removed). Declipping detects the clipping level over the whole signal first.
    /// </summary>
    public float[] Process(ReadOnlySpan<float> input, float strength = 1f, CancellationToken cancellationToken = default) =>
        Process(input, new RestoreOptions { Strength = strength }, cancellationToken);

    /// <summary>
    /// Restores a whole signal with <paramref name="options"/> (strength and pitch filter; declipping detects the level
    /// over the whole signal): the output has the input's length and is time-aligned with it.
    /// </summary>
    public float[] Process(ReadOnlySpan<float> input, RestoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        float strength = options.Strength;
        float? level = Kind == RestorationKind.Declip ? ClipRepair.DetectLevel(input) ?? ClipRepair.NoClipping : null;
        var output = new float[input.Length];
        int position = 0;
        using RestorationStream stream = CreateStream(strength, level, options.PitchFilter);
        var aligned = new AlignedOutput(DelaySamples, input.Length, produced =>
        {
            produced.CopyTo(output.AsSpan(position));
            position += produced.Length;
        });
        float[] block = new float[stream.MaxOutputSamples(RestorationStream.BlockSamples)];
        for (int offset = 0; offset < input.Length; offset += RestorationStream.BlockSamples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadOnlySpan<float> part = input.Slice(offset, Math.Min(RestorationStream.BlockSamples, input.Length - offset));
            aligned.Accept(block.AsSpan(0, stream.Push(part, block)));
        }

        aligned.Accept(block.AsSpan(0, stream.Flush(block)));
        return output;
    }

    /// <summary>
    /// Restores an audio source block by block into <paramref name="writeOutput"/> (mono at <see cref="SampleRate"/>; any
    /// other source is down-mixed and resampled), time-aligned with the input and as long, in constant memory. A
    /// declipper with <see cref="ClipHandling.Detect"/> needs a second pass over the input, so it takes
    /// <paramref name="reopen"/>: a way to open the same input again (null: the running peak is used instead).
    /// Progress reports the input samples read.
    /// </summary>
    public RestoreResult Process(IAudioSource source, Action<ReadOnlySpan<float>> writeOutput, RestoreOptions? options = null,
        Func<IAudioSource>? reopen = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(writeOutput);
        options = (options ?? new RestoreOptions()).Validated();
        float? level = null;
        long atLevel = 0;
        if (Kind == RestorationKind.Declip)
        {
            switch (options.Clip)
            {
                case ClipHandling.Given:
                    level = options.ClipLevel;
                    break;
                case ClipHandling.Detect when reopen is not null:
                    (level, atLevel) = DetectClipLevel(reopen, cancellationToken);
                    break;
            }
        }

        // The caller owns the source; the converting wrappers hold nothing of their own.
        IAudioSource mono = source.ToMono().ResampleTo(SampleRate);
        float? streamLevel = Kind != RestorationKind.Declip ? null
            : level ?? (options.Clip == ClipHandling.Detect && reopen is not null ? ClipRepair.NoClipping : null);
        using RestorationStream stream = CreateStream(options.Strength, streamLevel, options.PitchFilter);
        float[] input = new float[RestorationStream.BlockSamples];
        float[] output = new float[stream.MaxOutputSamples(input.Length)];
        var aligned = new AlignedOutput(DelaySamples, long.MaxValue, writeOutput);
        long read = 0;
        int n;
        while ((n = mono.Read(input)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            read += n;
            aligned.Accept(output.AsSpan(0, stream.Push(input.AsSpan(0, n), output)));
            progress?.Report(read);
        }

        aligned.Accept(output.AsSpan(0, stream.Flush(output)));
        return new RestoreResult(aligned.Written, level, atLevel);
    }

    /// <summary>
    /// Restores a file (any format <see cref="AudioFile.Open"/> reads) into <paramref name="writeOutput"/>, as the
    /// source overload does; a declipper reads the file twice (its clipping level first).
    /// </summary>
    public RestoreResult ProcessFile(string path, Action<ReadOnlySpan<float>> writeOutput, RestoreOptions? options = null,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        using IAudioSource source = AudioFile.OpenMono(path, SampleRate);
        return Process(source, writeOutput, options, () => AudioFile.OpenMono(path, SampleRate), progress, cancellationToken);
    }

    /// <summary>The clipping level of a whole input (one pass) and the samples at it; null when nothing is clipped.</summary>
    public static (float? Level, long SamplesAtLevel) DetectClipLevel(Func<IAudioSource> open, CancellationToken cancellationToken = default)
    {
        using IAudioSource scan = open();
        var detector = new ClipLevelDetector();
        float[] block = new float[1 << 16];
        int n;
        while ((n = scan.Read(block)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            detector.Observe(block.AsSpan(0, n));
        }

        return (detector.Level(), detector.SamplesAtPeak);
    }

    public void Dispose() => _model.Dispose();
}
