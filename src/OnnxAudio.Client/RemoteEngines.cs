using System.Globalization;
using System.Text.Json;
using OnnxAudio.Audio;
using OnnxAudio.Client.Protocol;
using OnnxAudio.Recognition;

namespace OnnxAudio.Client;

/// <summary>
/// <see cref="AudioClassifier"/>'s shape over a server: the clip is fitted as the in-process classifier fits it (the
/// middle <see cref="ClipSamples"/> of longer audio, shorter audio zero-padded) and classified by the served model
/// (default name <c>kws</c>), which returns the probabilities and its labels. As an <see cref="IClipClassifier"/> it
/// also drives <see cref="KeywordDetector"/> for streaming detection over the server.
/// </summary>
public sealed class RemoteClassifier : IClipClassifier
{
    private readonly InferenceClient _client;

    private RemoteClassifier(InferenceClient client, string model, int sampleRate, int clipSamples, IReadOnlyList<string> labels, float detectionThreshold)
    {
        _client = client;
        Model = model;
        SampleRate = sampleRate;
        ClipSamples = clipSamples;
        Labels = labels;
        DetectionThreshold = detectionThreshold;
    }

    /// <summary>The served model's calibrated streaming threshold (its <c>detection_threshold</c> parameter), or the fallback.</summary>
    public float DetectionThreshold { get; }

    public string Model { get; }

    public int SampleRate { get; }

    public int ClipSamples { get; }

    public IReadOnlyList<string> Labels { get; }

    /// <summary>Reads the model's clip length and labels (one classification of silence).</summary>
    public static async Task<RemoteClassifier> ConnectAsync(InferenceClient client, string model = "kws", CancellationToken cancellationToken = default)
    {
        ModelMetadataResponse metadata = await client.MetadataAsync(model, cancellationToken).ConfigureAwait(false);
        long samples = metadata.Inputs.FirstOrDefault(i => i.Name == "waveform")?.Shape[^1] ?? -1;
        if (samples < 1)
            throw new OnnxAudioException($"{client.Address}: {model} is not a clip classifier (no fixed-length waveform input)");
        ModelInferResponse response = await client.InferAsync(Request(model, new float[samples]), cancellationToken).ConfigureAwait(false);
        float[] probabilities = InferenceClient.Floats(response, "probabilities").Data;
        string[] labels = response.Parameters.TryGetValue("labels", out InferParameter? p)
            ? JsonSerializer.Deserialize(p.StringParam, ClientJson.Default.StringArray) ?? []
            : Enumerable.Range(0, probabilities.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        int rate = response.Parameters.TryGetValue("sample_rate", out InferParameter? r) ? (int)r.Int64Param : 16000;
        float threshold = DetectorOptions.FallbackThreshold;
        if (response.Parameters.TryGetValue("detection_threshold", out InferParameter? t)
            && !(float.TryParse(t.StringParam, NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) && threshold is > 0 and <= 1))
            throw new OnnxAudioException($"{client.Address}: {model} reports an invalid detection_threshold '{t.StringParam}'");
        return new RemoteClassifier(client, model, rate, (int)samples, labels, threshold);
    }

    /// <summary>Classifies mono samples at <see cref="SampleRate"/>.</summary>
    public async Task<ClassificationResult> ClassifyAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        float[] probabilities = await ProbabilitiesAsync(Fit(samples.Span), cancellationToken).ConfigureAwait(false);
        return new ClassificationResult(Labels.Zip(probabilities, (l, s) => new LabelScore(l, s)).OrderByDescending(s => s.Score).ToArray());
    }

    /// <summary>Blocking form of <see cref="ClassifyAsync"/>.</summary>
    public ClassificationResult Classify(ReadOnlySpan<float> samples) => ClassifyAsync(samples.ToArray()).GetAwaiter().GetResult();

    /// <summary><see cref="IClipClassifier"/>: blocks for the server's answer.</summary>
    public void Probabilities(ReadOnlySpan<float> samples, Span<float> probabilities) =>
        ProbabilitiesAsync(Fit(samples), default).GetAwaiter().GetResult().AsSpan(0, Labels.Count).CopyTo(probabilities);

    private float[] Fit(ReadOnlySpan<float> samples)
    {
        var clip = new float[ClipSamples];
        if (samples.Length >= ClipSamples)
            samples.Slice((samples.Length - ClipSamples) / 2, ClipSamples).CopyTo(clip);
        else
            samples.CopyTo(clip);
        return clip;
    }

    private async Task<float[]> ProbabilitiesAsync(float[] clip, CancellationToken cancellationToken) =>
        InferenceClient.Floats(await _client.InferAsync(Request(Model, clip), cancellationToken).ConfigureAwait(false), "probabilities").Data;

    private static ModelInferRequest Request(string model, float[] clip)
    {
        var request = new ModelInferRequest { ModelName = model };
        request.Inputs.Add(InferenceClient.Input("waveform", clip, 1, clip.Length));
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "probabilities" });
        return request;
    }
}

/// <summary>
/// A restoration model over a server (default <c>denoise</c>; <c>declip</c> with a clipping level), streamed as one
/// sequence of chunks whose state the server keeps. <see cref="ProcessAsync"/> gives what the in-process
/// <c>Restorer.Process</c> gives without its pitch filter (a server runs the network alone) — the output time-aligned
/// with the input and as long — with memory flat for any length.
/// </summary>
public sealed class RemoteRestorer(InferenceClient client, string model = "denoise", int chunkSamples = 1600)
{
    private static long _nextSequence = Environment.TickCount64 << 20;

    public string Model => model;

    /// <summary>Restores a whole signal (mono, 16 kHz). <paramref name="clipLevel"/> is the declipping level (0: the running peak).</summary>
    public async Task<float[]> RestoreAsync(ReadOnlyMemory<float> samples, float? clipLevel = null, CancellationToken cancellationToken = default)
    {
        var output = new List<float>(samples.Length);
        using var source = new MemoryAudioSource(samples.ToArray(), new AudioFormat(16000, 1));
        await ProcessAsync(source, s => output.AddRange(s.ToArray()), clipLevel, cancellationToken).ConfigureAwait(false);
        return output.ToArray();
    }

    /// <summary>Restores mono 16 kHz audio from <paramref name="source"/> chunk by chunk; returns the samples written.</summary>
    public async Task<long> ProcessAsync(IAudioSource source, Action<ReadOnlySpan<float>> writeOutput, float? clipLevel = null, CancellationToken cancellationToken = default)
    {
        if (chunkSamples < 160 || chunkSamples % 160 != 0)
            throw new ArgumentOutOfRangeException(nameof(chunkSamples), chunkSamples, "Chunks are whole hops of 160 samples.");
        if (source.Format.Channels != 1 || source.Format.SampleRate != 16000)
            throw new OnnxAudioException($"{source.Name}: the served models take mono 16 kHz audio, not {source.Format}");
        long sequence = Interlocked.Increment(ref _nextSequence);
        long read = 0, skipped = 0, written = 0;
        int delay = -1;
        bool start = true, ended = false;
        var chunk = new float[chunkSamples];
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = 0;
            if (!ended)
            {
                int got;
                while (n < chunkSamples && (got = source.Read(chunk.AsSpan(n))) > 0)
                    n += got;
                ended = n < chunkSamples;
                read += n;
            }

            chunk.AsSpan(n).Clear();
            // After the input, silence until every input sample has come out (the stream's delay).
            bool last = ended && delay >= 0 && written + chunkSamples - Math.Max(0, delay - skipped) >= read;
            var request = new ModelInferRequest { ModelName = model };
            request.Parameters["sequence_id"] = InferParameters.Of(sequence);
            request.Parameters["sequence_start"] = InferParameters.Of(start);
            request.Parameters["sequence_end"] = InferParameters.Of(last);
            request.Inputs.Add(InferenceClient.Input("audio", chunk, 1, chunkSamples));
            if (clipLevel is float level)
                request.Inputs.Add(InferenceClient.Input("clip_level", [level], 1, 1));
            ModelInferResponse response = await client.InferAsync(request, cancellationToken).ConfigureAwait(false);
            start = false;
            if (delay < 0)
                delay = response.Parameters.TryGetValue("delay_samples", out InferParameter? d) ? (int)d.Int64Param
                    : throw new OnnxAudioException($"{model}: the server does not say the stream's delay (parameter delay_samples)");
            ReadOnlySpan<float> restored = InferenceClient.Floats(response, "restored").Data;
            int drop = (int)Math.Min(restored.Length, delay - skipped);
            skipped += drop;
            restored = restored[drop..];
            int keep = (int)Math.Min(restored.Length, read - written);
            if (keep > 0)
            {
                writeOutput(restored[..keep]);
                written += keep;
            }

            if (last || (ended && written >= read))
            {
                if (!last)
                    await EndAsync(sequence, clipLevel, cancellationToken).ConfigureAwait(false);
                return written;
            }
        }
    }

    /// <summary>Closes a sequence whose output is complete with one silent hop marked sequence_end.</summary>
    private async Task EndAsync(long sequence, float? clipLevel, CancellationToken cancellationToken)
    {
        var request = new ModelInferRequest { ModelName = model };
        request.Parameters["sequence_id"] = InferParameters.Of(sequence);
        request.Parameters["sequence_end"] = InferParameters.Of(true);
        request.Inputs.Add(InferenceClient.Input("audio", new float[160], 1, 160));
        if (clipLevel is float level)
            request.Inputs.Add(InferenceClient.Input("clip_level", [level], 1, 1));
        await client.InferAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// The codec over a server: <c>codec-encoder</c> turns samples into codes [codebooks, frames], <c>codec-decoder</c>
/// turns the first n codebooks back into samples (3, 6, 12 codebooks: 1.5, 3, 6 kbit/s with the shipped model).
/// </summary>
public sealed class RemoteCodec(InferenceClient client, string encoder = "codec-encoder", string decoder = "codec-decoder")
{
    /// <summary>Codes of every codebook, codebook-major: (codebooks, frames, codes).</summary>
    public async Task<(int Codebooks, int Frames, long[] Codes)> EncodeAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        var request = new ModelInferRequest { ModelName = encoder };
        request.Inputs.Add(InferenceClient.Input("waveform", samples.Span, 1, samples.Length));
        var (shape, codes) = InferenceClient.Int64s(await client.InferAsync(request, cancellationToken).ConfigureAwait(false), "codes");
        return ((int)shape[1], (int)shape[2], codes);
    }

    /// <summary>The samples of the first <paramref name="codebooks"/> codebooks, cut to <paramref name="length"/> (the original length).</summary>
    public async Task<float[]> DecodeAsync(long[] codes, int codebooks, int frames, int length, CancellationToken cancellationToken = default)
    {
        var request = new ModelInferRequest { ModelName = decoder };
        request.Inputs.Add(InferenceClient.Input("codes", codes.AsSpan(0, codebooks * frames), 1, codebooks, frames));
        float[] waveform = InferenceClient.Floats(await client.InferAsync(request, cancellationToken).ConfigureAwait(false), "waveform").Data;
        return waveform.Length >= length ? waveform[..length] : throw new OnnxAudioException($"{decoder}: {waveform.Length} samples back for {length}");
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]), TypeInfoPropertyName = "StringArray")]
internal sealed partial class ClientJson : System.Text.Json.Serialization.JsonSerializerContext;
