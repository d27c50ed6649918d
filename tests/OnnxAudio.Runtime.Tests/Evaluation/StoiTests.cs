using OnnxAudio.Evaluation;

namespace OnnxAudio.Tests.Evaluation;

/// <summary>STOI on speech-like test signals: harmonic voices with syllable-rate envelopes and pauses.</summary>
public class StoiTests
{
    private static float[] SpeechLike(int seconds, int seed)
    {
        var r = new Random(seed);
        var x = new float[16000 * seconds];
        double f0 = 120, phase = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double t = i / 16000.0;
            if (i % 1600 == 0)
                f0 = 100 + 80 * r.NextDouble();
            phase += 2 * Math.PI * f0 / 16000;
            // Syllables at ~4 Hz with pauses: an envelope that is zero part of the time.
            double envelope = Math.Max(0, Math.Sin(2 * Math.PI * 3.7 * t) * Math.Sin(2 * Math.PI * 0.45 * t + 1));
            double voiced = 0;
            for (int h = 1; h <= 20; h++)
                voiced += Math.Sin(h * phase) / h * (1 + 0.5 * Math.Sin(2 * Math.PI * (0.7 + 0.1 * h) * t));
            x[i] = (float)(0.2 * envelope * voiced);
        }

        return x;
    }

    private static float[] WithNoise(float[] s, double snrDb, int seed)
    {
        var r = new Random(seed);
        double ps = s.Average(v => (double)v * v), scale = Math.Sqrt(ps / Math.Pow(10, snrDb / 10));
        return s.Select(v => (float)(v + scale * (r.NextDouble() * 2 - 1) * Math.Sqrt(3))).ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Identical_signals_score_one(bool extended)
    {
        float[] s = SpeechLike(3, 1);
        Assert.Equal(1.0, Stoi.Compute(s, s, 16000, extended), 6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Unrelated_noise_scores_low_and_more_noise_scores_lower(bool extended)
    {
        float[] s = SpeechLike(4, 2);
        var r = new Random(3);
        float[] noise = s.Select(_ => (float)(r.NextDouble() - 0.5)).ToArray();
        double pure = Stoi.Compute(s, noise, 16000, extended);
        // Classic STOI clips the processed envelope at x·(1 + 10^(15/20)), which ties even unrelated noise partly to the
        // clean envelope (≈ 0.35 here); ESTOI has no clipping and gives ≈ 0.
        Assert.True(pure < (extended ? 0.1 : 0.45), $"pure noise scored {pure}");
        double at20 = Stoi.Compute(s, WithNoise(s, 20, 4), 16000, extended);
        double at5 = Stoi.Compute(s, WithNoise(s, 5, 4), 16000, extended);
        double atMinus5 = Stoi.Compute(s, WithNoise(s, -5, 4), 16000, extended);
        Assert.True(at20 > at5 && at5 > atMinus5 && atMinus5 > pure, $"{at20} > {at5} > {atMinus5} > {pure}");
        Assert.True(at20 > (extended ? 0.8 : 0.9), $"20 dB scored {at20}");
    }

    [Fact]
    public void The_level_of_the_processed_signal_does_not_matter()
    {
        float[] s = SpeechLike(3, 5), y = WithNoise(s, 5, 6);
        Assert.Equal(Stoi.Compute(s, y, 16000), Stoi.Compute(s, y.Select(v => 4 * v).ToArray(), 16000), 6);
    }

    [Fact]
    public void Too_little_speech_is_a_clear_error()
    {
        float[] s = SpeechLike(1, 7)[..3000];
        Assert.Contains("at least 30 speech frames", Assert.Throws<ArgumentException>(() => Stoi.Compute(s, s, 16000)).Message);
    }
}
