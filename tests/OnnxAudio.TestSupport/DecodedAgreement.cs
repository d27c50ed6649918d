using OnnxAudio.Compression;
using OnnxAudio.Evaluation;

namespace OnnxAudio.Tests.TestSupport;

/// <summary>
/// Whether a codec's output decoded by another host (the self-contained decoder graph: the KServe server, Triton) is the
/// runtime's. Spectrum and waveform codecs synthesise with the same operators everywhere, so the samples agree to
/// 1e-4. A magnitude codec's phase is made by the runtime's RTPGHI in process but by PhaseGraph in the graph — two
/// phases for the same magnitudes, whose samples differ — so there the graph's output must be as intelligible as the
/// runtime's: STOI against the original input within 0.03 of it (or above), at the same length and alignment (a
/// shifted output loses STOI). On 20 real-speaker files of the shipped magnitude codec the graph scored 0.773 and the
/// runtime 0.762.
/// </summary>
public static class DecodedAgreement
{
    public const float SampleTolerance = 1e-4f;
    public const double StoiTolerance = 0.03;

    public static void AssertAgrees(CodecSignal signal, ReadOnlySpan<float> input, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        if (signal != CodecSignal.Magnitude)
        {
            float max = 0;
            for (int i = 0; i < expected.Length; i++)
                max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
            Assert.True(max <= SampleTolerance, $"{what}: max difference {max}");
            return;
        }

        double inProcess = Stoi.Compute(input, expected, 16000), other = Stoi.Compute(input, actual, 16000);
        Assert.True(other >= inProcess - StoiTolerance, $"{what}: STOI {other:0.000} against the runtime's {inProcess:0.000}");
    }
}
