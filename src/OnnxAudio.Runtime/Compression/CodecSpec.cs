using System.Globalization;
using OnnxAudio.Dsp;
using OnnxAudio.Onnx;

namespace OnnxAudio.Compression;

/// <summary>Which half of a codec a graph is.</summary>
public enum CodecRole
{
    Encoder,
    Decoder,
}

/// <summary>
/// Where a codec family's graphs meet the signal — the seam new families plug into. <see cref="Spectrum"/>: the encoder
/// takes STFT frames and the decoder gives STFT frames that the runtime's inverse STFT resynthesises (Hann, centred).
/// <see cref="Waveform"/>: both graphs take and give samples (the decoder synthesises in the graph: a vocoder, LPC or
/// harmonic-plus-noise synthesis, a transposed-convolution decoder). <see cref="Magnitude"/>: the encoder takes STFT
/// frames and the decoder gives STFT magnitudes only; the runtime gives them a phase (<see cref="Dsp.PhaseReconstruction"/>)
/// before the inverse STFT.
/// </summary>
public enum CodecSignal
{
    Spectrum,
    Waveform,
    Magnitude,
}

/// <summary>
/// What a codec model is: its identity (bitstreams name it), its codebooks, its code rate, how its graphs meet the
/// signal and its range coder's tables. Training writes it into both halves at export, <see cref="SpeechCodec"/> reads it.
/// </summary>
public sealed record CodecSpec : ModelSpec
{
    public const string TaskName = "compression";
    public const string RoleKey = "codec_role", ModelIdKey = "model_id", CodebooksKey = "codebooks", CodebookSizeKey = "codebook_size",
        SignalKey = "codec_signal", SamplesPerCodeKey = "samples_per_code", FramesPerCodeKey = "frames_per_code", NFftKey = "n_fft",
        HopKey = "hop_length", WindowKey = "window", FamilyKey = "codec_family", CodeFrequenciesKey = "code_frequencies";

    /// <summary>The graphs' input and output names for each kind of signal.</summary>
    public const string CodesName = "codes", SpectrumName = "spectrum", AudioName = "audio", MagnitudeName = "magnitude";

    public override string Task => TaskName;

    public required CodecRole Role { get; init; }

    /// <summary>16 hex digits of a hash over the weights; a bitstream carries the first 8 as a number.</summary>
    public required string ModelId { get; init; }

    public required int Codebooks { get; init; }

    public required int CodebookSize { get; init; }

    /// <summary>Audio samples per code frame (320 at 16 kHz: 50 frames per second).</summary>
    public required int SamplesPerFrame { get; init; }

    public CodecSignal Signal { get; init; } = CodecSignal.Spectrum;

    /// <summary>For codecs on STFT frames (<see cref="UsesStft"/>): FFT size and hop (SamplesPerFrame is a whole number of hops).</summary>
    public int NFft { get; init; }

    public int HopLength { get; init; }

    /// <summary>The model family's name, for information ("spectral-rvq", …).</summary>
    public string? Family { get; init; }

    /// <summary>The range coder's static tables, base64 (see <see cref="CodeTables"/>); null: blocks are packed.</summary>
    public string? CodeFrequencies { get; init; }

    public int BitsPerCode => (int)Math.Ceiling(Math.Log2(CodebookSize));

    /// <summary>The first 8 hex digits of <see cref="ModelId"/>, the number a bitstream header carries.</summary>
    public uint BitstreamId => uint.Parse(ModelId[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public StftOptions Stft => new() { NFft = NFft, HopLength = HopLength, Window = WindowFunction.Hann, Center = false };

    /// <summary>Whether the graphs meet the signal as STFT frames (the runtime analyses, and synthesises with <see cref="Stft"/>).</summary>
    public bool UsesStft => Signal != CodecSignal.Waveform;

    /// <summary>What the encoder graph takes.</summary>
    public string EncoderInputName => UsesStft ? SpectrumName : AudioName;

    /// <summary>What the decoder graph gives.</summary>
    public string DecoderOutputName => Signal switch
    {
        CodecSignal.Spectrum => SpectrumName,
        CodecSignal.Magnitude => MagnitudeName,
        _ => AudioName,
    };

    public override void WriteTo(IDictionary<string, string> metadata)
    {
        base.WriteTo(metadata);
        metadata[RoleKey] = FeatureDescription.Name(Role);
        metadata[ModelIdKey] = ModelId;
        metadata[CodebooksKey] = Text(Codebooks);
        metadata[CodebookSizeKey] = Text(CodebookSize);
        metadata[SignalKey] = FeatureDescription.Name(Signal);
        metadata[SamplesPerCodeKey] = Text(SamplesPerFrame);
        if (UsesStft)
        {
            metadata[NFftKey] = Text(NFft);
            metadata[HopKey] = Text(HopLength);
            metadata[WindowKey] = FeatureDescription.Name(WindowFunction.Hann);
            metadata[FramesPerCodeKey] = Text(SamplesPerFrame / HopLength);
        }

        if (Family is not null)
            metadata[FamilyKey] = Family;
        if (CodeFrequencies is not null)
            metadata[CodeFrequenciesKey] = CodeFrequencies;
    }

    public static CodecSpec Read(ModelInfo m)
    {
        RequireTask(m, TaskName);
        CodecRole role = FeatureDescription.Parse<CodecRole>(m.GetRequired(RoleKey), "codec role", m.Name);
        string id = m.GetRequired(ModelIdKey);
        if (id.Length < 8 || !uint.TryParse(id[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _))
            throw new OnnxAudioException($"{m.Name}: invalid model_id '{id}'");
        // Models exported before the signal was named are spectrum codecs described by frames_per_code × hop_length.
        CodecSignal signal = m.Get(SignalKey) is string s ? FeatureDescription.Parse<CodecSignal>(s, "codec signal", m.Name) : CodecSignal.Spectrum;
        int nFft = 0, hop = 0, samplesPerFrame;
        if (signal != CodecSignal.Waveform)
        {
            if (m.GetRequired(WindowKey) != FeatureDescription.Name(WindowFunction.Hann))
                throw new OnnxAudioException($"{m.Name}: unsupported window '{m.Get(WindowKey)}' (hann)");
            nFft = Int(m, NFftKey, 2, 1 << 16);
            hop = Int(m, HopKey, 1, nFft);
            samplesPerFrame = hop * Int(m, FramesPerCodeKey, 1, 1 << 10);
            if (m.Get(SamplesPerCodeKey) is not null && Int(m, SamplesPerCodeKey, 1, 1 << 20) != samplesPerFrame)
                throw new OnnxAudioException($"{m.Name}: samples_per_code {m.Get(SamplesPerCodeKey)} is not frames_per_code × hop_length ({samplesPerFrame})");
        }
        else
        {
            samplesPerFrame = Int(m, SamplesPerCodeKey, 1, 1 << 20);
        }

        return new CodecSpec
        {
            SampleRate = m.SampleRate,
            Parameters = OptionalLong(m, ParametersKey),
            Role = role,
            ModelId = id,
            Codebooks = Int(m, CodebooksKey, 1, 64),
            CodebookSize = Int(m, CodebookSizeKey, 2, 1 << 16),
            SamplesPerFrame = samplesPerFrame,
            Signal = signal,
            NFft = nFft,
            HopLength = hop,
            Family = m.Get(FamilyKey),
            CodeFrequencies = m.Get(CodeFrequenciesKey),
        };
    }
}
