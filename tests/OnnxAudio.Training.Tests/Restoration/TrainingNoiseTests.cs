using OnnxAudio.Restoration;
using OnnxAudio.Dsp;
using OnnxAudio.Training.Restoration;
using OnnxAudio.Training.Loop;

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

/// <summary>The "real" training draw on a corpus folder: clean pass-through one time in ten, levels over −40…−1 dBFS.</summary>
public class RealTrainingNoiseTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "onnxaudio-real-noise-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Trait("Category", "Slow")]
    [Fact]
    public void A_tenth_are_clean_and_peaks_span_the_level_range()
    {
        Directory.CreateDirectory(Path.Combine(_root, "train", "clean"));
        Directory.CreateDirectory(Path.Combine(_root, "train", "noisy"));
        var random = new Random(2);
        for (int i = 0; i < 4; i++)
        {
            float[] clean = Enumerable.Range(0, 48000).Select(n => (float)(0.3 * Math.Sin(2 * Math.PI * (150 + 40 * i) * n / 16000) * Math.Sin(2 * Math.PI * 2 * n / 16000))).ToArray();
            float[] noisy = clean.Select(v => v + (float)(0.05 * (random.NextDouble() - 0.5))).ToArray();
            OnnxAudio.Audio.AudioFile.WriteMono(Path.Combine(_root, "train", "clean", $"c{i}.wav"), clean, 16000);
            OnnxAudio.Audio.AudioFile.WriteMono(Path.Combine(_root, "train", "noisy", $"c{i}.wav"), noisy, 16000);
        }

        var corpus = new RestorationCorpus(_root, OnnxAudio.Training.Data.Split.Train, RestorationKind.Denoise, 16000, TrainingNoise.Real);
        int passThrough = 0, n = 400;
        var peaks = new List<double>();
        for (int i = 0; i < n; i++)
        {
            var example = corpus.Get(i % corpus.Count, new Random(i));
            if (example.Degraded.AsSpan().SequenceEqual(example.Clean))
                passThrough++;
            peaks.Add(20 * Math.Log10(Math.Max(example.Clean.Max(Math.Abs), example.Degraded.Max(Math.Abs))));
        }

        Assert.InRange(passThrough, 25, 60);   // 10 % of 400, binomial spread
        Assert.All(peaks, p => Assert.InRange(p, -40.01, -0.99));
        Assert.True(peaks.Min() < -35 && peaks.Max() > -6, $"peaks {peaks.Min():0.0}…{peaks.Max():0.0} dBFS");
    }

    [Theory]
    [InlineData(-12.0)]
    [InlineData(-6.0)]
    [InlineData(0.0)]
    public void Soft_babble_changes_only_the_targets_of_babble_mixtures_keeping_the_babble_down_by_the_set_level(double residualDb)
    {
        Directory.CreateDirectory(Path.Combine(_root, "train", "clean"));
        for (int i = 0; i < 6; i++)
        {
            float[] clean = Enumerable.Range(0, 48000).Select(n => (float)(0.3 * Math.Sin(2 * Math.PI * (150 + 40 * i) * n / 16000) * Math.Sin(2 * Math.PI * 2 * n / 16000))).ToArray();
            OnnxAudio.Audio.AudioFile.WriteMono(Path.Combine(_root, "train", "clean", $"c{i}.wav"), clean, 16000);
        }

        var real = new RestorationCorpus(_root, OnnxAudio.Training.Data.Split.Train, RestorationKind.Denoise, 16000, TrainingNoise.Real);
        var soft = new RestorationCorpus(_root, OnnxAudio.Training.Data.Split.Train, RestorationKind.Denoise, 16000, TrainingNoise.RealSoftBabble, residualDb);
        float g = (float)Math.Pow(10, residualDb / 20);
        int changed = 0, n = 120;
        for (int i = 0; i < n; i++)
        {
            var a = real.Get(i % real.Count, new Random(i));
            var b = soft.Get(i % soft.Count, new Random(i));
            Assert.Equal(a.Degraded, b.Degraded); // same inputs, same random draws
            if (a.Clean.AsSpan().SequenceEqual(b.Clean))
                continue;
            changed++;
            // target = clean + g · (noisy − clean), all at the pair's level
            for (int t = 0; t < a.Clean.Length; t += 97)
                Assert.Equal(a.Clean[t] + g * (a.Degraded[t] - a.Clean[t]), b.Clean[t], 1e-5f);
        }

        // Fresh noise in half the examples (no stored pairs here: 0.9 of them), babble one draw in three.
        Assert.InRange(changed, 20, 60);
    }
}
