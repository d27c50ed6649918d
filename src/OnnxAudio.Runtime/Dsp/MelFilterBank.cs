using System.Numerics.Tensors;

namespace OnnxAudio.Dsp;

/// <summary>
/// Triangular mel filters over the one-sided bins of an n_fft-point FFT, built as librosa.filters.mel and
/// torchaudio.functional.melscale_fbanks build them. Each filter is stored as one contiguous run of non-zero weights.
/// Immutable and thread-safe.
/// </summary>
public sealed class MelFilterBank
{
    private readonly int[] _start;
    private readonly int[] _offset;
    private readonly int[] _length;
    private readonly float[] _weights;

    public MelFilterBank(int sampleRate, int nFft, int nMels, double fMin = 0, double? fMax = null,
        MelScale scale = MelScale.Slaney, MelNormalization normalization = MelNormalization.Slaney)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(nFft, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(nMels, 1);
        double top = fMax ?? sampleRate / 2.0;
        if (fMin < 0 || top <= fMin || top > sampleRate / 2.0 + 1e-9)
            throw new ArgumentException($"Mel range {fMin}..{top} Hz must satisfy 0 ≤ fMin < fMax ≤ {sampleRate / 2} Hz.");

        SampleRate = sampleRate;
        NFft = nFft;
        NMels = nMels;
        Bins = nFft / 2 + 1;
        double melMin = HzToMel(fMin, scale), melMax = HzToMel(top, scale);
        double[] edges = new double[nMels + 2];
        for (int i = 0; i < edges.Length; i++)
            edges[i] = MelToHz(melMin + (melMax - melMin) * i / (nMels + 1), scale);

        _start = new int[nMels];
        _offset = new int[nMels];
        _length = new int[nMels];
        var weights = new List<float>();
        for (int m = 0; m < nMels; m++)
        {
            double lower = edges[m], center = edges[m + 1], upper = edges[m + 2];
            double norm = normalization == MelNormalization.Slaney ? 2.0 / (upper - lower) : 1.0;
            int first = -1, last = -1;
            var row = new List<float>();
            for (int k = 0; k < Bins; k++)
            {
                double f = (double)k * sampleRate / nFft;
                double w = Math.Max(0, Math.Min((f - lower) / (center - lower), (upper - f) / (upper - center)));
                if (w <= 0)
                {
                    if (first >= 0)
                        break;
                    continue;
                }

                if (first < 0)
                    first = k;
                last = k;
                row.Add((float)(w * norm));
            }

            _start[m] = Math.Max(first, 0);
            _offset[m] = weights.Count;
            _length[m] = first < 0 ? 0 : last - first + 1;
            weights.AddRange(row);
        }

        _weights = weights.ToArray();
    }

    public int SampleRate { get; }

    public int NFft { get; }

    public int NMels { get; }

    /// <summary>Input bins per frame, n_fft/2 + 1.</summary>
    public int Bins { get; }

    /// <summary>Applies the filters to one spectrum of <see cref="Bins"/> values.</summary>
    public void Apply(ReadOnlySpan<float> spectrum, Span<float> mel)
    {
        if (spectrum.Length < Bins || mel.Length < NMels)
            throw new ArgumentException($"Expected {Bins} bins in and room for {NMels} mel values out.");
        for (int m = 0; m < NMels; m++)
        {
            int length = _length[m];
            mel[m] = length == 0 ? 0 : TensorPrimitives.Dot(_weights.AsSpan(_offset[m], length), spectrum.Slice(_start[m], length));
        }
    }

    /// <summary>Applies the filters to <paramref name="frames"/> consecutive spectra (frame-major in and out).</summary>
    public void ApplyFrames(ReadOnlySpan<float> spectra, int frames, Span<float> mels)
    {
        for (int t = 0; t < frames; t++)
            Apply(spectra.Slice(t * Bins, Bins), mels.Slice(t * NMels, NMels));
    }

    /// <summary>The filters as a dense NMels × Bins matrix (row-major), e.g. to bake into a model.</summary>
    public float[] ToMatrix()
    {
        var matrix = new float[NMels * Bins];
        for (int m = 0; m < NMels; m++)
            _weights.AsSpan(_offset[m], _length[m]).CopyTo(matrix.AsSpan(m * Bins + _start[m]));
        return matrix;
    }

    public static double HzToMel(double hz, MelScale scale)
    {
        if (scale == MelScale.Htk)
            return 2595.0 * Math.Log10(1.0 + hz / 700.0);
        const double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp;
        double logStep = Math.Log(6.4) / 27.0;
        return hz < minLogHz ? hz / fSp : minLogMel + Math.Log(hz / minLogHz) / logStep;
    }

    public static double MelToHz(double mel, MelScale scale)
    {
        if (scale == MelScale.Htk)
            return 700.0 * (Math.Pow(10, mel / 2595.0) - 1.0);
        const double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp;
        double logStep = Math.Log(6.4) / 27.0;
        return mel < minLogMel ? mel * fSp : minLogHz * Math.Exp(logStep * (mel - minLogMel));
    }
}
