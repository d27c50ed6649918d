using OnnxAudio.Restoration;
using OnnxAudio.Training.Export;
using OnnxAudio.Training.Models;
using OnnxAudio.Training.Restoration;
using OnnxAudio.Training.Tests.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Restoration;

/// <summary>
/// The restoration model as exported and as run by the runtime's <see cref="Restorer"/> against TorchSharp: the graph
/// alone (mask and state, whole and in chunks), and the whole pipeline — STFT, mask, inverse STFT, clipping
/// consistency — against torch.stft/istft on the same waveform.
/// </summary>
public class RestorationParityTests
{
    private static SpectralMaskDenoiser SmallModel(double bound = 1.0, int lookAhead = 0)
    {
        torch.manual_seed(5);
        var model = new SpectralMaskDenoiser(new SpectralMaskConfig(Hidden: 24, Layers: 2, MaskBound: bound, LookAhead: lookAhead));
        if (lookAhead > 0)
        {
            // The look-ahead projection starts at zero; random weights make the parity tests see it.
            using var noGrad = no_grad();
            model.named_parameters().Single(p => p.name == "lookahead.weight").parameter.copy_(randn(24, model.Config.Bins) * 0.1);
        }

        model.eval();
        return model;
    }

    [Fact]
    public void Registers_every_parameter()
    {
        var config = new SpectralMaskConfig(Hidden: 24, Layers: 2);
        using var model = new SpectralMaskDenoiser(config);
        int f = config.Bins, h = config.Hidden;
        long expected = (f * h + h) + 2 * (3 * h * h + 3 * h * h + 6 * h) + (h * h + h) + (h * 2 * f + 2 * f);
        Assert.Equal(expected, model.parameters().Where(p => p.requires_grad).Sum(p => p.numel()));
        Assert.Equal(expected, model.ParameterCount);
    }

    [Fact]
    public void Shipped_size_is_well_under_a_million_parameters()
    {
        using var model = new SpectralMaskDenoiser(RestorationTask.ParseArchitecture(null, RestorationKind.Denoise));
        Assert.InRange(model.ParameterCount, 100_000, 700_000);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Graph_matches_torch_whole_and_in_chunks_with_carried_state_and_cache(int lookAhead)
    {
        using var model = SmallModel(lookAhead: lookAhead);
        using var session = OnnxParity.Session(RestorationTask.CreateGraph(model, RestorationKind.Denoise));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int bins = model.Config.Bins;
        Tensor spectrum = randn(2, 37, bins, 2) * 3;
        Tensor state0 = randn(2, 2, 24) * 0.5;
        Tensor? cache0 = lookAhead > 0 ? randn(2, lookAhead, bins, 2) : null;
        var (mask, state) = model.Mask(spectrum, state0, cache0);

        // One call's inputs: the spectrum, the state and (with look-ahead) the cache of the frames before it.
        float[][] Call(Tensor frames, float[] stateIn, Tensor? cache)
        {
            var inputs = new List<(string, float[], long[])>
            {
                ("spectrum", OnnxExporter.ToArray(frames), frames.shape), ("state", stateIn, [2, 2, 24]),
            };
            if (cache is not null)
                inputs.Add(("spectrum_cache", OnnxExporter.ToArray(cache), cache.shape));
            return OnnxParity.Run(session, [.. inputs]);
        }

        float[][] whole = Call(spectrum, OnnxExporter.ToArray(state0), cache0);
        AssertClose(OnnxExporter.ToArray(mask), whole[0]);
        AssertClose(OnnxExporter.ToArray(state), whole[1]);

        // Frames 0–9, then 10–36 from the state the first call returned and (look-ahead) its last frames as the cache.
        Tensor first = spectrum.narrow(1, 0, 10).contiguous(), second = spectrum.narrow(1, 10, 27).contiguous();
        float[][] a = Call(first, OnnxExporter.ToArray(state0), cache0);
        float[][] b = Call(second, a[1], lookAhead > 0 ? spectrum.narrow(1, 10 - lookAhead, lookAhead).contiguous() : null);
        AssertClose(OnnxExporter.ToArray(mask.narrow(1, 10, 27).contiguous()), b[0]);
        AssertClose(OnnxExporter.ToArray(state), b[1]);
    }

    [Fact]
    public void Look_ahead_changes_the_mask_only_through_the_next_frame()
    {
        using var model = SmallModel(lookAhead: 1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor spectrum = randn(1, 20, model.Config.Bins, 2);
        Tensor changed = spectrum.clone();
        changed[0, 12] = changed[0, 12] * 5;
        Tensor before = model.forward(spectrum), after = model.forward(changed);
        // Frames up to 10 never see frame 12; frame 11 sees it as its look-ahead.
        Assert.True(before.narrow(1, 0, 11).allclose(after.narrow(1, 0, 11)));
        Assert.False(before.narrow(1, 11, 1).allclose(after.narrow(1, 11, 1)));
    }

    [Theory]
    [InlineData(1.0f, 0)]
    [InlineData(0.5f, 0)]
    [InlineData(1.0f, 1)]
    [InlineData(0.7f, 2)]
    public void Restorer_matches_the_torch_pipeline(float strength, int lookAhead)
    {
        using var model = SmallModel(lookAhead: lookAhead);
        using var restorer = Restorer.Load(RestorationTask.CreateGraph(model, RestorationKind.Denoise).ToBytes(), "random-denoiser");
        Assert.Equal(RestorationKind.Denoise, restorer.Kind);
        Assert.Equal(lookAhead, restorer.LookAheadFrames);
        Assert.Equal(160 + 160 * lookAhead, restorer.DelaySamples);
        Assert.Equal(20 + 10 * lookAhead, restorer.AlgorithmicLatency.TotalMilliseconds, 6);
        float[] x = TestSignal(20_811, seed: 3);

        float[] expected = TorchPipeline(model, x, strength, clipLevel: null);
        float[] actual = restorer.Process(x, new RestoreOptions { Strength = strength, PitchFilter = false });   // the network alone
        Assert.Equal(x.Length, actual.Length);
        AssertClose(expected, actual, 1e-4 * x.Max(Math.Abs));
    }

    [Fact]
    public void Declipper_matches_the_torch_pipeline_and_keeps_reliable_samples()
    {
        using var model = SmallModel(bound: 4.0);
        using var restorer = Restorer.Load(RestorationTask.CreateGraph(model, RestorationKind.Declip).ToBytes(), "random-declipper");
        Assert.Equal(RestorationKind.Declip, restorer.Kind);
        float[] clean = TestSignal(16_000, seed: 4);
        float level = 0.3f * clean.Max(Math.Abs);
        float[] clipped = clean.Select(v => Math.Clamp(v, -level, level)).ToArray();

        float[] actual = restorer.Process(clipped);
        float[] expected = TorchPipeline(model, clipped, 1f, level);
        AssertClose(expected, actual, 1e-4 * level);
        for (int i = 0; i < clipped.Length; i++)
        {
            if (Math.Abs(clipped[i]) < level * (1 - ClipRepair.Tolerance))
                Assert.Equal(clipped[i], actual[i]);
            else
                Assert.True(actual[i] * Math.Sign(clipped[i]) >= level, $"sample {i}: {actual[i]} below the clipping level {level}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Streaming_in_any_block_sizes_equals_offline_processing(int lookAhead)
    {
        using var model = SmallModel(lookAhead: lookAhead);
        using var restorer = Restorer.Load(RestorationTask.CreateGraph(model, RestorationKind.Denoise).ToBytes(), "random-denoiser");
        float[] x = TestSignal(12_345, seed: 6);
        float[] offline = restorer.Process(x);

        using RestorationStream stream = restorer.CreateStream();
        var streamed = new List<float>();
        var random = new Random(1);
        var output = new float[stream.MaxOutputSamples(2000)];
        for (int offset = 0; offset < x.Length;)
        {
            int n = Math.Min(random.Next(1, 2000), x.Length - offset);
            streamed.AddRange(output.AsSpan(0, stream.Push(x.AsSpan(offset, n), output)).ToArray());
            offset += n;
        }

        streamed.AddRange(output.AsSpan(0, stream.Flush(output)).ToArray());
        Assert.Equal(x.Length + restorer.DelaySamples, streamed.Count);
        AssertClose(offline, streamed.Skip(restorer.DelaySamples).ToArray(), 1e-6);
    }

    /// <summary>
    /// torch.stft (zero-padded centring, which frames exactly as the primed causal stream) → model → istft. The signal
    /// is padded with n_fft zeros first, as the stream is flushed, so that look-ahead frames see what the stream sees.
    /// </summary>
    internal static float[] TorchPipeline(SpectralMaskDenoiser model, float[] x, float strength, float? clipLevel)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var c = model.Config;
        Tensor window = hann_window(c.NFft).sqrt();
        Tensor signal = tensor(x.Concat(new float[c.NFft]).ToArray()).reshape(1, x.Length + c.NFft);
        Tensor spectrum = view_as_real(stft(signal, c.NFft, c.HopLength, c.NFft, window, center: true, pad_mode: PaddingModes.Constant, return_complex: true)).transpose(1, 2);
        Tensor mask = model.forward(spectrum);
        Tensor ones = stack([ones_like(mask.select(-1, 0)), zeros_like(mask.select(-1, 1))], -1);
        mask = ones + strength * (mask - ones);
        Tensor enhanced = SpectralMaskDenoiser.ApplyMask(mask, spectrum).transpose(1, 2).contiguous();
        Tensor y = istft(view_as_complex(enhanced), c.NFft, c.HopLength, c.NFft, window, center: true, length: x.Length + c.NFft).narrow(1, 0, x.Length);
        signal = signal.narrow(1, 0, x.Length);
        if (clipLevel is float level)
            y = ClipConsistency.Project(y, signal, tensor(new[] { level }).reshape(1, 1));
        return OnnxExporter.ToArray(y);
    }

    /// <summary>Voiced-speech-like test signal: a few harmonics with a slow envelope, plus noise.</summary>
    internal static float[] TestSignal(int length, int seed)
    {
        var random = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            double t = i / 16000.0, envelope = 0.5 + 0.5 * Math.Sin(2 * Math.PI * 3 * t);
            double voiced = Math.Sin(2 * Math.PI * 140 * t) + 0.5 * Math.Sin(2 * Math.PI * 280 * t) + 0.3 * Math.Sin(2 * Math.PI * 910 * t);
            x[i] = (float)(0.2 * envelope * voiced + 0.02 * (random.NextDouble() - 0.5));
        }

        return x;
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance = OnnxParity.Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= tolerance, $"max abs difference {worst:E2} > {tolerance:E2}");
    }
}
