using System.Globalization;
using System.Text.Json;
using OnnxAudio.Client.Protocol;
using OnnxAudio.Recognition;

namespace OnnxAudio.Client;

/// <summary>
/// <see cref="AudioClassifier"/>'s shape over a server: the clip is fitted as the in-process classifier fits it (the
/// middle <see cref="ClipSamplesAsync"/> samples of longer audio, shorter audio zero-padded) and classified by the served model
/// (default name <c>kws</c>), which returns the probabilities and its labels.
/// </summary>
public sealed class RemoteClassifier(InferenceClient client, string model = "kws")
{
    private int? _clipSamples;

    public string Model => model;

    /// <summary>Samples per clip, from the model's metadata (its input shape).</summary>
    public async Task<int> ClipSamplesAsync(CancellationToken cancellationToken = default)
    {
        if (_clipSamples is int known)
            return known;
        ModelMetadataResponse metadata = await client.MetadataAsync(model, cancellationToken).ConfigureAwait(false);
        long samples = metadata.Inputs.Single(i => i.Name == "waveform").Shape[^1];
        return (_clipSamples = samples > 0 ? (int)samples : throw new OnnxAudioException($"{model}: the served model takes no fixed clip length")).Value;
    }

    /// <summary>Classifies mono samples at the model's rate (16 kHz).</summary>
    public async Task<ClassificationResult> ClassifyAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        int n = await ClipSamplesAsync(cancellationToken).ConfigureAwait(false);
        var clip = new float[n];
        if (samples.Length >= n)
            samples.Span.Slice((samples.Length - n) / 2, n).CopyTo(clip);
        else
            samples.Span.CopyTo(clip);
        var request = new ModelInferRequest { ModelName = model };
        request.Inputs.Add(InferenceClient.Input("waveform", clip, 1, n));
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "probabilities" });
        ModelInferResponse response = await client.InferAsync(request, cancellationToken).ConfigureAwait(false);
        float[] probabilities = InferenceClient.Floats(response, "probabilities").Data;
        string[] labels = response.Parameters.TryGetValue("labels", out InferParameter? p)
            ? JsonSerializer.Deserialize(p.StringParam, ClientJson.Default.StringArray) ?? []
            : Enumerable.Range(0, probabilities.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var ranked = labels.Zip(probabilities, (l, s) => new LabelScore(l, s)).OrderByDescending(s => s.Score).ToArray();
        return new ClassificationResult(ranked);
    }
}

/// <summary>
/// A restoration model over a server (default <c>denoise</c>; <c>declip</c> with a clipping level), streamed as one
/// sequence of chunks whose state the server keeps. <see cref="RestoreAsync"/> gives what the in-process
/// <c>Restorer.Process</c> gives: the output time-aligned with the input and as long.
/// </summary>
public sealed class RemoteRestorer(InferenceClient client, string model = "denoise", int chunkSamples = 1600)
{
    private static long _nextSequence = Environment.TickCount64 << 20;

    public string Model => model;

    /// <summary>Restores a whole signal (mono, 16 kHz). <paramref name="clipLevel"/> is the declipping level (0: the running peak).</summary>
    public async Task<float[]> RestoreAsync(ReadOnlyMemory<float> samples, float? clipLevel = null, CancellationToken cancellationToken = default)
    {
        if (chunkSamples < 160 || chunkSamples % 160 != 0)
            throw new ArgumentOutOfRangeException(nameof(chunkSamples), chunkSamples, "Chunks are whole hops of 160 samples.");
        long sequence = Interlocked.Increment(ref _nextSequence);
        var output = new List<float>(samples.Length + 4 * chunkSamples);
        int delay = -1;
        long sent = 0;
        bool start = true;
        // The input, then silence until every input sample has come out (the stream's delay).
        while (delay < 0 || sent < samples.Length + delay)
        {
            var chunk = new float[chunkSamples];
            if (sent < samples.Length)
                samples.Span.Slice((int)sent, (int)Math.Min(chunkSamples, samples.Length - sent)).CopyTo(chunk);
            sent += chunkSamples;
            bool end = delay >= 0 && sent >= samples.Length + delay;
            var request = new ModelInferRequest { ModelName = model };
            request.Parameters["sequence_id"] = InferParameters.Of(sequence);
            request.Parameters["sequence_start"] = InferParameters.Of(start);
            request.Parameters["sequence_end"] = InferParameters.Of(end);
            request.Inputs.Add(InferenceClient.Input("audio", chunk, 1, chunkSamples));
            if (clipLevel is float level)
                request.Inputs.Add(InferenceClient.Input("clip_level", [level], 1, 1));
            ModelInferResponse response = await client.InferAsync(request, cancellationToken).ConfigureAwait(false);
            output.AddRange(InferenceClient.Floats(response, "restored").Data);
            if (delay < 0)
                delay = response.Parameters.TryGetValue("delay_samples", out InferParameter? d) ? (int)d.Int64Param
                    : throw new OnnxAudioException($"{model}: the server does not say the stream's delay (parameter delay_samples)");
            start = false;
            if (end)
                break;
        }

        if (sent < samples.Length + delay)
            throw new OnnxAudioException($"{model}: the stream ended early");
        return output.GetRange(delay, samples.Length).ToArray();
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
