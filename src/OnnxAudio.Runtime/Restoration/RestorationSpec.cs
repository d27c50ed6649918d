using OnnxAudio.Dsp;
using OnnxAudio.Onnx;

namespace OnnxAudio.Restoration;

/// <summary>
/// What a restoration model is: the repair it makes, the causal STFT it masks (sqrt-Hann analysis and synthesis), its
/// recurrent state, look-ahead and mask bound. Training writes it at export, <see cref="Restorer"/> reads it.
/// </summary>
public sealed record RestorationSpec : ModelSpec
{
    public const string TaskName = "restoration";
    public const string KindKey = "restoration", NFftKey = "n_fft", HopKey = "hop_length", WindowKey = "window",
        StateShapeKey = "state_shape", LookAheadKey = "look_ahead_frames", MaskBoundKey = "mask_bound", ClipConsistencyKey = "clip_consistency";

    /// <summary>The most frames a model may look ahead (each adds a hop of latency).</summary>
    public const int MaxLookAheadFrames = 8;

    public override string Task => TaskName;

    public required RestorationKind Kind { get; init; }

    public required int NFft { get; init; }

    public required int HopLength { get; init; }

    /// <summary>Recurrent state: layers × hidden units.</summary>
    public required int StateLayers { get; init; }

    public required int StateHidden { get; init; }

    /// <summary>Frames the model sees beyond the one it masks (0: fully causal).</summary>
    public int LookAheadFrames { get; init; }

    /// <summary>The bound on the mask's magnitude (for information; the graph applies it).</summary>
    public double? MaskBound { get; init; }

    /// <summary>Declipping: the runtime puts back every unclipped sample after synthesis.</summary>
    public bool ClipConsistency { get; init; }

    /// <summary>The STFT the model works on: causal framing, sqrt-Hann windows.</summary>
    public StftOptions Stft => new() { NFft = NFft, HopLength = HopLength, Window = WindowFunction.SqrtHann, Center = false };

    public override void WriteTo(IDictionary<string, string> metadata)
    {
        base.WriteTo(metadata);
        metadata[KindKey] = FeatureDescription.Name(Kind);
        metadata[NFftKey] = Text(NFft);
        metadata[HopKey] = Text(HopLength);
        metadata[WindowKey] = FeatureDescription.Name(WindowFunction.SqrtHann);
        metadata[StateShapeKey] = $"{Text(StateLayers)},{Text(StateHidden)}";
        metadata[LookAheadKey] = Text(LookAheadFrames);
        if (MaskBound is double bound)
            metadata[MaskBoundKey] = Text(bound);
        metadata[ClipConsistencyKey] = ClipConsistency ? "true" : "false";
    }

    public static RestorationSpec Read(ModelInfo m)
    {
        RequireTask(m, TaskName);
        string window = m.GetRequired(WindowKey);
        if (window != FeatureDescription.Name(WindowFunction.SqrtHann))
            throw new OnnxAudioException($"{m.Name}: unsupported analysis window '{window}' (sqrt_hann)");
        int nFft = Int(m, NFftKey, 2, 1 << 16), hop = Int(m, HopKey, 1, 1 << 16);
        if (hop > nFft)
            throw new OnnxAudioException($"{m.Name}: hop_length {hop} exceeds n_fft {nFft}");
        string[] state = m.GetRequired(StateShapeKey).Split(',');
        if (state.Length != 2 || !int.TryParse(state[0], System.Globalization.CultureInfo.InvariantCulture, out int layers) ||
            !int.TryParse(state[1], System.Globalization.CultureInfo.InvariantCulture, out int hidden) || layers < 1 || hidden < 1)
            throw new OnnxAudioException($"{m.Name}: invalid state_shape '{m.Get(StateShapeKey)}' (layers,hidden)");
        return new RestorationSpec
        {
            SampleRate = m.SampleRate,
            Parameters = OptionalLong(m, ParametersKey),
            Kind = FeatureDescription.Parse<RestorationKind>(m.GetRequired(KindKey), "restoration", m.Name),
            NFft = nFft,
            HopLength = hop,
            StateLayers = layers,
            StateHidden = hidden,
            LookAheadFrames = m.Get(LookAheadKey) is null ? 0 : Int(m, LookAheadKey, 0, MaxLookAheadFrames),
            MaskBound = m.Get(MaskBoundKey) is null ? null : OptionalDouble(m, MaskBoundKey, 0),
            ClipConsistency = m.Get(ClipConsistencyKey) == "true",
        };
    }
}
