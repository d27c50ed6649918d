using OnnxAudio.Evaluation;
using OnnxAudio.Training.Data;

namespace OnnxAudio.Training.Restoration;

/// <summary>
/// Training segments for a restoration task, made on the fly from a corpus folder in the layout
/// <c>onnxaudio-train data denoise</c> writes (or the user's own): <c>{split}/clean/*.wav</c> and, optionally, the
/// degraded partners <c>{split}/noisy/*.wav</c> with the same names.
/// Denoising: with probability <see cref="StoredPairProbability"/> a stored pair (the user's real noise, if any), else
/// the clean segment mixed with fresh noise — white, pink, brown, hum, crackle, or babble of 3–6 other training
/// speakers — at an SNR uniform in [−5, 20] dB. Declipping: the clean segment, at a random peak level, clipped at 10–70 %
/// of its peak. Every example is a function of the loader's random, so runs are reproducible.
/// </summary>
public sealed class RestorationCorpus : IDataset<RestorationExample>
{
    public const double StoredPairProbability = 0.25;
    private readonly AudioFolderDataset _clean;
    private readonly Dictionary<string, string> _noisyByClean = new(StringComparer.Ordinal);
    private readonly RestorationKind _kind;
    private readonly int _segmentSamples;

    public RestorationCorpus(string root, Split split, RestorationKind kind, int segmentSamples)
    {
        string splitName = split.ToString().ToLowerInvariant();
        string cleanFolder = Path.Combine(root, splitName, "clean");
        if (!Directory.Exists(cleanFolder))
            throw new OnnxAudioException($"{root}: no {splitName}/clean folder (make a corpus with 'onnxaudio-train data denoise', or lay out your own clean/noisy pairs that way)");
        _clean = new AudioFolderDataset(cleanFolder);
        if (_clean.Count == 0)
            throw new OnnxAudioException($"{cleanFolder}: no readable audio files");
        string noisyFolder = Path.Combine(root, splitName, "noisy");
        if (Directory.Exists(noisyFolder))
            foreach (string clean in _clean.Files)
            {
                string noisy = Path.Combine(noisyFolder, Path.GetRelativePath(cleanFolder, clean));
                if (File.Exists(noisy))
                    _noisyByClean[clean] = noisy;
            }

        _kind = kind;
        _segmentSamples = segmentSamples;
    }

    public int Count => _clean.Count;

    public int StoredPairs => _noisyByClean.Count;

    public IReadOnlyList<string> CleanFiles => _clean.Files;

    public bool TryGetStoredPartner(string cleanFile, out string noisyFile) => _noisyByClean.TryGetValue(cleanFile, out noisyFile!);

    public RestorationExample Get(int index, Random random)
    {
        AudioClipExample clip = _clean.Get(index, random);
        int offset = clip.Samples.Length > _segmentSamples ? random.Next(clip.Samples.Length - _segmentSamples + 1) : 0;
        float[] clean = Segment(clip.Samples, offset);
        if (NoiseMixing.Power(clean) < 1e-7)
            clean = Segment(clip.Samples, 0);
        return _kind == RestorationKind.Declip ? Clipped(clean, random) : Noisy(clip.Path, clean, offset, random);
    }

    private RestorationExample Noisy(string cleanPath, float[] clean, int offset, Random random)
    {
        float[] noisy;
        if (_noisyByClean.TryGetValue(cleanPath, out string? stored) && random.NextDouble() < StoredPairProbability)
        {
            noisy = Segment(OnnxAudio.Audio.AudioFile.ReadMono(stored, 16000), offset);
        }
        else
        {
            int kind = random.Next(6);
            float[] noise = kind < 5
                ? NoiseGenerator.Generate((NoiseType)kind, _segmentSamples, random)
                : NoiseGenerator.Babble(Enumerable.Range(0, 3 + random.Next(4)).Select(_ => _clean.Get(random.Next(_clean.Count), random).Samples).ToList(), _segmentSamples, random);
            double snr = -5 + 25 * random.NextDouble();
            noisy = NoiseMixing.Power(clean) > 0 ? NoiseMixing.MixAtSnr(clean, noise, snr) : noise;
        }

        // A random level for the pair, kept below full scale.
        double gainDb = -12 + 18 * random.NextDouble();
        Degradations.Gain(clean, gainDb);
        Degradations.Gain(noisy, gainDb);
        float peak = Math.Max(MaxAbs(clean), MaxAbs(noisy));
        if (peak > 0.99f)
        {
            Degradations.Gain(clean, 20 * Math.Log10(0.99 / peak));
            Degradations.Gain(noisy, 20 * Math.Log10(0.99 / peak));
        }

        return new RestorationExample(noisy, clean, 0f);
    }

    private static RestorationExample Clipped(float[] clean, Random random)
    {
        float peak = MaxAbs(clean);
        if (peak > 0)
            Degradations.Gain(clean, 20 * Math.Log10((0.3 + 0.69 * random.NextDouble()) / peak));
        float level = (float)((0.1 + 0.6 * random.NextDouble()) * MaxAbs(clean));
        float[] clipped = (float[])clean.Clone();
        if (level > 0)
            Degradations.Clip(clipped, level);
        return new RestorationExample(clipped, clean, level);
    }

    private float[] Segment(float[] samples, int offset)
    {
        var segment = new float[_segmentSamples];
        int n = Math.Min(_segmentSamples, samples.Length - offset);
        if (n > 0)
            Array.Copy(samples, offset, segment, 0, n);
        return segment;
    }

    internal static float MaxAbs(ReadOnlySpan<float> x)
    {
        float max = 0;
        foreach (float v in x)
            max = Math.Max(max, Math.Abs(v));
        return max;
    }
}

/// <summary>The restoration jobs a model is trained for.</summary>
public enum RestorationKind
{
    Denoise,
    Declip,
}
