using static TorchSharp.torch;

namespace OnnxAudio.Training.Losses;

/// <summary>
/// Power-law compressed spectral loss (the hybrid loss of GTCRN, Rong et al., ICASSP 2024, after Braun and Tashev,
/// "A consolidated view of loss functions for supervised deep learning-based speech enhancement", 2021): on a
/// 512-point STFT (hop 256, sqrt-Hann), 30 × the mean squared error of the compressed complex spectra S·|S|^(c−1)
/// (real and imaginary parts) plus 70 × that of the compressed magnitudes |S|^c, c = 0.3. The compression weighs
/// quiet time-frequency cells (consonants, high bands) far more than SI-SDR does, which is what listeners and
/// DNSMOS hear. Both signals of an example are first scaled by 0.1 / RMS of the reference, so the term does not
/// depend on the training level (peaks at −40…−1 dBFS). Inputs are waveforms [batch, samples].
/// </summary>
public static class CompressedSpectrumLoss
{
    public const double Compression = 0.3;
    private const double ReferenceRms = 0.1;

    public static Tensor Compute(Tensor estimate, Tensor reference)
    {
        Tensor gain = ReferenceRms / reference.square().mean([-1], keepdim: true).sqrt().clamp_min(1e-6);
        Tensor s = Spectrum(reference * gain);
        Tensor e = Spectrum(estimate * gain);
        Tensor sMagnitude = Magnitude(s);
        Tensor eMagnitude = Magnitude(e);
        Tensor sCompressed = s * sMagnitude.pow(Compression - 1).unsqueeze(-1);
        Tensor eCompressed = e * eMagnitude.pow(Compression - 1).unsqueeze(-1);
        Tensor complexError = (eCompressed - sCompressed).square().mean() * 2; // mean over real and imaginary parts, summed
        Tensor magnitudeError = (eMagnitude.pow(Compression) - sMagnitude.pow(Compression)).square().mean();
        return 30 * complexError + 70 * magnitudeError;
    }

    /// <summary>The STFT as [batch, bins, frames, 2] (real, imaginary).</summary>
    private static Tensor Spectrum(Tensor x)
    {
        using var window = hann_window(512, device: x.device).sqrt();
        return view_as_real(stft(x, 512, 256, 512, window, center: true, pad_mode: TorchSharp.PaddingModes.Reflect, return_complex: true));
    }

    /// <summary>|S| with GTCRN's 1e-12 under the root, so that silence has a finite gradient.</summary>
    private static Tensor Magnitude(Tensor spectrum) => (spectrum.square().sum(-1) + 1e-12).sqrt();
}
