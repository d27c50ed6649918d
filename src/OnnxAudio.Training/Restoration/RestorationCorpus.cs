using OnnxAudio.Restoration;
using OnnxAudio.Evaluation;
using OnnxAudio.Training.Data;

namespace OnnxAudio.Training.Restoration;

/// <summary>
/// Training segments for a restoration task, made on the fly from a corpus folder in the layout
/// <c>onnxaudio-train data denoise</c> writes (or the user's own): <c>{split}/clean/*.wav</c> and, optionally, the
/// degraded partners <c>{split}/noisy/*.wav</c> with the same names.
/// Denoising: with probability <see cref="StoredPairProbability"/> a stored pair (the user's real noise, if any), else
/// the clean segment mixed with fresh noise — white, pink, brown, hum, crackle, or babble of 3–6 other training
/// speakers — at an SNR uniform in [−5, 20] dB. With <see cref="TrainingNoise.Extended"/> two more kinds join the draw:
/// shaped noise (white noise through 1–3 random resonances, 150 Hz–6 kHz, Q 0.7–8, plus a little pink) and any other
/// kind amplitude-modulated at 0.5–8 Hz (depth 0.3–1), so that the model meets noise spectra and envelopes beyond the
/// five fixed colours. <see cref="TrainingNoise.Babble"/> is the extended draw with babble weighted up: one fresh noise
/// in three is babble (one in eight otherwise), since competing speech is the hardest noise for a causal mask model.
/// Declipping: the clean segment, at a random peak level, clipped at 10–70 % of its peak. Every
/// example is a function of the loader's random, so runs are reproducible.
/// </summary>
public sealed class RestorationCorpus : IDataset<RestorationExample>
{
    public const double StoredPairProbability = 0.25;

    /// <summary><see cref="TrainingNoise.Real"/>: the share of clean examples (noisy = clean) and of stored pairs.</summary>
    public const double RealCleanProbability = 0.1, RealStoredProbability = 0.4;

    /// <summary>With <see cref="TrainingNoise.Babble"/>: the share of fresh noises forced to babble (the rest draw as extended, which includes babble too).</summary>
    private const double BabbleShare = (1.0 / 3 - 1.0 / 8) / (1 - 1.0 / 8);
    internal const int BabbleKind = 5;
    private readonly AudioFolderDataset _clean;
    private readonly Dictionary<string, string> _noisyByClean = new(StringComparer.Ordinal);
    private readonly RestorationKind _kind;
    private readonly int _segmentSamples;
    private readonly TrainingNoise _noise;
    private readonly double _softBabbleResidualDb;

    /// <param name="softBabbleResidualDb">With <see cref="TrainingNoise.RealSoftBabble"/>: the level at which the target keeps babble (dB, 0 or below; 0: the mixture itself).</param>
    public RestorationCorpus(string root, Split split, RestorationKind kind, int segmentSamples, TrainingNoise noise = TrainingNoise.Classic,
        double softBabbleResidualDb = DefaultSoftBabbleResidualDb)
    {
        if (!(softBabbleResidualDb <= 0))
            throw new ArgumentOutOfRangeException(nameof(softBabbleResidualDb), softBabbleResidualDb, "the babble kept in the target must be at or below 0 dB");
        _softBabbleResidualDb = softBabbleResidualDb;
        _noise = noise;
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
        if (_noise is TrainingNoise.Real or TrainingNoise.RealSoftBabble)
            return RealNoisy(cleanPath, clean, offset, random);
        float[] noisy;
        if (_noisyByClean.TryGetValue(cleanPath, out string? stored) && random.NextDouble() < StoredPairProbability)
        {
            noisy = Segment(OnnxAudio.Audio.AudioFile.ReadMono(stored, 16000), offset);
        }
        else
        {
            float[] noise = DrawNoise(random, DrawKind(_noise, random));
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

    /// <summary><see cref="TrainingNoise.Real"/>: clean pass-through, the stored pair or fresh noise; the pair at a peak level over −40…−1 dBFS.</summary>
    private RestorationExample RealNoisy(string cleanPath, float[] clean, int offset, Random random)
    {
        double u = random.NextDouble();
        float[] noisy;
        if (u < RealCleanProbability)
        {
            noisy = (float[])clean.Clone();
        }
        else if (u < RealCleanProbability + RealStoredProbability && _noisyByClean.TryGetValue(cleanPath, out string? stored))
        {
            noisy = Segment(OnnxAudio.Audio.AudioFile.ReadMono(stored, 16000), offset);
        }
        else
        {
            int kind = DrawKind(TrainingNoise.Babble, random);
            float[] noise = DrawNoise(random, kind);
            double snr = -5 + 30 * random.NextDouble();
            noisy = NoiseMixing.Power(clean) > 0 ? NoiseMixing.MixAtSnr(clean, noise, snr) : noise;
            if (kind == BabbleKind && _noise == TrainingNoise.RealSoftBabble)
                clean = SoftTarget(clean, noisy, _softBabbleResidualDb);
        }

        float peak = Math.Max(MaxAbs(clean), MaxAbs(noisy));
        if (peak > 0)
        {
            double gainDb = -40 + 39 * random.NextDouble() - 20 * Math.Log10(peak);
            Degradations.Gain(clean, gainDb);
            Degradations.Gain(noisy, gainDb);
        }

        return new RestorationExample(noisy, clean, 0f);
    }

    /// <summary><see cref="TrainingNoise.RealSoftBabble"/>: the level, relative to the mixture's, at which the target keeps babble.</summary>
    public const double DefaultSoftBabbleResidualDb = -12;

    /// <summary>The clean speech plus the mixture's noise (noisy − clean) scaled by <paramref name="residualDb"/>.</summary>
    internal static float[] SoftTarget(float[] clean, float[] noisy, double residualDb)
    {
        float g = (float)Math.Pow(10, residualDb / 20);
        var target = new float[clean.Length];
        for (int i = 0; i < target.Length; i++)
            target[i] = clean[i] + g * (noisy[i] - clean[i]);
        return target;
    }

    /// <summary>Which kind of noise the next fresh mixture gets: kinds 0–4 are the synthetic colours, 5 babble, 6 shaped noise, 7 a modulated draw of kinds 0–6.</summary>
    internal static int DrawKind(TrainingNoise noise, Random random) => noise switch
    {
        TrainingNoise.Classic => random.Next(6),
        TrainingNoise.Extended => random.Next(8),
        TrainingNoise.Real or TrainingNoise.RealSoftBabble => random.NextDouble() < BabbleShare ? BabbleKind : random.Next(8),
        _ => random.NextDouble() < BabbleShare ? BabbleKind : random.Next(8),
    };

    private float[] DrawNoise(Random random, int kind)
    {
        return kind switch
        {
            < 5 and int colour => NoiseGenerator.Generate((NoiseType)colour, _segmentSamples, random),
            5 => NoiseGenerator.Babble(Enumerable.Range(0, 3 + random.Next(4)).Select(_ => _clean.Get(random.Next(_clean.Count), random).Samples).ToList(), _segmentSamples, random),
            6 => Shaped(_segmentSamples, random),
            _ => Modulated(DrawNoise(random, random.Next(7)), random),
        };
    }

    /// <summary>White noise through 1–3 resonant band-pass filters of random centre, width and gain, plus a little pink noise.</summary>
    internal static float[] Shaped(int length, Random random)
    {
        var sum = new float[length];
        float[] pink = NoiseGenerator.Generate(NoiseType.Pink, length, random);
        for (int i = 0; i < length; i++)
            sum[i] = 0.1f * pink[i];
        int bands = 1 + random.Next(3);
        for (int b = 0; b < bands; b++)
        {
            double centre = Math.Exp(Math.Log(150) + (Math.Log(6000) - Math.Log(150)) * random.NextDouble());
            double q = Math.Exp(Math.Log(0.7) + (Math.Log(8) - Math.Log(0.7)) * random.NextDouble());
            double gain = Math.Pow(10, (-10 + 10 * random.NextDouble()) / 20);
            float[] band = BandPass(NoiseGenerator.White(length, random), centre / 16000, q);
            for (int i = 0; i < length; i++)
                sum[i] += (float)(gain * band[i]);
        }

        return sum;
    }

    /// <summary>RBJ audio-EQ-cookbook band-pass biquad (0 dB peak gain) at a normalised centre frequency.</summary>
    private static float[] BandPass(float[] x, double normalisedCentre, double q)
    {
        double w = 2 * Math.PI * normalisedCentre, alpha = Math.Sin(w) / (2 * q), a0 = 1 + alpha;
        double b0 = alpha / a0, b2 = -alpha / a0, a1 = -2 * Math.Cos(w) / a0, a2 = (1 - alpha) / a0;
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double v = b0 * x[i] + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1;
            x1 = x[i];
            y2 = y1;
            y1 = v;
            y[i] = (float)v;
        }

        return y;
    }

    /// <summary>Multiplies noise by a raised sine of 0.5–8 Hz whose depth is 0.3–1 (1: the noise comes and goes entirely).</summary>
    internal static float[] Modulated(float[] noise, Random random)
    {
        double rate = Math.Exp(Math.Log(0.5) + (Math.Log(8) - Math.Log(0.5)) * random.NextDouble());
        double depth = 0.3 + 0.7 * random.NextDouble(), phase = 2 * Math.PI * random.NextDouble();
        for (int i = 0; i < noise.Length; i++)
            noise[i] *= (float)(1 - depth * 0.5 * (1 + Math.Sin(2 * Math.PI * rate * i / 16000 + phase)));
        return noise;
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

/// <summary>Which synthetic noises a denoising run mixes in (see <see cref="RestorationCorpus"/>).</summary>
public enum TrainingNoise
{
    /// <summary>White, pink, brown, hum, crackle and babble.</summary>
    Classic,
    /// <summary>The classic six plus randomly shaped and amplitude-modulated noise.</summary>
    Extended,
    /// <summary>Extended, with babble drawn for one fresh noise in three.</summary>
    Babble,
    /// <summary>
    /// For corpora of real noise and levels (the real-voices data): one example in ten is clean speech to pass through
    /// untouched, 0.4 the stored pair, the rest fresh babble-weighted noise at −5…25 dB SNR; the pair's peak level is
    /// drawn over −40…−1 dBFS.
    /// </summary>
    Real,
    /// <summary>
    /// <see cref="Real"/>, but a fresh babble mixture's target keeps the babble 12 dB down (or as set) instead of removing it (an
    /// attenuation limit for competing talkers, which a causal mask cannot tell from the target: it learns to turn
    /// babble down without cutting into the speech). The inputs and every random draw are those of <see cref="Real"/>.
    /// </summary>
    RealSoftBabble,
}
