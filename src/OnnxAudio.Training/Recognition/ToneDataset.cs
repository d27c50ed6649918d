using OnnxAudio.Dsp;
using OnnxAudio.Training.Data;

namespace OnnxAudio.Training.Recognition;

/// <summary>
/// Synthetic sound classes for smoke-testing the training pipeline end to end: 0.5 s clips at 16 kHz of a sine, square,
/// sawtooth or noise burst at a random pitch and level, in white noise at 0–20 dB SNR, turned into log-mel features by
/// the runtime's front end. Every example is a function of (seed, index), so train and held-out sets are disjoint by seed.
/// </summary>
public sealed class ToneDataset : IDataset<FeatureExample>
{
    public const int SampleRate = 16000;
    public const int ClipSamples = 8000;
    public static readonly string[] Labels = ["sine", "square", "sawtooth", "noise_burst"];

    private readonly int _seed;

    public ToneDataset(int count, int seed, LogMelOptions features)
    {
        Count = count;
        _seed = seed;
        FeatureOptions = features;
        Features = new LogMelSpectrogram(features);
    }

    public int Count { get; }

    public LogMelOptions FeatureOptions { get; }

    public LogMelSpectrogram Features { get; }

    public FeatureExample Get(int index, Random random)
    {
        // The content depends on (dataset seed, index) only; the loader's random is not needed here.
        var r = new Random(StableHash.Combine(_seed, index));
        int label = r.Next(Labels.Length);
        float[] clip = Synthesize(label, r);
        return FeatureExample.FromClip(Features, clip, label);
    }

    internal static float[] Synthesize(int label, Random r)
    {
        var x = new float[ClipSamples];
        double f = 150 * Math.Pow(2, r.NextDouble() * 4), amplitude = 0.1 + 0.4 * r.NextDouble(), phase = r.NextDouble();
        int start = r.Next(ClipSamples / 4), length = ClipSamples / 2 + r.Next(ClipSamples / 4);
        for (int i = start; i < Math.Min(ClipSamples, start + length); i++)
        {
            double p = phase + f * i / SampleRate;
            double frac = p - Math.Floor(p);
            x[i] = (float)(amplitude * label switch
            {
                0 => Math.Sin(2 * Math.PI * p),
                1 => frac < 0.5 ? 1.0 : -1.0,
                2 => 2 * frac - 1,
                _ => r.NextDouble() * 2 - 1,
            });
        }

        double signalPower = x.Sum(v => (double)v * v) / ClipSamples;
        double snrDb = 20 * r.NextDouble();
        double noiseRms = Math.Sqrt(signalPower / Math.Pow(10, snrDb / 10));
        for (int i = 0; i < x.Length; i++)
            x[i] += (float)(noiseRms * Gaussian(r));
        return x;
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
