namespace OnnxAudio.Evaluation;

/// <summary>Every waveform metric of one reference/estimate pair (mono, same rate, aligned).</summary>
public sealed record PairMetrics(double SiSdr, double Snr, double SegmentalSnr, double Stoi, double Estoi, double LogSpectralDistance, double MelDistance)
{
    public static PairMetrics Compute(ReadOnlySpan<float> reference, ReadOnlySpan<float> estimate, int sampleRate) => new(
        SignalMetrics.SiSdr(reference, estimate),
        SignalMetrics.Snr(reference, estimate),
        SignalMetrics.SegmentalSnr(reference, estimate, sampleRate),
        Evaluation.Stoi.Compute(reference, estimate, sampleRate),
        Evaluation.Stoi.Compute(reference, estimate, sampleRate, extended: true),
        SignalMetrics.LogSpectralDistance(reference, estimate),
        SignalMetrics.MelDistance(reference, estimate, sampleRate));

    /// <summary>The metric names in the order of <see cref="Values"/>.</summary>
    public static readonly string[] Names = ["si_sdr", "snr", "seg_snr", "stoi", "estoi", "lsd", "mel_distance"];

    public double[] Values => [SiSdr, Snr, SegmentalSnr, Stoi, Estoi, LogSpectralDistance, MelDistance];
}
