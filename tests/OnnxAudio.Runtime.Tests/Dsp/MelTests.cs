using MathNet.Numerics.IntegralTransforms;
using OnnxAudio.Dsp;
using Complex32 = MathNet.Numerics.Complex32;

namespace OnnxAudio.Tests.Dsp;

public class MelTests
{
    [Fact]
    public void Scale_conversions_have_their_published_values()
    {
        Assert.Equal(15.0, MelFilterBank.HzToMel(1000, MelScale.Slaney), 9);
        Assert.Equal(3.0, MelFilterBank.HzToMel(200, MelScale.Slaney), 9);
        Assert.Equal(2595 * Math.Log10(2), MelFilterBank.HzToMel(700, MelScale.Htk), 9);
        foreach (MelScale scale in new[] { MelScale.Htk, MelScale.Slaney })
            foreach (double hz in new[] { 0.0, 123.4, 999.0, 1000.0, 4567.8, 8000.0 })
                Assert.Equal(hz, MelFilterBank.MelToHz(MelFilterBank.HzToMel(hz, scale), scale), 6);
    }

    [Theory]
    [InlineData(16000, 512, 40, 20, 8000, false, true)]
    [InlineData(16000, 400, 80, 0, 8000, true, false)]
    [InlineData(22050, 1024, 128, 0, 11025, false, true)]
    [InlineData(16000, 512, 64, 50, 7600, true, true)]
    public void Filters_match_an_independent_construction(int sr, int nFft, int nMels, double fMin, double fMax, bool htk, bool slaney)
    {
        var bank = new MelFilterBank(sr, nFft, nMels, fMin, fMax, htk ? MelScale.Htk : MelScale.Slaney,
            slaney ? MelNormalization.Slaney : MelNormalization.None);
        double[,] reference = DspReference.MelMatrix(sr, nFft, nMels, fMin, fMax, htk, slaney);
        float[] ours = bank.ToMatrix();
        double scale = slaney ? 2.0 / 100 : 1;
        for (int m = 0; m < nMels; m++)
            for (int k = 0; k < bank.Bins; k++)
                Assert.True(Math.Abs(ours[m * bank.Bins + k] - reference[m, k]) <= 1e-6 * Math.Max(1, reference[m, k] / scale),
                    $"mel {m}, bin {k}: {ours[m * bank.Bins + k]} vs {reference[m, k]}");
    }

    [Fact]
    public void Log_mel_matches_the_definition_computed_directly()
    {
        var options = new LogMelOptions(); // 16 kHz, n_fft 512, win 400, hop 160, 40 Slaney bands 20-8000 Hz, ln
        float[] x = DspReference.RandomSignal(16000, 5);
        float[] ours = new LogMelSpectrogram(options).Compute(x);
        var frames = DspReference.Stft(x, 512, 160, DspReference.Hann(400, true), center: true, reflect: true);
        double[,] mel = DspReference.MelMatrix(16000, 512, 40, 20, 8000, htk: false, slaneyNorm: true);
        Assert.Equal(frames.Length * 40, ours.Length);
        for (int t = 0; t < frames.Length; t++)
            for (int m = 0; m < 40; m++)
            {
                double energy = 0;
                for (int k = 0; k < 257; k++)
                    energy += mel[m, k] * frames[t][k].MagnitudeSquared;
                Assert.Equal(Math.Log(Math.Max(energy, 1e-6)), ours[t * 40 + m], 3);
            }
    }

    [Theory]
    [InlineData(LogCompression.Natural, 60)]
    [InlineData(LogCompression.Decibels, 80)]
    public void Clip_peak_reference_is_the_definition_computed_directly(LogCompression log, double rangeDb)
    {
        var options = new LogMelOptions { Log = log, LogFloor = 1e-12f, Reference = LevelReference.ClipPeak, DynamicRangeDb = rangeDb };
        float[] x = DspReference.RandomSignal(16000, 7);
        for (int i = 6000; i < 12000; i++)
            x[i] *= 1e-5f; // a stretch far below the peak, so that the floor binds
        float[] ours = new LogMelSpectrogram(options).Compute(x);
        var frames = DspReference.Stft(x, 512, 160, DspReference.Hann(400, true), center: true, reflect: true);
        double[,] mel = DspReference.MelMatrix(16000, 512, 40, 20, 8000, htk: false, slaneyNorm: true);
        var energy = new double[frames.Length * 40];
        for (int t = 0; t < frames.Length; t++)
            for (int m = 0; m < 40; m++)
                for (int k = 0; k < 257; k++)
                    energy[t * 40 + m] += mel[m, k] * frames[t][k].MagnitudeSquared;
        // librosa's power_to_db(S, ref=np.max, top_db=range), in the options' log unit.
        double peak = energy.Max(), unit = log == LogCompression.Natural ? 1 : 10 / Math.Log(10);
        int floored = 0;
        for (int i = 0; i < energy.Length; i++)
        {
            double expected = unit * Math.Max(Math.Log(energy[i] / peak), -rangeDb * Math.Log(10) / 10);
            floored += expected <= unit * -rangeDb * Math.Log(10) / 10 ? 1 : 0;
            Assert.True(Math.Abs(expected - ours[i]) <= 2e-3 * unit, $"value {i}: {ours[i]} vs {expected}");
        }

        Assert.InRange(floored, energy.Length / 10, energy.Length - 1);
    }

    [Fact]
    public void Clip_peak_features_do_not_depend_on_the_input_level()
    {
        var options = new LogMelOptions { LogFloor = 1e-12f, Reference = LevelReference.ClipPeak, DynamicRangeDb = 60 };
        var logMel = new LogMelSpectrogram(options);
        float[] x = DspReference.RandomSignal(16000, 8);
        float[] reference = logMel.Compute(x);
        foreach (double db in new[] { -40.0, -24, -6, 6 })
        {
            float g = (float)Math.Pow(10, db / 20);
            float[] scaled = logMel.Compute(x.Select(v => v * g).ToArray());
            for (int i = 0; i < reference.Length; i++)
                Assert.True(Math.Abs(reference[i] - scaled[i]) <= 1e-3, $"{db} dB, value {i}: {scaled[i]} vs {reference[i]}");
        }

        // The absolute reference moves with the level: 20 dB down lowers every (unfloored) value by ln(100).
        var absolute = new LogMelSpectrogram(new LogMelOptions { LogFloor = 1e-12f });
        float[] loud = absolute.Compute(x), quiet = absolute.Compute(x.Select(v => v * 0.1f).ToArray());
        Assert.Equal(Math.Log(100), loud[500] - quiet[500], 3);
    }

    [Fact]
    public void Clip_peak_features_of_digital_silence_are_zero_not_nan()
    {
        var logMel = new LogMelSpectrogram(new LogMelOptions { Reference = LevelReference.ClipPeak, DynamicRangeDb = 60 });
        float[] f = logMel.Compute(new float[16000]);
        Assert.All(f, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Mfcc_is_the_orthonormal_dct_of_log_mel()
    {
        var options = new LogMelOptions { NMels = 40, Log = LogCompression.Decibels };
        float[] x = DspReference.RandomSignal(8000, 6);
        float[] logMel = new LogMelSpectrogram(options).Compute(x);
        float[] mfcc = new Mfcc(options, 13).Compute(x);
        int frames = logMel.Length / 40;
        for (int t = 0; t < frames; t++)
            for (int i = 0; i < 13; i++)
            {
                double sum = 0;
                for (int n = 0; n < 40; n++)
                    sum += logMel[t * 40 + n] * Math.Cos(Math.PI * i * (n + 0.5) / 40);
                double expected = sum * (i == 0 ? Math.Sqrt(1.0 / 40) : Math.Sqrt(2.0 / 40));
                Assert.Equal(expected, mfcc[t * 13 + i], 3);
            }
    }

    [Fact]
    public void Log_mel_allocates_nothing_in_steady_state()
    {
        var logMel = new LogMelSpectrogram(new LogMelOptions());
        float[] x = DspReference.RandomSignal(16000, 1), output = new float[logMel.FrameCount(16000) * 40];
        for (int i = 0; i < 50; i++)
            logMel.Compute(x, output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
            logMel.Compute(x, output);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_tone_excites_the_band_around_its_frequency()
    {
        float[] x = Enumerable.Range(0, 16000).Select(i => (float)Math.Sin(2 * Math.PI * 1000 * i / 16000)).ToArray();
        var logMel = new LogMelSpectrogram(new LogMelOptions());
        float[] f = logMel.Compute(x);
        var frame = f.AsSpan(50 * 40, 40);
        int best = frame.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(frame));
        double melLow = MelFilterBank.HzToMel(20, MelScale.Slaney), melStep = (MelFilterBank.HzToMel(8000, MelScale.Slaney) - melLow) / 41;
        double lo = MelFilterBank.MelToHz(melLow + best * melStep, MelScale.Slaney);
        double hi = MelFilterBank.MelToHz(melLow + (best + 2) * melStep, MelScale.Slaney);
        Assert.InRange(1000, lo, hi);
    }
}
