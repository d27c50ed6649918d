using FsCheck;
using FsCheck.Fluent;
using OnnxAudio.Audio;
using OnnxAudio.Tests.TestSupport;
using Xunit.Abstractions;

namespace OnnxAudio.Tests.Audio;

/// <summary>
/// Measures the resampler with sines, whose correct output is known exactly: a band-limited sine resampled is the same
/// sine at the new rate, in amplitude and phase; a sine above the output's Nyquist frequency must vanish.
/// Stated targets: pass-band error (everything that is not the ideal sine: ripple, phase error, images) at most -80 dB;
/// aliases rejected by at least 80 dB.
/// </summary>
public class ResamplerTests(ITestOutputHelper output)
{
    private const double RequiredRejectionDb = 80;
    private static readonly int[] Rates = [8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000];

    public static TheoryData<int, int> RatePairs()
    {
        var data = new TheoryData<int, int>();
        foreach (int a in Rates)
            foreach (int b in Rates)
                if (a != b)
                    data.Add(a, b);
        return data;
    }

    /// <summary>Error of the resampled sine against the ideal sine at the output instants, in dB below its amplitude.</summary>
    private static double SineErrorDb(int inRate, int outRate, double frequency)
    {
        float[] x = Signals.Sine(frequency, inRate, inRate / 2, amplitude: 0.5, phase: 0.3);
        float[] y = Resampler.Resample(x, inRate, outRate);
        Assert.Equal(Resampler.OutputLength(x.Length, inRate, outRate), y.Length);
        var resampler = new Resampler(inRate, outRate);
        // Skip the edges, where the input starts and stops abruptly.
        int margin = (int)((long)resampler.FilterLength * outRate / inRate) + 2;
        double errorSquares = 0;
        int count = 0;
        for (int n = margin; n < y.Length - margin; n++)
        {
            double ideal = 0.5 * Math.Sin(2 * Math.PI * frequency * n / outRate + 0.3);
            errorSquares += (y[n] - ideal) * (y[n] - ideal);
            count++;
        }

        double errorRms = Math.Sqrt(errorSquares / count);
        return 20 * Math.Log10(errorRms / (0.5 / Math.Sqrt(2)));
    }

    [Theory]
    [MemberData(nameof(RatePairs))]
    public void Passband_sines_come_out_exact_to_80_dB(int inRate, int outRate)
    {
        double low = Math.Min(inRate, outRate);
        foreach (double f in new[] { 0.02 * low, 0.25 * low, 0.43 * low })
        {
            double db = SineErrorDb(inRate, outRate, f);
            output.WriteLine($"{inRate}->{outRate} Hz, {f:0} Hz sine: error {db:0.0} dB");
            Assert.True(db <= -RequiredRejectionDb, $"{inRate}->{outRate}: {f:0} Hz sine has error {db:0.0} dB");
        }
    }

    [Theory]
    [MemberData(nameof(RatePairs))]
    public void Components_above_the_output_nyquist_are_rejected_by_80_dB(int inRate, int outRate)
    {
        if (outRate >= inRate)
            return; // nothing to alias when up-sampling; images are part of the pass-band error above
        foreach (double fraction in new[] { 0.01, 0.2, 0.6, 0.98 })
        {
            double f = 0.5 * outRate + fraction * 0.5 * (inRate - outRate);
            float[] x = Signals.Sine(f, inRate, inRate / 2);
            float[] y = Resampler.Resample(x, inRate, outRate);
            int margin = new Resampler(inRate, outRate).FilterLength;
            double rms = Signals.Rms(y.AsSpan(margin, y.Length - 2 * margin));
            double db = 20 * Math.Log10(rms / (0.5 / Math.Sqrt(2)) + 1e-30);
            output.WriteLine($"{inRate}->{outRate} Hz, {f:0} Hz sine: alias {db:0.0} dB");
            Assert.True(db <= -RequiredRejectionDb, $"{inRate}->{outRate}: {f:0} Hz leaks at {db:0.0} dB");
        }
    }

    [Fact]
    public void Ratios_with_huge_phase_counts_use_direct_evaluation_and_stay_exact()
    {
        // 44100 -> 44101 reduces to 44101 phases: too many to tabulate.
        Assert.True(SineErrorDb(44100, 44101, 1000) <= -RequiredRejectionDb);
        Assert.True(SineErrorDb(44101, 16000, 3000) <= -RequiredRejectionDb);
    }

    [Fact]
    public void Dc_stays_exactly_constant()
    {
        float[] y = Resampler.Resample(Enumerable.Repeat(0.7f, 20000).ToArray(), 44100, 16000);
        int margin = new Resampler(44100, 16000).FilterLength;
        foreach (float v in y.AsSpan(margin, y.Length - 2 * margin))
            Assert.Equal(0.7f, v, 5);
    }

    [Fact]
    public void Streaming_in_any_block_sizes_equals_one_shot()
    {
        float[] x = Signals.Sine(440, 44100, 9000);
        float[] reference = Resampler.Resample(x, 44100, 16000);
        Prop.ForAll(Gen.Choose(1, 3000).ArrayOf().ToArbitrary(), blocks =>
        {
            var r = new Resampler(44100, 16000);
            var got = new List<float>();
            int pos = 0, b = 0;
            while (pos < x.Length)
            {
                int len = blocks.Length == 0 ? x.Length : Math.Min(blocks[b++ % blocks.Length], x.Length - pos);
                var outBuf = new float[r.MaxOutputFrames(len)];
                int n = r.Process(x.AsSpan(pos, len), outBuf);
                got.AddRange(outBuf.AsSpan(0, n));
                pos += len;
            }

            var tail = new float[r.MaxFlushFrames];
            got.AddRange(tail.AsSpan(0, r.Flush(tail)));
            return got.SequenceEqual(reference);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Channels_are_resampled_independently()
    {
        float[] left = Signals.Sine(300, 48000, 4800), right = Signals.Sine(2000, 48000, 4800, 0.2);
        float[] stereo = new float[9600];
        for (int i = 0; i < 4800; i++)
        {
            stereo[2 * i] = left[i];
            stereo[2 * i + 1] = right[i];
        }

        var r = new Resampler(48000, 16000, channels: 2);
        var y = new float[2 * (r.MaxOutputFrames(4800) + r.MaxFlushFrames)];
        int n = r.Process(stereo, y);
        n += r.Flush(y.AsSpan(n));
        float[] l16 = Resampler.Resample(left, 48000, 16000), r16 = Resampler.Resample(right, 48000, 16000);
        Assert.Equal(2 * l16.Length, n);
        for (int i = 0; i < l16.Length; i++)
        {
            Assert.Equal(l16[i], y[2 * i]);
            Assert.Equal(r16[i], y[2 * i + 1]);
        }
    }

    [Fact]
    public void Resampling_source_matches_one_shot_resampling()
    {
        float[] x = Signals.Sine(1000, 22050, 30000);
        using var folder = new TempFolder();
        string path = folder.File("s.wav");
        AudioFile.WriteMono(path, x, 22050, new WavWriterOptions { Encoding = WavSampleEncoding.Float32 });
        float[] viaSource = AudioFile.ReadMono(path, 16000);
        Assert.Equal(Resampler.Resample(x, 22050, 16000), viaSource);
    }
}
