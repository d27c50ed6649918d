using OnnxAudio.Dsp;
using OnnxAudio.Training.Restoration;
using OnnxAudio.Training.Training;

namespace OnnxAudio.Training.Tests.Restoration;

/// <summary>The extended training noises: shaped noise is coloured (far from white), modulated noise keeps its envelope in range.</summary>
public class TrainingNoiseTests
{
    /// <summary>Spectral flatness (geometric over arithmetic mean) of the average power spectrum: ≈ 1 for white noise.</summary>
    private static double Flatness(float[] x)
    {
        var stft = new Stft(new StftOptions { NFft = 512, HopLength = 256 });
        var spectrum = stft.Forward(x);
        int bins = 257, frames = spectrum.Frames;
        var power = new double[bins];
        for (int t = 0; t < frames; t++)
            for (int f = 1; f < bins; f++)
            {
                double re = spectrum.Real[t * bins + f], im = spectrum.Imag[t * bins + f];
                power[f] += re * re + im * im;
            }

        double[] p = power[1..];
        return Math.Exp(p.Average(v => Math.Log(v + 1e-20))) / p.Average();
    }

    [Fact]
    public void Shaped_noise_is_coloured_unlike_white_noise()
    {
        var random = new Random(5);
        Assert.True(Flatness(OnnxAudio.Evaluation.NoiseGenerator.White(32000, random)) > 0.8);
        for (int i = 0; i < 10; i++)
        {
            float[] shaped = RestorationCorpus.Shaped(32000, random);
            Assert.All(shaped, v => Assert.True(float.IsFinite(v)));
            Assert.True(Flatness(shaped) < 0.5, $"draw {i}: flatness {Flatness(shaped):0.00}");
        }
    }

    [Fact]
    public void Modulation_scales_by_a_raised_sine_between_one_minus_depth_and_one()
    {
        var random = new Random(7);
        for (int i = 0; i < 10; i++)
        {
            float[] ones = RestorationCorpus.Modulated(Enumerable.Repeat(1f, 32000).ToArray(), random);
            Assert.InRange(ones.Max(), 0.9f, 1f);      // two seconds cover at least one period of ≥ 0.5 Hz
            Assert.InRange(ones.Min(), -1e-6f, 0.75f);  // depth 0.3–1
        }
    }

    [Theory]
    [InlineData(TrainingNoise.Classic, 1.0 / 6)]
    [InlineData(TrainingNoise.Extended, 1.0 / 8)]
    [InlineData(TrainingNoise.Babble, 1.0 / 3)]
    public void Babble_share_of_fresh_noises(TrainingNoise noise, double expected)
    {
        var random = new Random(7);
        const int draws = 60_000;
        double share = Enumerable.Range(0, draws).Count(_ => RestorationCorpus.DrawKind(noise, random) == RestorationCorpus.BabbleKind) / (double)draws;
        Assert.InRange(share, expected - 0.01, expected + 0.01);
    }

    [Fact]
    public void Unknown_training_noise_is_refused()
    {
        var e = Assert.Throws<OnnxAudioException>(() => new RestorationTask(new TrainingOptions { Data = "/nonexistent", Noise = "purple" }, RestorationKind.Denoise));
        Assert.Contains("purple", e.Message);
    }
}
