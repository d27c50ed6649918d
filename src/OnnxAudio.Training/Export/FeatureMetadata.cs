using System.Text.Json;
using OnnxAudio.Dsp;

namespace OnnxAudio.Training.Export;

/// <summary>The "features" metadata entry that lets the runtime rebuild a model's log-mel front end (see ModelInfo).</summary>
public static class FeatureMetadata
{
    public static string LogMel(LogMelOptions o) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["kind"] = "log_mel",
        ["n_fft"] = o.NFft,
        ["hop_length"] = o.HopLength,
        ["win_length"] = o.WinLength,
        ["n_mels"] = o.NMels,
        ["f_min"] = o.FMin,
        ["f_max"] = o.FMax,
        ["mel_scale"] = o.Scale == MelScale.Htk ? "htk" : "slaney",
        ["norm"] = o.Normalization == MelNormalization.None ? "none" : "slaney",
        ["log"] = o.Log == LogCompression.Decibels ? "db" : "natural",
        ["log_floor"] = o.LogFloor,
        ["layout"] = "batch, mels, frames",
    });
}
