using FsCheck;
using FsCheck.Fluent;
using OnnxAudio.Dsp;

namespace OnnxAudio.Tests.Dsp;

public class StftTests
{
    public static TheoryData<int, int, int, bool, bool> Configurations() => new()
    {
        // nFft, hop, winLength, center, reflect
        { 512, 128, 512, true, true },
        { 400, 160, 400, true, true },
        { 512, 160, 400, true, false },
        { 480, 120, 480, false, false },
        { 320, 160, 320, true, true },
        { 1024, 256, 1000, true, true },
        { 256, 64, 256, false, true },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Forward_matches_a_frame_by_frame_MathNet_reference(int nFft, int hop, int win, bool center, bool reflect)
    {
        float[] x = DspReference.RandomSignal(16000 + 37, nFft + hop);
        var stft = new Stft(new StftOptions
        {
            NFft = nFft, HopLength = hop, WinLength = win, Center = center, PadMode = reflect ? PaddingMode.Reflect : PaddingMode.Constant,
        });
        ComplexSpectrogram ours = stft.Forward(x);
        var reference = DspReference.Stft(x, nFft, hop, DspReference.Hann(win, periodic: true), center, reflect);
        Assert.Equal(reference.Length, ours.Frames);
        double maxErr = 0, maxRef = 0;
        for (int t = 0; t < ours.Frames; t++)
            for (int k = 0; k < ours.Bins; k++)
            {
                maxErr = Math.Max(maxErr, Math.Abs(ours.Real[t * ours.Bins + k] - reference[t][k].Real));
                maxErr = Math.Max(maxErr, Math.Abs(ours.Imag[t * ours.Bins + k] - reference[t][k].Imaginary));
                maxRef = Math.Max(maxRef, reference[t][k].Magnitude);
            }

        Assert.True(maxErr / maxRef < 1e-5, $"relative error {maxErr / maxRef:E2}");
    }

    [Fact]
    public void Short_signals_use_the_scalar_path_with_the_same_result()
    {
        float[] x = DspReference.RandomSignal(300, 3);
        var stft = new Stft(new StftOptions { NFft = 256, HopLength = 128 });
        ComplexSpectrogram ours = stft.Forward(x); // 3 frames: fewer than a SIMD batch
        var reference = DspReference.Stft(x, 256, 128, DspReference.Hann(256, true), true, true);
        for (int t = 0; t < ours.Frames; t++)
            for (int k = 0; k < ours.Bins; k++)
                Assert.True(Math.Abs(reference[t][k].Real - ours.Real[t * ours.Bins + k]) < 1e-4);
    }

    [Theory]
    [InlineData(512, 128, WindowFunction.Hann, true)]
    [InlineData(400, 100, WindowFunction.Hann, true)]
    [InlineData(320, 160, WindowFunction.SqrtHann, false)]
    [InlineData(512, 256, WindowFunction.Hamming, true)]
    [InlineData(480, 120, WindowFunction.Blackman, false)]
    public void Inverse_reconstructs_the_signal(int nFft, int hop, WindowFunction window, bool center)
    {
        Prop.ForAll(Gen.Choose(nFft + 1, 8000).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (length, seed) =>
        {
            float[] x = DspReference.RandomSignal(length, seed);
            var stft = new Stft(new StftOptions { NFft = nFft, HopLength = hop, Window = window, Center = center });
            ComplexSpectrogram s = stft.Forward(x);
            float[] y = stft.Inverse(s, center ? length : stft.SignalLength(s.Frames));
            // Without centring, the first and last partial hops are covered by the window's tails only.
            int from = center ? 0 : nFft, to = center ? length : y.Length - nFft;
            for (int n = from; n < to; n++)
                if (Math.Abs(x[n] - y[n]) > 1e-5)
                    return false;
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Streaming_analysis_and_synthesis_equal_the_offline_transforms()
    {
        var options = new StftOptions { NFft = 320, HopLength = 160, Window = WindowFunction.SqrtHann, Center = false };
        float[] x = DspReference.RandomSignal(16000, 9);
        var offline = new Stft(options);
        ComplexSpectrogram reference = offline.Forward(x);
        float[] offlineOut = offline.Inverse(reference);

        var analysis = new StreamingStft(options);
        var synthesis = new StreamingIstft(options);
        float[] re = new float[analysis.Bins], im = new float[analysis.Bins];
        var output = new List<float>();
        var block = new float[160];
        var random = new Random(1);
        int frame = 0, pos = 0;
        while (pos < x.Length)
        {
            int n = Math.Min(random.Next(1, 700), x.Length - pos);
            analysis.Push(x.AsSpan(pos, n));
            pos += n;
            while (analysis.TryReadFrame(re, im))
            {
                for (int k = 0; k < re.Length; k++)
                {
                    Assert.Equal(reference.Real[frame * re.Length + k], re[k], 5);
                    Assert.Equal(reference.Imag[frame * re.Length + k], im[k], 5);
                }

                synthesis.PushFrame(re, im, block);
                output.AddRange(block);
                frame++;
            }
        }

        var tail = new float[320];
        output.AddRange(tail.AsSpan(0, synthesis.Flush(tail)));
        Assert.Equal(reference.Frames, frame);
        Assert.Equal(offlineOut.Length, output.Count);
        for (int i = 0; i < offlineOut.Length; i++)
            Assert.Equal(offlineOut[i], output[i], 5);
        Assert.Equal(319, synthesis.AlgorithmicLatencySamples);
    }

    [Fact]
    public void A_sine_peaks_in_its_bin_in_every_frame()
    {
        // 1000 Hz at 16 kHz with n_fft 512: bin 32 exactly.
        float[] x = Enumerable.Range(0, 16000).Select(i => (float)Math.Sin(2 * Math.PI * 1000 * i / 16000)).ToArray();
        var stft = new Stft(new StftOptions { NFft = 512, HopLength = 128 });
        float[] power = new float[stft.FrameCount(x.Length) * stft.Bins];
        stft.Power(x, power);
        for (int t = 4; t < stft.FrameCount(x.Length) - 4; t++)
        {
            var frame = power.AsSpan(t * stft.Bins, stft.Bins);
            Assert.Equal(32, frame.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(frame)));
            // Hann window sum is 256, so a unit sine's peak bin has |X| = 128.
            Assert.Equal(128 * 128, frame[32], 128 * 128 * 1e-4f);
        }
    }

    [Fact]
    public void Frame_counts_follow_torch()
    {
        var centred = new Stft(new StftOptions { NFft = 400, HopLength = 160 });
        Assert.Equal(101, centred.FrameCount(16000));
        Assert.Equal(1, centred.FrameCount(0));
        var plain = new Stft(new StftOptions { NFft = 400, HopLength = 160, Center = false });
        Assert.Equal(98, plain.FrameCount(16000));
        Assert.Equal(0, plain.FrameCount(399));
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new Stft(new StftOptions { NFft = 513 }));
        Assert.Throws<ArgumentException>(() => new Stft(new StftOptions { NFft = 512, WinLength = 600 }));
        Assert.Throws<ArgumentException>(() => new Stft(new StftOptions { HopLength = 0 }));
    }
}
