using System.Globalization;
using OnnxAudio.Dsp;
using OnnxAudio.Evaluation;

namespace OnnxAudio.Training.Data;

/// <summary>
/// Decides whether a recording is clean speech, and prepares it: silence trimmed at both ends, peak normalised to
/// −1 dBFS. A clip is left out when it is
/// <list type="bullet">
/// <item>too short (under 0.3 s of sound) or too long (over 20 s: stories and songs, not utterances);</item>
/// <item>clipped: 0.1 % or more of its samples stand in flat runs of 3 or more at its peak (an overdriven recorder);</item>
/// <item>noisy: even the quietest 20 ms frame is within 30 dB of the 95th-percentile frame (no quiet moment at all
/// means music, a bed of noise or an effect);</item>
/// <item>tonal: a held note, 0.5 s or more of consecutive frames with near-identical spectra (cosine ≥ 0.97 between
/// neighbouring 32 ms magnitude spectra) — singing, whistles, beeps; speech changes its spectrum every few frames.</item>
/// </list>
/// </summary>
public static class SpeechClipFilter
{
    public const string Rule =
        "left out: under 0.3 s or over 20 s of sound; >= 0.1 % of samples in flat runs (>= 3) at the peak (clipped); " +
        "quietest 20 ms frame within 30 dB of the 95th-percentile frame (no quiet floor: music, noise bed, effect); " +
        ">= 0.5 s of consecutive 32 ms frames with near-identical spectra (cosine >= 0.97: singing, tones); " +
        "kept clips are trimmed of silence (frames 40 dB under the loudest) and normalised to -1 dBFS peak";

    private const int SampleRate = 16000;

    /// <summary>The cleaned clip, or null with the reason it was left out.</summary>
    public static float[]? Clean(float[] samples, out string? reason)
    {
        reason = Check(samples);
        if (reason is not null)
            return null;
        float[] trimmed = CorpusGenerator.TrimSilence(samples);
        if (trimmed.Length < 0.3 * SampleRate)
        {
            reason = "too short";
            return null;
        }

        float peak = MaxAbs(trimmed);
        float gain = 0.891f / peak; // −1 dBFS
        for (int i = 0; i < trimmed.Length; i++)
            trimmed[i] *= gain;
        return trimmed;
    }

    /// <summary>Null for clean speech, else which rule it breaks.</summary>
    public static string? Check(ReadOnlySpan<float> x)
    {
        if (x.Length < 0.3 * SampleRate)
            return "too short";
        if (x.Length > 20 * SampleRate)
            return "too long";
        float peak = MaxAbs(x);
        if (peak <= 1e-4f)
            return "silent";
        if (ClippedFraction(x, peak) >= 0.001)
            return "clipped";
        double floor = FloorDb(x);
        if (floor > -30)
            return string.Create(CultureInfo.InvariantCulture, $"no quiet floor ({floor:0} dB)");
        double held = LongestSteadySpectrumSeconds(x);
        if (held >= 0.5)
            return string.Create(CultureInfo.InvariantCulture, $"tonal ({held:0.0} s held)");
        return null;
    }

    /// <summary>Share of samples in runs of 3 or more equal values at (within 0.1 % of) the peak.</summary>
    internal static double ClippedFraction(ReadOnlySpan<float> x, float peak)
    {
        int inRuns = 0, run = 0;
        float level = peak * 0.999f;
        for (int i = 0; i < x.Length; i++)
        {
            bool atPeak = MathF.Abs(x[i]) >= level && (run == 0 || x[i] == x[i - 1]);
            run = atPeak ? run + 1 : 0;
            if (run == 3)
                inRuns += 3;
            else if (run > 3)
                inRuns++;
        }

        return inRuns / (double)x.Length;
    }

    /// <summary>The quietest 20 ms frame's energy relative to the 95th-percentile frame, in dB.</summary>
    internal static double FloorDb(ReadOnlySpan<float> x)
    {
        const int frame = 320;
        int frames = x.Length / frame;
        if (frames < 5)
            return 0;
        var energy = new double[frames];
        for (int f = 0; f < frames; f++)
            energy[f] = NoiseMixing.Power(x.Slice(f * frame, frame)) + 1e-12;
        Array.Sort(energy);
        return 10 * Math.Log10(energy[0] / energy[(int)(0.95 * (frames - 1))]);
    }

    /// <summary>The longest run of active frames whose magnitude spectrum barely changes, in seconds.</summary>
    internal static double LongestSteadySpectrumSeconds(ReadOnlySpan<float> x)
    {
        var stft = new Stft(new StftOptions { NFft = 512, HopLength = 256, Center = false });
        int frames = stft.FrameCount(x.Length);
        if (frames < 2)
            return 0;
        int bins = stft.Bins;
        var real = new float[frames * bins];
        var imag = new float[frames * bins];
        stft.Forward(x, real, imag);
        var magnitude = new float[frames * bins];
        var energy = new double[frames];
        for (int i = 0; i < magnitude.Length; i++)
        {
            magnitude[i] = MathF.Sqrt(real[i] * real[i] + imag[i] * imag[i]);
            energy[i / bins] += magnitude[i] * (double)magnitude[i];
        }

        double loudest = energy.Max();
        int longest = 0, run = 0;
        for (int t = 1; t < frames; t++)
        {
            bool active = energy[t] > loudest * 1e-3 && energy[t - 1] > loudest * 1e-3;
            double similarity = active
                ? System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(magnitude.AsSpan(t * bins, bins), magnitude.AsSpan((t - 1) * bins, bins))
                : 0;
            run = similarity >= 0.97 ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest * 256.0 / SampleRate;
    }

    private static float MaxAbs(ReadOnlySpan<float> x) => x.Length == 0 ? 0 : MathF.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(x));
}
