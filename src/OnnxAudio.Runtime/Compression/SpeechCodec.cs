using System.Buffers;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Audio;
using OnnxAudio.Dsp;
using OnnxAudio.Onnx;

namespace OnnxAudio.Compression;

/// <summary>
/// The OnnxAudio neural speech codec: an encoder model turns STFT frames into residual-VQ codes (the quantiser runs in
/// the encoder graph, so codes come out as integers), the codes go into an .oac bitstream (<see cref="BitstreamHeader"/>),
/// and a decoder model turns codes back into spectra that the runtime's inverse STFT resynthesises. Lower bitrates send
/// fewer codebooks of the same model. Long audio is processed in blocks with overlapping context, in constant memory,
/// with the same result as processing it whole. Thread-safe; dispose to free the sessions.
/// </summary>
public sealed class SpeechCodec : IDisposable
{
    public const string Task = "compression";
    private const int BlockLatents = BitstreamHeader.FramesPerBlock;
    /// <summary>Latent frames of context on each side of a block (the networks' receptive field is far smaller).</summary>
    private const int ContextLatents = 16;

    private readonly ModelSession? _encoder;
    private readonly ModelSession _decoder;
    private readonly CodeTables? _tables;
    private readonly CodecSignalPath _path;

    private SpeechCodec(ModelSession? encoder, ModelSession decoder)
    {
        _encoder = encoder;
        _decoder = decoder;
        ModelInfo d = decoder.Metadata;
        Spec = CodecSpec.Read(d);
        if (Spec.Role != CodecRole.Decoder)
            throw new OnnxAudioException($"{d.Name}: not a codec decoder (codec_role '{d.Get(CodecSpec.RoleKey)}')");
        decoder.RequireSignature([CodecSpec.CodesName], [Spec.DecoderOutputName]);
        if (Spec.UsesStft && Spec.NFft != 2 * Spec.SamplesPerFrame)
            throw new OnnxAudioException($"{d.Name}: this runtime expects n_fft = 2 × samples per code frame (got {Spec.NFft} and {Spec.SamplesPerFrame})");
        _tables = CodeTables.FromMetadata(Spec.CodeFrequencies, Codebooks, CodebookSize);
        _path = CodecSignalPath.For(Spec);
        if (encoder is not null)
        {
            ModelInfo e = encoder.Metadata;
            CodecSpec encoderSpec = CodecSpec.Read(e);
            if (encoderSpec.Role != CodecRole.Encoder)
                throw new OnnxAudioException($"{e.Name}: not a codec encoder (codec_role '{e.Get(CodecSpec.RoleKey)}')");
            if (encoderSpec.ModelId != ModelIdText)
                throw new ModelMismatchException($"{e.Name} and {d.Name} are halves of different codec models ({encoderSpec.ModelId} vs {ModelIdText})");
            if (encoderSpec with { Role = CodecRole.Decoder, Parameters = Spec.Parameters } != Spec)
                throw new ModelMismatchException($"{e.Name} and {d.Name} describe their codec differently (rate, codebooks or signal)");
            encoder.RequireSignature([Spec.EncoderInputName], [CodecSpec.CodesName]);
        }
    }

    /// <summary>The codec's identity, codebooks, code rate, signal path and coder tables, from the decoder's metadata.</summary>
    public CodecSpec Spec { get; }

    public int SampleRate => Spec.SampleRate;

    /// <summary>Codebooks the model has; a bitstream sends the first n of them.</summary>
    public int Codebooks => Spec.Codebooks;

    public int CodebookSize => Spec.CodebookSize;

    public int BitsPerCode => Spec.BitsPerCode;

    /// <summary>Audio samples per code frame (320 at 16 kHz: 50 frames per second).</summary>
    public int SamplesPerFrame => Spec.SamplesPerFrame;

    public double FramesPerSecond => SampleRate / (double)SamplesPerFrame;

    /// <summary>The identity bitstreams carry: the model's SHA-256-based id (its first 8 hex digits as a number).</summary>
    public uint ModelId => Spec.BitstreamId;

    public string ModelIdText => Spec.ModelId;

    public bool CanEncode => _encoder is not null;

    /// <summary>The provider the sessions run on.</summary>
    public ExecutionProvider Provider => _decoder.Provider;

    /// <summary>The range coder's tables from the model's metadata (null: the model ships none; blocks are packed).</summary>
    internal CodeTables? Tables => _tables;

    /// <summary>Payload bitrate in kbit/s when sending <paramref name="codebooks"/> codebooks.</summary>
    public double Kbps(int codebooks) => codebooks * BitsPerCode * FramesPerSecond / 1000;

    /// <summary>The codebook count whose payload rate is <paramref name="kbps"/> (1.5, 3 and 6 with the shipped model).</summary>
    public int CodebooksFor(double kbps)
    {
        for (int n = 1; n <= Codebooks; n++)
            if (Math.Abs(Kbps(n) - kbps) < 1e-6)
                return n;
        throw new OnnxAudioException(string.Create(CultureInfo.InvariantCulture,
            $"{kbps} kbit/s is not a rate of this codec; it offers {string.Join(", ", Enumerable.Range(1, Codebooks).Select(n => Kbps(n).ToString("0.##", CultureInfo.InvariantCulture)))} kbit/s"));
    }

    /// <summary>Loads both halves: <c>stem.encoder.onnx</c> and <c>stem.decoder.onnx</c> (give either file or the stem).</summary>
    public static SpeechCodec Load(string path, InferenceOptions? options = null)
    {
        var (encoder, decoder) = Paths(path);
        return Load(encoder, decoder, options);
    }

    public static SpeechCodec Load(string encoderPath, string decoderPath, InferenceOptions? options = null)
    {
        ModelSession decoder = ModelSession.Load(decoderPath, options, Task);
        ModelSession? encoder = null;
        try
        {
            encoder = ModelSession.Load(encoderPath, options, Task);
            return WarmedUp(new SpeechCodec(encoder, decoder));
        }
        catch
        {
            encoder?.Dispose();
            decoder.Dispose();
            throw;
        }
    }

    /// <summary>Loads only the decoder (an app that plays .oac files needs nothing else).</summary>
    public static SpeechCodec LoadDecoder(string decoderPath, InferenceOptions? options = null)
    {
        ModelSession decoder = ModelSession.Load(decoderPath, options, Task);
        try
        {
            return WarmedUp(new SpeechCodec(null, decoder));
        }
        catch
        {
            decoder.Dispose();
            throw;
        }
    }

    private static SpeechCodec WarmedUp(SpeechCodec codec)
    {
        if (codec._decoder.Options.WarmUp)
            codec.WarmUp();
        return codec;
    }

    /// <summary>
    /// Runs the encoder (when loaded) and the decoder once on a short silence at the highest rate, so that the first real
    /// call does not pay for ONNX Runtime's first-run allocations (<see cref="InferenceOptions.WarmUp"/> does this at load).
    /// </summary>
    public void WarmUp()
    {
        const int latents = 4;
        if (_encoder is not null)
            Decompress(Compress(new float[latents * SamplesPerFrame], Codebooks));
        else
            RunDecoder(new int[latents * Codebooks], latents, Codebooks).Dispose();
    }

    /// <summary>codec / codec.onnx / codec.encoder.onnx / codec.decoder.onnx → the two files.</summary>
    public static (string Encoder, string Decoder) Paths(string path)
    {
        string stem = path;
        foreach (string suffix in new[] { ".encoder.onnx", ".decoder.onnx", ".onnx" })
            if (stem.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                stem = stem[..^suffix.Length];
                break;
            }

        return ($"{stem}.encoder.onnx", $"{stem}.decoder.onnx");
    }

    /// <summary>
    /// Compresses audio (any other format than mono at <see cref="SampleRate"/> is converted to it) into
    /// <paramref name="output"/>, block by block. With <paramref name="entropyCoding"/> each block is range-coded when that
    /// is smaller (the file then falls below the nominal rate). Progress reports samples read.
    /// </summary>
    public BitstreamHeader Compress(IAudioSource source, Stream output, int codebooks, bool entropyCoding = false,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(output);
        ModelSession encoder = _encoder ?? throw new InvalidOperationException("This codec was loaded without its encoder.");
        // Any source is down-mixed and resampled to the model's format; the caller owns it, the wrappers hold nothing.
        source = source.ToMono().ResampleTo(SampleRate);
        if (codebooks < 1 || codebooks > Codebooks)
            throw new ArgumentOutOfRangeException(nameof(codebooks), codebooks, $"The model has {Codebooks} codebooks.");

        using var writer = new BlockSink(this, codebooks, entropyCoding ? _tables : null);
        var analysis = new PaddedSignal(SamplesPerFrame);
        float[] read = new float[1 << 15];
        long nextLatent = 0;
        int n;
        while ((n = source.Read(read)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            analysis.Append(read.AsSpan(0, n));
            progress?.Report(analysis.Length);
            // Encode whole blocks once their right context has arrived.
            while (analysis.AvailableSamples >= (nextLatent + BlockLatents + ContextLatents + 2) * SamplesPerFrame + _path.Margin)
            {
                EncodeLatents(encoder, analysis, nextLatent, BlockLatents, codebooks, writer);
                nextLatent += BlockLatents;
                analysis.DiscardBefore(Math.Max(0, (nextLatent - ContextLatents) * SamplesPerFrame - _path.Margin));
            }
        }

        analysis.End();
        long totalLatents = analysis.PaddedLength / SamplesPerFrame;
        while (nextLatent < totalLatents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = (int)Math.Min(BlockLatents, totalLatents - nextLatent);
            EncodeLatents(encoder, analysis, nextLatent, count, codebooks, writer);
            nextLatent += count;
        }

        var header = new BitstreamHeader(ModelId, SampleRate, 1, codebooks, BitsPerCode, SamplesPerFrame, totalLatents, analysis.Length);
        writer.Finish(header, output);
        return header;
    }

    /// <summary>
    /// Decodes an .oac stream, writing mono samples at <see cref="SampleRate"/> to <paramref name="writeOutput"/> (exactly
    /// the original length, time-aligned). Damaged, truncated or foreign files raise <see cref="BitstreamException"/> or
    /// <see cref="ModelMismatchException"/> naming <paramref name="name"/> and the position.
    /// </summary>
    public BitstreamHeader Decompress(Stream input, string name, Action<ReadOnlySpan<float>> writeOutput,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(writeOutput);
        var reader = new BlockSource(this, input, name);
        BitstreamHeader header = reader.Header;
        if (header.ModelId != ModelId)
            throw new ModelMismatchException(string.Create(CultureInfo.InvariantCulture,
                $"{name}: encoded by codec model {header.ModelId:x8}, but this is model {ModelId:x8} ({_decoder.Metadata.Name}); decode it with the model that wrote it"));
        if (header.SampleRate != SampleRate || header.SamplesPerFrame != SamplesPerFrame || header.BitsPerCode != BitsPerCode || header.Codebooks > Codebooks)
            throw new BitstreamException($"{name}: the header does not fit this model ({header.SampleRate} Hz, " +
                $"{header.SamplesPerFrame} samples per frame, {header.Codebooks} codebooks of {header.BitsPerCode} bits)");

        CodecSignalPath.Synthesis synthesis = _path.Start(header.OriginalLength, writeOutput);
        for (long first = 0; first < header.FrameCount; first += BlockLatents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = (int)Math.Min(BlockLatents, header.FrameCount - first);
            long from = Math.Max(0, first - ContextLatents), to = Math.Min(header.FrameCount, first + count + ContextLatents);
            int[] codes = reader.Codes(from, to);
            using (var decoded = RunDecoder(codes, (int)(to - from), header.Codebooks))
                synthesis.Accept(decoded[0].GetTensorDataAsSpan<float>(), (int)(first - from), count);
            reader.Release(first + count - ContextLatents);
            progress?.Report(Math.Min(header.OriginalLength, (first + count) * SamplesPerFrame));
        }

        if (synthesis.Finish() < header.OriginalLength)
            throw new BitstreamException($"{name}: {header.FrameCount} frames cannot hold the {header.OriginalLength} samples the header promises");
        reader.EnsureFullyRead();
        return header;
    }

    /// <summary>The header of a bitstream (checked, but no blocks read): duration, rate and model, e.g. for a progress bar.</summary>
    public BitstreamHeader ReadHeader(Stream input, string name) => new BlockSource(this, input, name).Header;

    /// <summary>The header and every code (frame-major: frames × codebooks) of a bitstream, checked as in decoding.</summary>
    public (BitstreamHeader Header, int[] Codes) ReadCodes(Stream input, string name)
    {
        var reader = new BlockSource(this, input, name);
        int[] codes = reader.Codes(0, reader.Header.FrameCount);
        reader.EnsureFullyRead();
        return (reader.Header, codes);
    }

    /// <summary>Convenience: compresses a whole signal into .oac bytes.</summary>
    public byte[] Compress(ReadOnlySpan<float> samples, int codebooks, bool entropyCoding = false, CancellationToken cancellationToken = default)
    {
        using var source = new MemoryAudioSource(samples.ToArray(), new AudioFormat(SampleRate, 1));
        using var output = new MemoryStream();
        Compress(source, output, codebooks, entropyCoding, cancellationToken: cancellationToken);
        return output.ToArray();
    }

    /// <summary>Convenience: decodes .oac bytes into samples.</summary>
    public float[] Decompress(byte[] bitstream, string name = "bitstream", CancellationToken cancellationToken = default)
    {
        var samples = new ArrayBufferWriter<float>();
        using var input = new MemoryStream(bitstream, writable: false);
        Decompress(input, name, s => samples.Write(s), cancellationToken: cancellationToken);
        return samples.WrittenSpan.ToArray();
    }

    public void Dispose()
    {
        _encoder?.Dispose();
        _decoder.Dispose();
    }

    private void EncodeLatents(ModelSession encoder, PaddedSignal signal, long first, int count, int codebooks, BlockSink writer)
    {
        long total = signal.Ended ? signal.PaddedLength / SamplesPerFrame : long.MaxValue;
        long from = Math.Max(0, first - ContextLatents), to = Math.Min(total, first + count + ContextLatents);
        int latents = (int)(to - from);
        using var outputs = _path.Encode(encoder.Session, signal, from, latents);
        ReadOnlySpan<long> all = outputs[0].GetTensorDataAsSpan<long>(); // [1, Codebooks, latents]
        int offset = (int)(first - from);
        for (int t = 0; t < count; t++)
            for (int c = 0; c < codebooks; c++)
                writer.Add((int)all[c * latents + offset + t]);
    }

    /// <summary>The decoder's output (spectrum [1, frames, bins, 2], magnitude [1, frames, bins] or audio [1, samples]) for frame-major codes; the caller disposes it.</summary>
    private IDisposableReadOnlyCollection<OrtValue> RunDecoder(int[] codes, int latents, int codebooks)
    {
        // codes arrive frame-major [latents, codebooks]; the graph wants [1, codebooks, latents].
        long[] input = ArrayPool<long>.Shared.Rent(codebooks * latents);
        try
        {
            for (int t = 0; t < latents; t++)
                for (int c = 0; c < codebooks; c++)
                    input[c * latents + t] = codes[t * codebooks + c];
            using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, codebooks * latents), [1, codebooks, latents]);
            using var runOptions = new RunOptions();
            return _decoder.Session.Run(runOptions, [CodecSpec.CodesName], [value], [Spec.DecoderOutputName]);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(input);
        }
    }
}
