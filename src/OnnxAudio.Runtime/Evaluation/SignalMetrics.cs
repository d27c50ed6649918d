using OnnxAudio.Dsp;

namespace OnnxAudio.Evaluation;

/// <summary>Waveform and spectral distances between a reference and an estimate of the same length and rate.</summary>
public static class SignalMetrics
{
    /// <summary>SNR = 10·log10(Σ s² / Σ (s − ŝ)²), in dB.</summary>
    public static double Snr(ReadOnlySpan<float> reference, ReadOnlySpan<float> estimate)
    {
        CheckLengths(reference, estimate);
        double signal = 0, error = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double d = reference[i] - (double)estimate[i];
            signal += reference[i] * (double)reference[i];
            error += d * d;
        }

        return 10 * Math.Log10(Math.Max(signal, 1e-20) / Math.Max(error, 1e-20));
    }

    /// <summary>
    /// Scale-invariant SDR (Le Roux et al., "SDR – half-baked or well done?", 2019): both signals made zero-mean, the
    /// reference scaled by α = ⟨ŝ, s⟩ / ‖s‖² to the target, everything else counted as distortion.
    /// </summary>
    public static double SiSdr(ReadOnlySpan<float> reference, ReadOnlySpan<float> estimate)
    {
        CheckLengths(reference, estimate);
        double meanS = Mean(reference), meanE = Mean(estimate);
        double dot = 0, energy = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double s = reference[i] - meanS, e = estimate[i] - meanE;
            dot += s * e;
            energy += s * s;
        }

        double alpha = dot / Math.Max(energy, 1e-20), target = 0, noise = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double t = alpha * (reference[i] - meanS), n = estimate[i] - meanE - t;
            target += t * t;
            noise += n * n;
        }

        return 10 * Math.Log10(Math.Max(target, 1e-20) / Math.Max(noise, 1e-20));
    }

    /// <summary>
    /// Segmental SNR: the mean over 30 ms frames (75 % overlap) of each frame's SNR clamped to [−10, 35] dB, the usual
    /// limits that keep silent frames from dominating (Hansen &amp; Pellom, 1998).
    /// </summary>
    public static double SegmentalSnr(ReadOnlySpan<float> reference, ReadOnlySpan<float> estimate, int sampleRate)
    {
        CheckLengths(reference, estimate);
        int frame = (int)(0.03 * sampleRate), hop = frame / 4;
        if (reference.Length < frame)
            return Math.Clamp(Snr(reference, estimate), -10, 35);
        double sum = 0;
        int count = 0;
        for (int start = 0; start + frame <= reference.Length; start += hop, count++)
            sum += Math.Clamp(Snr(reference.Slice(start, frame), estimate.Slice(start, frame)), -10, 35);
        return sum / count;
    }

    /// <summary>Centre frequencies of the octave bands <see cref="OctaveBandPowers"/> reports (Hz).</summary>
    public static readonly double[] OctaveBandCentres = [125, 250, 500, 1000, 2000, 4000, 8000];

    /// <summary>
    /// The long-term spectrum in octave bands: the mean power per STFT frame (n_fft 512, hop 128, Hann) summed over the
    /// bins between c/√2 and c·√2 of each centre in <see cref="OctaveBandCentres"/> (the top band ends at Nyquist). Sum
    /// these over files and compare in dB to judge a system's long-term colouring.
    /// </summary>
    public static double[] OctaveBandPowers(ReadOnlySpan<float> x, int sampleRate)
    {
        var stft = new Stft(new StftOptions { NFft = 512, HopLength = 128 });
        int frames = stft.FrameCount(x.Length), bins = stft.Bins;
        float[] power = new float[frames * bins];
        stft.Power(x, power);
        var bands = new double[OctaveBandCentres.Length];
        for (int k = 0; k < bins; k++)
        {
            double frequency = k * (double)sampleRate / 512;
            int band = Array.FindIndex(OctaveBandCentres, c => frequency >= c / Math.Sqrt(2) && frequency < c * Math.Sqrt(2));
            if (band < 0)
                continue;
            double sum = 0;
            for (int t = 0; t < frames; t++)
                sum += power[t * bins + k];
            bands[band] += sum / Math.Max(1, frames);
        }

        return bands;
    }

    /// <summary>
    /// Log-spectral distance: per frame the RMS over bins of the difference of power spectra in dB, averaged over
    /// frames (n_fft 512, hop 128, Hann; powers floored at 1e-10).
    /// </summary>
    public static double LogSpectralDistance(ReadOnlySpan<float> reference, ReadOnlySpan<float> estimate)
    {
        CheckLengths(reference, estimate);
        var stft = new Stft(new StftOptions { NFft = 512, HopLength = 128 });
        int frames = stft.FrameCount(reference.Length), bins = stft.Bins;
        float[] a = new float[frames * bins], b = new float[frames * bins];
        stft.Power(reference, a);
        stft.Power(estimate, b);
        double total = 0;
        for (int t = 0; t < frames; t++)
        {
            double sum = 0;
            for (int k = 0; k < bins; k++)
            {
                double d = 10 * Math.Log10(Math.Max(a[t * bins + k], 1e-10)) - 10 * Math.Log10(Math.Max(b[t * bins + k], 1e-10));
                sum += d * d;
            }

            total += Math.Sqrt(sum / bins);
        }

        return total / frames;
    }

    /// <summary>
    /// Multi-resolution mel distance, as codec papers report it: the mean absolute difference of natural-log mel
    /// magnitudes (80 Slaney bands, floor 1e-5), averaged over n_fft 512, 1024 and 2048 with hops of a quarter.
    /// </summary>
    public static double MelDistance(ReadOnlySpan<float> reference, ReadOnlySpan<float> estimate, int sampleRate)
    {
        CheckLengths(reference, estimate);
        double total = 0;
        int[] sizes = [512, 1024, 2048];
        foreach (int nFft in sizes)
        {
            var logMel = new LogMelSpectrogram(new LogMelOptions
            {
                SampleRate = sampleRate, NFft = nFft, HopLength = nFft / 4, WinLength = nFft, NMels = 80, FMin = 0,
                Spectrum = SpectrumKind.Magnitude, LogFloor = 1e-5f,
            });
            float[] a = logMel.Compute(reference), b = logMel.Compute(estimate);
            double sum = 0;
            for (int i = 0; i < a.Length; i++)
                sum += Math.Abs(a[i] - b[i]);
            total += sum / a.Length;
        }

        return total / sizes.Length;
    }

    private static double Mean(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
            sum += v;
        return sum / Math.Max(1, x.Length);
    }

    internal static void CheckLengths(ReadOnlySpan<float> reference, ReadOnlySpan<float> estimate)
    {
        if (reference.Length != estimate.Length)
            throw new ArgumentException($"The reference has {reference.Length} samples and the estimate {estimate.Length}; align them first.");
        if (reference.Length == 0)
            throw new ArgumentException("The signals are empty.");
    }
}
