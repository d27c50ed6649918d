using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Audio;
using OnnxAudio.Dsp;
using OnnxAudio.Graphs;

namespace OnnxAudio.Tests.Dsp;

/// <summary>
/// Phase from STFT magnitudes alone: magnitudes come from the MathNet reference STFT, the result is resynthesised and
/// judged against the known signal (a sine's amplitude and residual) or against those magnitudes, with random phases
/// as the baseline a working reconstruction must beat by far. The ONNX version (<see cref="PhaseGraph"/>, for hosts
/// without the runtime) is held to the same references and compared with RTPGHI on the same magnitudes.
/// </summary>
public class PhaseReconstructionTests
{
    private const int Rate = 16_000, NFft = 640, Hop = 160;
    private static readonly StftOptions Options = new() { NFft = NFft, HopLength = Hop };

    /// <summary>Reference magnitudes [frames][bins] (centred, reflect-padded Hann STFT).</summary>
    private static float[][] Magnitudes(float[] x) =>
        DspReference.Stft(x, NFft, Hop, DspReference.Hann(NFft, periodic: true), center: true, reflect: true)
            .Select(frame => frame.Select(c => c.Magnitude).ToArray()).ToArray();

    /// <summary>Phases by <see cref="PhaseReconstruction"/> (or random ones), resynthesised to <paramref name="length"/> samples.</summary>
    private static float[] Resynthesise(float[][] magnitudes, int length, bool randomPhase = false)
    {
        int frames = magnitudes.Length, bins = NFft / 2 + 1;
        var real = new float[frames * bins];
        var imag = new float[frames * bins];
        var phase = new PhaseReconstruction(Options);
        var random = new Random(5);
        int next = 0;
        for (int t = 0; t < frames; t++)
        {
            if (randomPhase)
            {
                for (int k = 0; k < bins; k++)
                {
                    double p = 2 * Math.PI * random.NextDouble();
                    real[t * bins + k] = (float)(magnitudes[t][k] * Math.Cos(p));
                    imag[t * bins + k] = (float)(magnitudes[t][k] * Math.Sin(p));
                }
            }
            else if (phase.Push(magnitudes[t], real.AsSpan(next * bins, bins), imag.AsSpan(next * bins, bins)))
            {
                next++;
            }
        }

        if (!randomPhase)
            Assert.True(phase.Flush(real.AsSpan(next * bins, bins), imag.AsSpan(next * bins, bins)));
        var y = new float[length];
        new Stft(Options).Inverse(real, imag, frames, y);
        return y;
    }

    /// <summary>Phases by <see cref="PhaseGraph"/> in ONNX Runtime, resynthesised by the runtime's inverse STFT.</summary>
    private static float[] ResynthesiseInGraph(float[][] magnitudes, int length)
    {
        int frames = magnitudes.Length, bins = NFft / 2 + 1;
        var g = new OnnxGraph("phase_test");
        OnnxValue input = g.AddInput("magnitude", "batch", "frames", bins);
        g.AddOutput(PhaseGraph.Spectrum(g, input, new StftOptions { NFft = NFft, HopLength = Hop, Center = false }), "spectrum", "batch", "frames", bins, 2);
        using var session = new InferenceSession(g.ToBytes());
        float[] flat = magnitudes.SelectMany(m => m).ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(flat, [1, frames, bins]);
        using var outputs = session.Run(new RunOptions(), ["magnitude"], [value], ["spectrum"]);
        ReadOnlySpan<float> spectrum = outputs[0].GetTensorDataAsSpan<float>();
        var real = new float[frames * bins];
        var imag = new float[frames * bins];
        for (int i = 0; i < real.Length; i++)
        {
            real[i] = spectrum[2 * i];
            imag[i] = spectrum[2 * i + 1];
            // The magnitudes are kept; only the phase is new.
            Assert.Equal(flat[i], MathF.Sqrt(real[i] * real[i] + imag[i] * imag[i]), 1e-4f * (1 + flat[i]));
        }

        var y = new float[length];
        new Stft(Options).Inverse(real, imag, frames, y);
        return y;
    }

    /// <summary>‖|STFT(y)| − target‖ / ‖target‖ over all frames.</summary>
    private static double SpectralConvergence(float[] y, float[][] target)
    {
        float[][] actual = Magnitudes(y);
        double error = 0, energy = 0;
        for (int t = 0; t < target.Length; t++)
            for (int k = 0; k < target[t].Length; k++)
            {
                error += Math.Pow(actual[t][k] - target[t][k], 2);
                energy += Math.Pow(target[t][k], 2);
            }

        return Math.Sqrt(error / energy);
    }

    [Fact]
    public void A_sine_between_bins_comes_back_as_that_sine()
    {
        const double frequency = 1234.5; // between bins 49 and 50 (25 Hz apart)
        float[] x = Signals.Sine(frequency, Rate, Rate, amplitude: 0.5);
        float[] y = Resynthesise(Magnitudes(x), x.Length);
        // Away from the ends (one window each), the output is a sine at full amplitude and little else. Its frequency
        // comes from the magnitudes' slope across bins (exact for a Gaussian window, close for Hann): within 1/10 bin.
        var (bestFrequency, amplitude, residual) = BestSine(y.AsSpan(NFft, x.Length - 2 * NFft), frequency - 5, frequency + 5);
        Assert.InRange(bestFrequency, frequency - 2.5, frequency + 2.5);
        Assert.InRange(amplitude, 0.49, 0.51);
        Assert.True(residual < 0.01, $"residual RMS {residual}");

        float[] random = Resynthesise(Magnitudes(x), x.Length, randomPhase: true);
        Assert.True(BestSine(random.AsSpan(NFft, x.Length - 2 * NFft), frequency - 5, frequency + 5).ResidualRms > 5 * residual,
            "random phases must do far worse, or this test proves nothing");
    }

    /// <summary>The sine (searched in 0.1 Hz steps) that explains the most of <paramref name="x"/>.</summary>
    private static (double Frequency, double Amplitude, double ResidualRms) BestSine(ReadOnlySpan<float> x, double from, double to)
    {
        (double Frequency, double Amplitude, double ResidualRms) best = (0, 0, double.MaxValue);
        for (double f = from; f <= to; f += 0.1)
        {
            var (amplitude, residual) = Signals.FitSine(x, f, Rate);
            if (residual < best.ResidualRms)
                best = (f, amplitude, residual);
        }

        return best;
    }

    /// <summary>2 s: 10 harmonics of a 140 Hz fundamental with ±15 Hz vibrato at 5 Hz, decaying 6 dB per harmonic, and onsets.</summary>
    private static float[] VoiceLikeTone()
    {
        var x = new float[Rate * 2];
        double phase = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double f0 = 140 + 15 * Math.Sin(2 * Math.PI * 5 * i / Rate);
            phase += 2 * Math.PI * f0 / Rate;
            double gate = (i / 4000) % 3 == 2 ? 0.05 : 1;
            for (int h = 1; h <= 10; h++)
                x[i] += (float)(gate * 0.2 * Math.Pow(0.5, h - 1) * Math.Sin(h * phase));
        }

        return x;
    }

    [Fact]
    public void A_voice_like_tone_with_vibrato_keeps_its_spectrogram()
    {
        float[] x = VoiceLikeTone();

        float[][] target = Magnitudes(x);
        double reconstructed = SpectralConvergence(Resynthesise(target, x.Length), target);
        double random = SpectralConvergence(Resynthesise(target, x.Length, randomPhase: true), target);
        Assert.True(reconstructed < 0.2, $"spectral convergence {reconstructed:0.000}");
        Assert.True(reconstructed < random / 3, $"{reconstructed:0.000} against random phases' {random:0.000}");
    }

    [Fact]
    public void The_onnx_graph_brings_a_sine_between_bins_back_as_that_sine()
    {
        const double frequency = 1234.5;
        float[] x = Signals.Sine(frequency, Rate, Rate, amplitude: 0.5);
        float[] y = ResynthesiseInGraph(Magnitudes(x), x.Length);
        var (bestFrequency, amplitude, residual) = BestSine(y.AsSpan(NFft, x.Length - 2 * NFft), frequency - 5, frequency + 5);
        Assert.InRange(bestFrequency, frequency - 2.5, frequency + 2.5);
        Assert.InRange(amplitude, 0.49, 0.51);
        Assert.True(residual < 0.01, $"residual RMS {residual}");
    }

    [Fact]
    public void The_onnx_graph_keeps_a_voice_like_tone_and_speech_about_as_well_as_rtpghi()
    {
        float[] tone = VoiceLikeTone();

        string samples = RepositoryFiles.Path("models/samples/speech");
        float[] speech = [.. Directory.GetFiles(samples, "*_clean.wav").Order(StringComparer.Ordinal).Take(3).SelectMany(f => AudioFile.ReadMono(f, Rate))];
        foreach (var (name, x) in new[] { ("tone", tone), ("speech", speech) })
        {
            float[][] target = Magnitudes(x);
            double graph = SpectralConvergence(ResynthesiseInGraph(target, x.Length), target);
            double rtpghi = SpectralConvergence(Resynthesise(target, x.Length), target);
            double random = SpectralConvergence(Resynthesise(target, x.Length, randomPhase: true), target);
            // Measured: tone 0.089 (RTPGHI 0.078), speech 0.068 (0.074); random phases 0.64.
            Assert.True(graph < random / 5, $"{name}: graph {graph:0.000} against random phases' {random:0.000}");
            Assert.True(graph < rtpghi + 0.03, $"{name}: graph {graph:0.000} against RTPGHI's {rtpghi:0.000}");
        }
    }

    [Fact]
    public void Frames_come_out_once_each_one_frame_late_and_the_same_every_time()
    {
        float[][] magnitudes = Magnitudes(DspReference.RandomSignal(Rate / 4, 3));
        int bins = NFft / 2 + 1;
        float[] Run()
        {
            var phase = new PhaseReconstruction(Options);
            var output = new List<float>();
            float[] real = new float[bins], imag = new float[bins];
            Assert.False(phase.Push(magnitudes[0], real, imag));
            for (int t = 1; t < magnitudes.Length; t++)
            {
                Assert.True(phase.Push(magnitudes[t], real, imag));
                // Frame t − 1 came out: its magnitudes are kept exactly.
                for (int k = 0; k < bins; k++)
                    Assert.Equal(magnitudes[t - 1][k], MathF.Sqrt(real[k] * real[k] + imag[k] * imag[k]), 3e-4f * (1 + magnitudes[t - 1][k]));
                output.AddRange(real);
                output.AddRange(imag);
            }

            Assert.True(phase.Flush(real, imag));
            Assert.False(phase.Flush(real, imag));
            output.AddRange(real);
            return output.ToArray();
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Refuses_what_it_cannot_reconstruct()
    {
        Assert.Throws<ArgumentException>(() => new PhaseReconstruction(new StftOptions { NFft = 512, HopLength = 128, Window = WindowFunction.Hamming }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhaseReconstruction(Options, tolerance: 0));
        var phase = new PhaseReconstruction(Options);
        Assert.Throws<ArgumentException>(() => phase.Push(new float[100], new float[321], new float[321]));
    }
}
