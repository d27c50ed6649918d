using System.Diagnostics;
using OnnxAudio.Dsp;

namespace OnnxAudio.Benchmarks;

/// <summary>Rough split of the STFT's time into packing, FFT and unpacking (run with the argument 'profile').</summary>
internal static class StftProfile
{
    public static void Run()
    {
        const int nFft = 512, frames = 7500;
        int w = VectorLane.Width, m = nFft / 2, bins = m + 1, blocks = frames / w;
        var plan = RealFftPlan.Get(nFft);
        float[] zr = new float[m * w], zi = new float[m * w], wr = new float[m * w], wi = new float[m * w];
        float[] outRe = new float[bins * w], outIm = new float[bins * w];
        var random = new Random(1);
        for (int i = 0; i < zr.Length; i++) { zr[i] = (float)random.NextDouble(); zi[i] = (float)random.NextDouble(); }
        float[] signal = new float[frames * 128 + nFft], window = Windows.Create(WindowFunction.Hann, nFft);
        float[] re = new float[frames * bins], im = new float[frames * bins];
        for (int rep = 0; rep < 12; rep++)
        {
            var sw = Stopwatch.StartNew();
            for (int b = 0; b < blocks; b++)
                plan.ForwardPacked<VectorLane>(zr.AsSpan(), zi, wr, wi, outRe, outIm);
            double fft = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            for (int b = 0; b < blocks; b++)
                for (int lane = 0; lane < w; lane++)
                {
                    var x = signal.AsSpan((b * w + lane) * 128, nFft);
                    for (int k = 0, j = lane; k < m; k++, j += w)
                    {
                        zr[j] = x[2 * k] * window[2 * k];
                        zi[j] = x[2 * k + 1] * window[2 * k + 1];
                    }
                }
            double pack = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            for (int b = 0; b < blocks; b++)
                for (int lane = 0; lane < w; lane++)
                {
                    var r = re.AsSpan((b * w + lane) * bins, bins);
                    var i2 = im.AsSpan((b * w + lane) * bins, bins);
                    for (int k = 0, j = lane; k < bins; k++, j += w)
                    {
                        r[k] = outRe[j];
                        i2[k] = outIm[j];
                    }
                }
            double unpack = sw.Elapsed.TotalMilliseconds;
            Console.WriteLine($"lanes {w}: fft {fft:0.00} ms, pack {pack:0.00} ms, unpack {unpack:0.00} ms for {frames} frames of {nFft}");
        }
    }
}
