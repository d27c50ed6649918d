using FsCheck;
using FsCheck.Fluent;
using MathNet.Numerics.IntegralTransforms;
using OnnxAudio.Dsp;
using Complex32 = MathNet.Numerics.Complex32;

namespace OnnxAudio.Tests.Dsp;

/// <summary>The FFT against MathNet.Numerics' transform (an independent implementation), plus its algebraic properties.</summary>
public class FftTests
{
    public static readonly int[] ComplexSizes =
        [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25, 27, 30, 32, 45, 60, 64, 75, 81, 96, 100, 125, 128, 200, 240, 243, 256, 375, 400, 480, 512, 625, 1000, 1024, 2048, 3000, 4096];

    public static TheoryData<int> ComplexSizeData() => new(ComplexSizes);

    public static TheoryData<int> RealSizeData() => new(ComplexSizes.Select(n => 2 * n));

    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>Largest error relative to the largest reference magnitude.</summary>
    private static double RelativeError(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Complex32[] reference)
    {
        double maxErr = 0, maxRef = 1e-30;
        for (int i = 0; i < reference.Length; i++)
        {
            maxErr = Math.Max(maxErr, Math.Abs(re[i] - reference[i].Real));
            maxErr = Math.Max(maxErr, Math.Abs(im[i] - reference[i].Imaginary));
            maxRef = Math.Max(maxRef, reference[i].Magnitude);
        }

        return maxErr / maxRef;
    }

    [Theory]
    [MemberData(nameof(ComplexSizeData))]
    public void Complex_forward_and_inverse_match_MathNet(int n)
    {
        float[] re = Random(n, n), im = Random(n, n + 1);
        Complex32[] reference = re.Zip(im, (a, b) => new Complex32(a, b)).ToArray();
        Fourier.Forward(reference, FourierOptions.Matlab);
        float[] r = (float[])re.Clone(), i = (float[])im.Clone();
        Fft.Forward(r, i);
        Assert.True(RelativeError(r, i, reference) < 1e-5, $"n={n}: forward error {RelativeError(r, i, reference):E2}");

        Fourier.Inverse(reference, FourierOptions.Matlab);
        Fft.Inverse(r, i);
        Assert.True(RelativeError(r, i, reference) < 1e-5, $"n={n}: inverse error {RelativeError(r, i, reference):E2}");
        Assert.True(RelativeError(r, i, re.Zip(im, (a, b) => new Complex32(a, b)).ToArray()) < 1e-5);
    }

    [Theory]
    [MemberData(nameof(RealSizeData))]
    public void Real_forward_and_inverse_match_MathNet(int n)
    {
        float[] x = Random(n, n);
        Complex32[] reference = x.Select(v => new Complex32(v, 0)).ToArray();
        Fourier.Forward(reference, FourierOptions.Matlab);
        int bins = n / 2 + 1;
        float[] re = new float[bins], im = new float[bins];
        Fft.ForwardReal(x, re, im);
        double err = RelativeError(re, im, reference[..bins]);
        Assert.True(err < 1e-5, $"n={n}: real forward error {err:E2}");

        float[] back = new float[n];
        Fft.InverseReal(re, im, back);
        double maxErr = x.Zip(back, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxErr < 1e-5, $"n={n}: real round trip error {maxErr:E2}");
    }

    [Fact]
    public void A_sine_lands_in_its_bin()
    {
        const int n = 480;
        float[] x = Enumerable.Range(0, n).Select(t => (float)Math.Cos(2 * Math.PI * 7 * t / n)).ToArray();
        float[] re = new float[n / 2 + 1], im = new float[n / 2 + 1];
        Fft.ForwardReal(x, re, im);
        for (int k = 0; k <= n / 2; k++)
        {
            Assert.Equal(k == 7 ? n / 2f : 0f, re[k], 3);
            Assert.Equal(0f, im[k], 3);
        }
    }

    [Fact]
    public void Parseval_holds_for_any_input()
    {
        Prop.ForAll(Gen.Elements(ComplexSizes).ToArbitrary(), Gen.Choose(0, 10000).ToArbitrary(), (n, seed) =>
        {
            float[] re = Random(n, seed), im = Random(n, seed + 7);
            double timeEnergy = re.Sum(v => (double)v * v) + im.Sum(v => (double)v * v);
            Fft.Forward(re, im);
            double freqEnergy = (re.Sum(v => (double)v * v) + im.Sum(v => (double)v * v)) / n;
            return Math.Abs(timeEnergy - freqEnergy) <= 1e-4 * timeEnergy;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Transform_is_linear()
    {
        Prop.ForAll(Gen.Elements(ComplexSizes).ToArbitrary(), Gen.Choose(0, 10000).ToArbitrary(), (n, seed) =>
        {
            float[] ar = Random(n, seed), ai = Random(n, seed + 1), br = Random(n, seed + 2), bi = Random(n, seed + 3);
            const float alpha = 0.7f, beta = -1.3f;
            float[] sr = ar.Zip(br, (a, b) => alpha * a + beta * b).ToArray(), si = ai.Zip(bi, (a, b) => alpha * a + beta * b).ToArray();
            Fft.Forward(ar, ai);
            Fft.Forward(br, bi);
            Fft.Forward(sr, si);
            double scale = Math.Sqrt(n) * 4;
            for (int k = 0; k < n; k++)
            {
                if (Math.Abs(sr[k] - (alpha * ar[k] + beta * br[k])) > 1e-5 * scale || Math.Abs(si[k] - (alpha * ai[k] + beta * bi[k])) > 1e-5 * scale)
                    return false;
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Batch_lanes_compute_the_same_transforms_as_single_ones()
    {
        foreach (int n in new[] { 256, 200, 240, 375 })
        {
            int w = VectorLane.Width;
            float[][] frames = Enumerable.Range(0, w).Select(f => Random(2 * n, 100 * n + f)).ToArray();
            float[] re = new float[n * w], im = new float[n * w];
            for (int f = 0; f < w; f++)
                for (int k = 0; k < n; k++)
                {
                    re[k * w + f] = frames[f][2 * k];
                    im[k * w + f] = frames[f][2 * k + 1];
                }

            ComplexFftPlan.Get(n).Forward<VectorLane>(re, im, new float[n * w], new float[n * w]);
            for (int f = 0; f < w; f++)
            {
                float[] r = Enumerable.Range(0, n).Select(k => frames[f][2 * k]).ToArray();
                float[] i = Enumerable.Range(0, n).Select(k => frames[f][2 * k + 1]).ToArray();
                Fft.Forward(r, i);
                for (int k = 0; k < n; k++)
                {
                    Assert.Equal(r[k], re[k * w + f], 4);
                    Assert.Equal(i[k], im[k * w + f], 4);
                }
            }
        }
    }

    [Fact]
    public void Steady_state_calls_allocate_nothing()
    {
        float[] x = Random(512, 1), re = new float[257], im = new float[257];
        Fft.ForwardReal(x, re, im);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
            Fft.ForwardReal(x, re, im);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Unsupported_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Fft.Forward(new float[7], new float[7]));
        Assert.Throws<ArgumentException>(() => Fft.ForwardReal(new float[15], new float[8], new float[8]));
        Assert.False(Fft.IsSupportedRealLength(14));
        Assert.True(Fft.IsSupportedRealLength(400));
    }
}
