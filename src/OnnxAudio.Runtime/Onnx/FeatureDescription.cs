using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxAudio.Dsp;

namespace OnnxAudio.Onnx;

/// <summary>
/// The "features" metadata entry: every field of a model's <see cref="LogMelOptions"/> as JSON, so that the runtime
/// rebuilds the front end the model was trained with. Lossless: <c>Read(Write(o))</c> equals <c>o</c> in every field.
/// Fields a file leaves out (models exported before they were written) take <see cref="LogMelOptions"/>'s defaults,
/// which are what those models were trained with.
/// </summary>
public static class FeatureDescription
{
    public const string Kind = "log_mel";

    public static string Write(LogMelOptions o) => new JsonObject
    {
        ["kind"] = Kind,
        ["n_fft"] = o.NFft,
        ["hop_length"] = o.HopLength,
        ["win_length"] = o.WinLength,
        ["window"] = Name(o.Window),
        ["center"] = o.Center,
        ["pad_mode"] = Name(o.PadMode),
        ["n_mels"] = o.NMels,
        ["f_min"] = o.FMin,
        ["f_max"] = o.FMax,
        ["mel_scale"] = Name(o.Scale),
        ["norm"] = Name(o.Normalization),
        ["spectrum"] = Name(o.Spectrum),
        ["log"] = o.Log == LogCompression.Decibels ? "db" : Name(o.Log),
        ["log_floor"] = o.LogFloor,
        ["level_reference"] = Name(o.Reference),
        ["dynamic_range_db"] = o.DynamicRangeDb,
        ["layout"] = "batch, mels, frames",
    }.ToJsonString();

    /// <summary>Parses a features entry; <paramref name="model"/> names the file in errors.</summary>
    public static LogMelOptions Read(string json, int sampleRate, string model)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            JsonElement f = doc.RootElement;
            string kind = f.GetProperty("kind").GetString() ?? "";
            if (kind != Kind)
                throw new OnnxAudioException($"{model}: unknown feature kind '{kind}' ({Kind})");
            var defaults = new LogMelOptions();
            return new LogMelOptions
            {
                SampleRate = sampleRate,
                NFft = f.GetProperty("n_fft").GetInt32(),
                HopLength = f.GetProperty("hop_length").GetInt32(),
                WinLength = f.TryGetProperty("win_length", out JsonElement w) ? w.ValueKind == JsonValueKind.Number ? w.GetInt32() : null : defaults.WinLength,
                Window = Enum(f, "window", defaults.Window, model),
                Center = f.TryGetProperty("center", out JsonElement c) ? c.GetBoolean() : defaults.Center,
                PadMode = Enum(f, "pad_mode", defaults.PadMode, model),
                NMels = f.GetProperty("n_mels").GetInt32(),
                FMin = f.TryGetProperty("f_min", out JsonElement fmin) ? fmin.GetDouble() : defaults.FMin,
                FMax = f.TryGetProperty("f_max", out JsonElement fmax) && fmax.ValueKind == JsonValueKind.Number ? fmax.GetDouble() : null,
                Scale = Enum(f, "mel_scale", defaults.Scale, model),
                Normalization = Enum(f, "norm", defaults.Normalization, model),
                Spectrum = Enum(f, "spectrum", defaults.Spectrum, model),
                Log = f.TryGetProperty("log", out JsonElement l) && l.GetString() == "db" ? LogCompression.Decibels : Enum(f, "log", defaults.Log, model),
                LogFloor = f.TryGetProperty("log_floor", out JsonElement floor) ? floor.GetSingle() : defaults.LogFloor,
                Reference = Enum(f, "level_reference", defaults.Reference, model),
                DynamicRangeDb = f.TryGetProperty("dynamic_range_db", out JsonElement range) ? range.GetDouble() : defaults.DynamicRangeDb,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new OnnxAudioException($"{model}: the model's feature settings are unreadable: {e.Message}", e);
        }
    }

    /// <summary>An enum value as snake_case: SqrtHann → "sqrt_hann".</summary>
    public static string Name<T>(T value) where T : struct, System.Enum =>
        string.Concat(value.ToString().Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(ch) : ch.ToString()));

    /// <summary>The enum value named <paramref name="text"/> in snake_case, or an error naming the model and the choices.</summary>
    public static T Parse<T>(string text, string what, string model) where T : struct, System.Enum
    {
        foreach (T value in System.Enum.GetValues<T>())
            if (Name(value) == text)
                return value;
        throw new OnnxAudioException($"{model}: unknown {what} '{text}' ({string.Join(", ", System.Enum.GetValues<T>().Select(v => Name(v)))})");
    }

    private static T Enum<T>(JsonElement f, string key, T fallback, string model) where T : struct, System.Enum =>
        f.TryGetProperty(key, out JsonElement e) ? Parse<T>(e.GetString() ?? "", key, model) : fallback;
}
