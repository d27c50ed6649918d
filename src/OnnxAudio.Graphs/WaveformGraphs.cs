using System.Globalization;
using OnnxAudio.Dsp;
using OnnxAudio.Compression;
using OnnxAudio.Onnx;
using OnnxAudio.Recognition;
using OnnxAudio.Restoration;

namespace OnnxAudio.Graphs;

/// <summary>
/// Self-contained ("waveform-in") graphs for any ONNX host (Triton, another language's ONNX Runtime): the runtime's
/// front end and synthesis written as ONNX operators around a shipped model, so raw 16 kHz samples go in and labels,
/// restored samples or codes come out. The DFT is a strided convolution with windowed cosine and sine kernels (and the
/// inverse a transposed one), the mel filters a MatMul, padding a Pad: plain opset-17 operators every host has. The
/// constants come from the runtime's own DSP classes (window, filter bank), so the graphs compute what the C# engines
/// compute. Every batch dimension is first, as Triton's batchers need.
/// </summary>
public static class WaveformGraphs
{
    /// <summary>The names the graphs are served under, and the shipped model each wraps.</summary>
    public static readonly IReadOnlyList<(string Name, string Source)> Shipped =
    [
        ("kws", "kws.onnx"), ("denoise", "denoise.onnx"), ("declip", "declip.onnx"),
        ("codec-encoder", "codec.encoder.onnx"), ("codec-decoder", "codec.decoder.onnx"),
    ];

    /// <summary>Writes the self-contained graph of every shipped model in <paramref name="modelsFolder"/> to <paramref name="outFolder"/>/NAME.onnx.</summary>
    public static IReadOnlyList<string> WriteAll(string modelsFolder, string outFolder)
    {
        Directory.CreateDirectory(outFolder);
        var written = new List<string>();
        foreach (var (name, source) in Shipped)
        {
            string path = Path.Combine(modelsFolder, source);
            if (!File.Exists(path))
                throw new OnnxAudioException($"{path}: no such model");
            OnnxGraph graph = Build(name, File.ReadAllBytes(path), path);
            string target = Path.Combine(outFolder, name + ".onnx");
            graph.Save(target);
            written.Add(target);
        }

        return written;
    }

    /// <summary>The self-contained graph of <paramref name="model"/>, by the kind of model it is.</summary>
    public static OnnxGraph Build(string name, byte[] model, string displayName)
    {
        ModelInfo info = ModelInfo.From(displayName, OnnxGraph.ReadMetadata(model));
        return info.Task switch
        {
            "recognition" => Classifier(model, info),
            "restoration" => StreamingRestorer(model, info),
            "compression" => CodecSpec.Read(info).Role == CodecRole.Encoder ? CodecEncoder(model, info) : CodecDecoder(model, info),
            _ => throw new OnnxAudioException($"{displayName}: no waveform graph for task '{info.Task}' ({name})"),
        };
    }

    /// <summary>
    /// <c>waveform</c> [batch, clip_samples] → <c>probabilities</c> [batch, labels]: centred reflect-padded STFT, power
    /// (or magnitude), mel filters, log, the classifier, softmax. The clip is the one the runtime classifies (the middle
    /// <c>clip_samples</c> of longer audio, shorter audio zero-padded at the end: the caller fits it).
    /// </summary>
    public static OnnxGraph Classifier(byte[] model, ModelInfo info)
    {
        RecognitionSpec spec = RecognitionSpec.Read(info);
        LogMelOptions features = spec.Features;
        int clip = spec.ClipSamples;
        var g = Start(info, "waveform_classifier");
        OnnxValue waveform = g.AddInput("waveform", "batch", clip);
        var stft = new Stft(new StftOptions
        {
            NFft = features.NFft, HopLength = features.HopLength, WinLength = features.WinLength, Window = features.Window,
            Center = features.Center, PadMode = features.PadMode,
        });
        OnnxValue signal = g.Unsqueeze(waveform, 1);
        if (features.Center)
            signal = Pad(g, signal, features.NFft / 2, features.PadMode == PaddingMode.Reflect ? "reflect" : "constant");
        var (re, im) = Dft(g, signal, stft);                                        // [batch, bins, frames] each
        OnnxValue spectrum = g.Add(g.Mul(re, re), g.Mul(im, im));
        if (features.Spectrum == SpectrumKind.Magnitude)
            spectrum = g.Op("Sqrt", [spectrum]);
        var filters = new MelFilterBank(features.SampleRate, features.NFft, features.NMels, features.FMin, features.FMax, features.Scale, features.Normalization);
        OnnxValue mel = g.MatMul(g.Initializer("mel_filters", filters.ToMatrix(), features.NMels, stft.Bins), spectrum);  // [batch, mels, frames]
        OnnxValue floor = g.Scalar("log_floor", features.LogFloor);
        if (features.Reference == LevelReference.ClipPeak)
        {
            // As LogMelSpectrogram: divide by the clip's peak (at least the log floor), floor DynamicRangeDb below it.
            OnnxValue peak = g.Op("Max", [g.Op("ReduceMax", [mel], ("axes", new long[] { 1, 2 }), ("keepdims", 1L)), floor]);
            mel = g.Mul(mel, g.Op("Reciprocal", [peak]));
            floor = g.Op("Max", [g.Div(floor, peak), g.Scalar("range_floor", (float)Math.Pow(10, -features.DynamicRangeDb / 10))]);
            mel = g.Op("Max", [mel, floor]);
        }

        if (features.Log != LogCompression.None)
        {
            mel = g.Op("Log", [g.Op("Max", [mel, floor])]);
            if (features.Log == LogCompression.Decibels)
                mel = g.Mul(mel, g.Scalar("db_per_neper", (float)(10 / Math.Log(10))));
        }

        var outputs = g.Embed(model, new Dictionary<string, OnnxValue> { ["features"] = mel }, "model/");
        OnnxValue logits = outputs.Values.First();
        OnnxValue labels = g.Slice(logits, [0], [info.Labels.Count], [1]);
        g.AddOutput(g.Softmax(labels, 1), "probabilities", "batch", info.Labels.Count);
        return g;
    }

    /// <summary>
    /// One call of a restoration stream: <c>audio</c> [batch, samples] (a whole number of hops) and the stream's state in,
    /// <c>restored</c> [batch, samples] and the next state out, exactly as <c>RestorationStream.Push</c> at strength 1:
    /// the output lags the input by the model's delay (n_fft − hop + look-ahead × hop samples), and a stream starts from
    /// all-zero state. State tensors (batch first): <c>analysis</c> [batch, n_fft − hop] (input not yet framed),
    /// <c>model_state</c> [batch, layers, hidden], <c>spectrum_cache</c> [batch, L, bins, 2] (look-ahead models),
    /// <c>synthesis_sum</c> and <c>synthesis_envelope</c> [batch, n_fft − hop] (overlap-add tails). Each input X has
    /// the output <c>next_X</c>. Declipping models also take <c>clip_level</c> [batch, 1] (the file's clipping level; 0:
    /// the running peak, kept in <c>peak</c> [batch, 1]) and keep unclipped input samples as they are.
    /// </summary>
    public static OnnxGraph StreamingRestorer(byte[] model, ModelInfo info)
    {
        RestorationSpec spec = RestorationSpec.Read(info);
        int nFft = spec.NFft, hop = spec.HopLength, layers = spec.StateLayers, hidden = spec.StateHidden, lookAhead = spec.LookAheadFrames;
        bool declip = spec.ClipConsistency;
        int tail = nFft - hop, bins = nFft / 2 + 1;
        var stft = new Stft(new StftOptions { NFft = nFft, HopLength = hop, Window = WindowFunction.SqrtHann, Center = false });
        var g = Start(info, "waveform_stream");
        g.Metadata["delay_samples"] = (tail + lookAhead * hop).ToString(CultureInfo.InvariantCulture);
        g.Metadata["chunk_multiple"] = hop.ToString(CultureInfo.InvariantCulture);

        OnnxValue audio = g.AddInput("audio", "batch", "samples");
        OnnxValue analysis = g.AddInput("analysis", "batch", tail);
        OnnxValue modelState = g.AddInput("model_state", "batch", layers, hidden);
        OnnxValue? cache = lookAhead > 0 ? g.AddInput("spectrum_cache", "batch", lookAhead, bins, 2) : null;
        OnnxValue sumState = g.AddInput("synthesis_sum", "batch", tail);
        OnnxValue envelopeState = g.AddInput("synthesis_envelope", "batch", tail);
        OnnxValue? clipLevel = declip ? g.AddInput("clip_level", "batch", 1) : null;
        OnnxValue? peak = declip ? g.AddInput("peak", "batch", 1) : null;

        // Analysis: the held input and this chunk, framed without centring; its last n_fft − hop samples wait for the next call.
        OnnxValue buffer = g.Concat(1, analysis, audio);                                   // [batch, tail + samples]
        g.AddOutput(g.Slice(buffer, [-tail], [long.MaxValue], [1]), "next_analysis", "batch", tail);
        var (re, im) = Dft(g, g.Unsqueeze(buffer, 1), stft);                               // [batch, bins, frames]
        OnnxValue spectrum = g.Concat(3, g.Unsqueeze(g.Transpose(re, 0, 2, 1), 3), g.Unsqueeze(g.Transpose(im, 0, 2, 1), 3));  // [batch, frames, bins, 2]

        var inputs = new Dictionary<string, OnnxValue> { ["spectrum"] = spectrum, ["state"] = g.Transpose(modelState, 1, 0, 2) };
        if (cache is OnnxValue c)
            inputs["spectrum_cache"] = c;
        var outputs = g.Embed(model, inputs, "model/");
        g.AddOutput(g.Transpose(outputs["next_state"], 1, 0, 2), "next_model_state", "batch", layers, hidden);

        // The mask of call frame t belongs to frame t of cache + spectrum; the last L frames become the next cache.
        OnnxValue framesMasked = spectrum;
        if (cache is OnnxValue c2)
        {
            OnnxValue all = g.Concat(1, c2, spectrum);
            framesMasked = g.Slice(all, [0], [-lookAhead], [1]);
            g.AddOutput(g.Slice(all, [-lookAhead], [long.MaxValue], [1]), "next_spectrum_cache", "batch", lookAhead, bins, 2);
        }

        OnnxValue mask = outputs["mask"];
        OnnxValue xr = Part(g, framesMasked, 0), xi = Part(g, framesMasked, 1), mr = Part(g, mask, 0), mi = Part(g, mask, 1);
        OnnxValue yr = g.Sub(g.Mul(mr, xr), g.Mul(mi, xi)), yi = g.Add(g.Mul(mr, xi), g.Mul(mi, xr));   // [batch, frames, bins]

        // Synthesis: windowed inverse DFT and overlap-add onto the held tails, divided by the summed squared window.
        OnnxValue frames = InverseDft(g, g.Transpose(yr, 0, 2, 1), g.Transpose(yi, 0, 2, 1), stft);    // [batch, tail + samples]
        OnnxValue zeros = g.Op("ConstantOfShape", [g.Shape(audio)], ("value", FloatTensor(0f)));
        OnnxValue sum = g.Add(frames, g.Concat(1, sumState, zeros));
        OnnxValue envelope = g.Add(EnvelopeOf(g, framesMasked, stft), g.Concat(1, envelopeState, zeros));
        g.AddOutput(g.Slice(sum, [-tail], [long.MaxValue], [1]), "next_synthesis_sum", "batch", tail);
        g.AddOutput(g.Slice(envelope, [-tail], [long.MaxValue], [1]), "next_synthesis_envelope", "batch", tail);
        OnnxValue covered = g.Op("Greater", [envelope, g.Scalar("envelope_floor", 1e-11f)]);
        OnnxValue safe = g.Op("Where", [covered, envelope, g.Scalar("one", 1f)]);
        OnnxValue restored = g.Op("Where", [covered, g.Div(sum, safe), g.Scalar("zero", 0f)]);
        restored = g.Slice(restored, [0], [-tail], [1]);                                   // [batch, samples]

        if (declip)
        {
            // The output sample n stands for buffer sample n (the stream's delay): unclipped ones are kept, clipped ones
            // keep their sign and are at least the level.
            OnnxValue input = g.Slice(buffer, [0], [-tail], [1]);
            OnnxValue nextPeak = g.Op("Max", [peak!.Value, g.Op("ReduceMax", [g.Op("Abs", [audio])], ("axes", new long[] { 1 }), ("keepdims", 1L))]);
            g.AddOutput(nextPeak, "next_peak", "batch", 1);
            OnnxValue level = g.Op("Where", [g.Op("Greater", [clipLevel!.Value, g.Scalar("no_level", 0f)]), clipLevel!.Value, nextPeak]);
            OnnxValue clipped = g.Op("GreaterOrEqual", [g.Op("Abs", [input]), g.Mul(level, g.Scalar("tolerance", 1 - global::OnnxAudio.Restoration.ClipRepair.Tolerance))]);
            OnnxValue sign = g.Op("Sign", [input]);
            OnnxValue held = g.Mul(sign, g.Op("Max", [g.Mul(restored, sign), level]));
            restored = g.Op("Where", [clipped, held, input]);
        }

        g.AddOutput(restored, "restored", "batch", "samples");
        return g;
    }

    /// <summary>
    /// <c>waveform</c> [batch, samples] → <c>codes</c> [batch, codebooks, latent_frames] (int64): zero-padded to whole code
    /// frames plus one, reflect-padded by n_fft/2, Hann STFT, the encoder. A bitstream at a lower rate sends the first
    /// codebooks (3, 6 or 12 of them for 1.5, 3 and 6 kbit/s with the shipped model).
    /// </summary>
    public static OnnxGraph CodecEncoder(byte[] model, ModelInfo info)
    {
        CodecSpec spec = CodecSpec.Read(info);
        int nFft = spec.NFft, hop = spec.HopLength, samplesPerFrame = spec.SamplesPerFrame;
        var g = Start(info, "waveform_codec_encoder");
        OnnxValue waveform = g.AddInput("waveform", "batch", "samples");
        // Zero padding to ⌈L / spf⌉·spf + spf samples: pad (spf − L mod spf) mod spf + spf at the end.
        OnnxValue length = g.Op("Shape", [waveform], ("start", 1L), ("end", 2L));
        OnnxValue spf = g.Int64s("samples_per_frame", samplesPerFrame);
        OnnxValue extra = g.Add(g.Op("Mod", [g.Sub(spf, g.Op("Mod", [length, spf])), spf]), spf);
        OnnxValue pads = g.Concat(0, g.Int64s("pad_begin", 0, 0), g.Int64s("pad_batch_end", 0), extra);
        OnnxValue padded = g.Op("Pad", [waveform, pads], ("mode", "constant"));
        if (spec.Signal == CodecSignal.Waveform)
        {
            // A waveform codec analyses the padded samples itself.
            var direct = g.Embed(model, new Dictionary<string, OnnxValue> { [CodecSpec.AudioName] = padded }, "model/");
            g.AddOutput(direct[CodecSpec.CodesName], "codes", OnnxElementType.Int64, "batch", spec.Codebooks, "latent_frames");
            return g;
        }

        var stft = new Stft(spec.Stft);
        OnnxValue signal = Pad(g, g.Unsqueeze(padded, 1), nFft / 2, "reflect");
        var (re, im) = Dft(g, signal, stft);
        OnnxValue spectrum = g.Concat(3, g.Unsqueeze(g.Transpose(re, 0, 2, 1), 3), g.Unsqueeze(g.Transpose(im, 0, 2, 1), 3));
        // Frames beyond whole code frames (the centred STFT gives one more) are not the encoder's.
        OnnxValue frameCount = g.Mul(g.Op("Div", [g.Add(length, extra), spf]), g.Int64s("frames_per_code", samplesPerFrame / hop));
        spectrum = g.Op("Slice", [spectrum, g.Int64s("zero", 0), frameCount, g.Int64s("axis_frames", 1)]);
        var outputs = g.Embed(model, new Dictionary<string, OnnxValue> { ["spectrum"] = spectrum }, "model/");
        g.AddOutput(outputs["codes"], "codes", OnnxElementType.Int64, "batch", spec.Codebooks, "latent_frames");
        return g;
    }

    /// <summary>
    /// <c>codes</c> [batch, n, latent_frames] (int64; the first n codebooks) → <c>waveform</c> [batch, latent_frames ×
    /// samples_per_frame]: the decoder (a magnitude codec's magnitudes given a phase by <see cref="PhaseGraph"/>), Hann
    /// inverse STFT with one silent frame after the last, the n_fft/2 lead removed.
    /// The first <c>original_length</c> samples (in the .oac header) are the signal; the rest is the encoder's padding.
    /// </summary>
    public static OnnxGraph CodecDecoder(byte[] model, ModelInfo info)
    {
        CodecSpec spec = CodecSpec.Read(info);
        int nFft = spec.NFft, samplesPerFrame = spec.SamplesPerFrame;
        var g = Start(info, "waveform_codec_decoder");
        OnnxValue codes = g.AddInput("codes", OnnxElementType.Int64, "batch", "codebooks", "latent_frames");
        var outputs = g.Embed(model, new Dictionary<string, OnnxValue> { ["codes"] = codes }, "model/");
        if (spec.Signal == CodecSignal.Waveform)
        {
            // A waveform codec synthesises in its own graph: code frame t is samples [t·spf, (t+1)·spf).
            g.AddOutput(outputs[CodecSpec.AudioName], "waveform", "batch", "samples");
            return g;
        }

        var stft = new Stft(spec.Stft);
        // [batch, frames, bins, 2]; a magnitude codec's phase comes from its magnitudes (PhaseGraph, in place of RTPGHI).
        OnnxValue spectrum = spec.Signal == CodecSignal.Magnitude
            ? PhaseGraph.Spectrum(g, outputs[CodecSpec.MagnitudeName], spec.Stft)
            : outputs[CodecSpec.SpectrumName];
        OnnxValue silent = g.Op("Mul", [g.Slice(spectrum, [0], [1], [1]), g.Scalar("silence", 0f)]);
        spectrum = g.Concat(1, spectrum, silent);
        OnnxValue re = g.Transpose(Part(g, spectrum, 0), 0, 2, 1), im = g.Transpose(Part(g, spectrum, 1), 0, 2, 1);
        OnnxValue sum = InverseDft(g, re, im, stft);
        OnnxValue envelope = EnvelopeOf(g, spectrum, stft);
        OnnxValue covered = g.Op("Greater", [envelope, g.Scalar("envelope_floor", 1e-11f)]);
        OnnxValue waveform = g.Op("Where", [covered, g.Div(sum, g.Op("Where", [covered, envelope, g.Scalar("one", 1f)])), g.Scalar("zero", 0f)]);
        // Drop the n_fft/2 lead of the centred timeline; keep latent_frames × samples_per_frame samples.
        OnnxValue latents = g.Op("Shape", [codes], ("start", 2L), ("end", 3L));
        OnnxValue end = g.Add(g.Mul(latents, g.Int64s("samples_per_frame", samplesPerFrame)), g.Int64s("lead", nFft / 2));
        waveform = g.Op("Slice", [waveform, g.Int64s("lead_start", nFft / 2), end, g.Int64s("axis_time", 1)]);
        g.AddOutput(waveform, "waveform", "batch", "samples");
        return g;
    }

    private static OnnxGraph Start(ModelInfo info, string kind)
    {
        var g = new OnnxGraph(kind);
        foreach (var (key, value) in info.All)
            g.Metadata[key] = value;
        g.Metadata["graph"] = kind;
        return g;
    }

    /// <summary>[batch, 1, time] → [batch, 1, time + 2·amount], padded on both sides of the time axis.</summary>
    private static OnnxValue Pad(OnnxGraph g, OnnxValue signal, int amount, string mode) =>
        g.Op("Pad", [signal, g.Int64s("pads", 0, 0, amount, 0, 0, amount)], ("mode", mode));

    /// <summary>Windowed DFT of every hop-spaced frame of [batch, 1, time]: real and imaginary parts [batch, bins, frames].</summary>
    private static (OnnxValue Re, OnnxValue Im) Dft(OnnxGraph g, OnnxValue signal, Stft stft)
    {
        int n = stft.NFft, bins = stft.Bins;
        ReadOnlySpan<float> window = stft.Window;
        var kernels = new float[2 * bins * n];
        for (int k = 0; k < bins; k++)
            for (int t = 0; t < n; t++)
            {
                double angle = 2 * Math.PI * ((long)k * t % n) / n;
                kernels[k * n + t] = (float)(window[t] * Math.Cos(angle));
                kernels[(bins + k) * n + t] = (float)(-window[t] * Math.Sin(angle));
            }

        OnnxValue weight = g.Initializer("dft_kernels", kernels, 2 * bins, 1, n);
        OnnxValue both = g.Op("Conv", [signal, weight], ("kernel_shape", new long[] { n }), ("strides", new long[] { stft.HopLength }));
        OnnxValue[] parts = g.AddNode("Split", [both, g.Int64s("split", bins, bins)], ["dft_real", "dft_imag"], ("axis", 1L));
        return (parts[0], parts[1]);
    }

    /// <summary>Windowed inverse real DFT of [batch, bins, frames] parts, overlap-added at hop spacing: [batch, (frames − 1)·hop + n_fft].</summary>
    private static OnnxValue InverseDft(OnnxGraph g, OnnxValue re, OnnxValue im, Stft stft)
    {
        int n = stft.NFft, bins = stft.Bins;
        ReadOnlySpan<float> window = stft.Window;
        var kernels = new float[2 * bins * n];
        for (int k = 0; k < bins; k++)
        {
            double weight = (k == 0 || 2 * k == n ? 1.0 : 2.0) / n;
            for (int t = 0; t < n; t++)
            {
                double angle = 2 * Math.PI * ((long)k * t % n) / n;
                kernels[k * n + t] = (float)(weight * Math.Cos(angle) * window[t]);
                kernels[(bins + k) * n + t] = (float)(-weight * Math.Sin(angle) * window[t]);
            }
        }

        OnnxValue w = g.Initializer("idft_kernels", kernels, 2 * bins, 1, n);
        OnnxValue output = g.Op("ConvTranspose", [g.Concat(1, re, im), w], ("kernel_shape", new long[] { n }), ("strides", new long[] { stft.HopLength }));
        return g.Squeeze(output, 1);
    }

    /// <summary>The summed squared synthesis window of as many frames as <paramref name="spectrum"/> [batch, frames, …] has: [1, (frames − 1)·hop + n_fft].</summary>
    private static OnnxValue EnvelopeOf(OnnxGraph g, OnnxValue spectrum, Stft stft)
    {
        int n = stft.NFft;
        var squared = new float[n];
        for (int t = 0; t < n; t++)
            squared[t] = stft.Window[t] * stft.Window[t];
        OnnxValue frames = g.Op("Shape", [spectrum], ("start", 1L), ("end", 2L));
        OnnxValue ones = g.Op("ConstantOfShape", [g.Concat(0, g.Int64s("one_one", 1, 1), frames)], ("value", FloatTensor(1f)));
        OnnxValue output = g.Op("ConvTranspose", [ones, g.Initializer("window_squared", squared, 1, 1, n)],
            ("kernel_shape", new long[] { n }), ("strides", new long[] { stft.HopLength }));
        return g.Squeeze(output, 1);
    }

    /// <summary>Part <paramref name="index"/> (0 real, 1 imaginary) of the last axis: [batch, frames, bins].</summary>
    private static OnnxValue Part(OnnxGraph g, OnnxValue complex, int index) =>
        g.Squeeze(g.Slice(complex, [index], [index + 1], [3]), 3);

    private static OnnxTensorAttribute FloatTensor(float value) => new(value);
}
