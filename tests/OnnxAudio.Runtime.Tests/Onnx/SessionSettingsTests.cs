using OnnxAudio.Audio;
using OnnxAudio.Compression;
using OnnxAudio.Onnx;
using OnnxAudio.Recognition;
using OnnxAudio.Restoration;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Tests.Onnx;

/// <summary>Graph optimisation levels, the optimised-model cache and warm-up, each checked against a plainly loaded model's output.</summary>
public sealed class SessionSettingsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "onnxaudio-session-" + Guid.NewGuid().ToString("N"));
    private static readonly string Denoiser = ShippedFiles.Path("denoise.onnx");

    private static float[] Noisy() => AudioFile.ReadMono(ShippedFiles.SpeechSamples()[0].Noisy, 16000)[..16000];

    private static float[] Denoise(InferenceOptions options)
    {
        using Restorer restorer = Restorer.Load(Denoiser, options);
        return restorer.Process(Noisy());
    }

    private static float MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    [Theory]
    [InlineData(GraphOptimization.None)]
    [InlineData(GraphOptimization.Basic)]
    [InlineData(GraphOptimization.Extended)]
    public void Every_optimisation_level_computes_what_the_full_one_does(GraphOptimization level)
    {
        float[] reference = Denoise(new InferenceOptions { GraphOptimization = GraphOptimization.All });
        Assert.True(MaxDifference(reference, Denoise(new InferenceOptions { GraphOptimization = level })) < 1e-5);
    }

    [Fact]
    public void Cache_saves_the_optimised_model_once_and_later_loads_use_it()
    {
        float[] reference = Denoise(InferenceOptions.Default);
        var options = new InferenceOptions { OptimizedModelCache = _folder };
        string entry = SessionFactory.CachePath(File.ReadAllBytes(Denoiser), _folder, ExecutionProvider.Cpu, GraphOptimization.All);

        Assert.True(MaxDifference(reference, Denoise(options)) < 1e-5);
        Assert.True(File.Exists(entry));
        Assert.Single(Directory.GetFiles(_folder));   // no temporary file left behind
        DateTime written = File.GetLastWriteTimeUtc(entry);

        // The cached graph keeps the model's metadata (the restorer reads its STFT and state sizes from it).
        Assert.True(MaxDifference(reference, Denoise(options)) < 1e-5);
        Assert.Equal(written, File.GetLastWriteTimeUtc(entry));
    }

    [Fact]
    public void Damaged_cache_entry_is_replaced_and_an_unwritable_cache_is_ignored()
    {
        float[] reference = Denoise(InferenceOptions.Default);
        string entry = SessionFactory.CachePath(File.ReadAllBytes(Denoiser), _folder, ExecutionProvider.Cpu, GraphOptimization.All);
        Directory.CreateDirectory(_folder);
        File.WriteAllBytes(entry, [1, 2, 3, 4]);
        Assert.True(MaxDifference(reference, Denoise(new InferenceOptions { OptimizedModelCache = _folder })) < 1e-5);
        Assert.True(new FileInfo(entry).Length > 1000);

        // A "folder" that is a file: the model loads, uncached.
        string notAFolder = Path.Combine(_folder, "file");
        File.WriteAllText(notAFolder, "x");
        Assert.True(MaxDifference(reference, Denoise(new InferenceOptions { OptimizedModelCache = notAFolder })) < 1e-5);
    }

    [Fact]
    public void Warm_up_leaves_every_engine_computing_what_a_cold_one_does()
    {
        var warm = new InferenceOptions { WarmUp = true };
        Assert.Equal(Denoise(InferenceOptions.Default), Denoise(warm));

        float[] clip = AudioFile.ReadMono(Directory.GetFiles(ShippedFiles.Path("samples/kws"), "*.wav")[0], 16000);
        using (AudioClassifier cold = AudioClassifier.Load(ShippedFiles.Path("kws.onnx")), warmed = AudioClassifier.Load(ShippedFiles.Path("kws.onnx"), warm))
            Assert.Equal(cold.Classify(clip).Ranked, warmed.Classify(clip).Ranked);

        string codec = ShippedFiles.Path("codec.encoder.onnx");
        using SpeechCodec coldCodec = SpeechCodec.Load(codec), warmCodec = SpeechCodec.Load(codec, warm);
        byte[] bitstream = coldCodec.Compress(Noisy(), coldCodec.CodebooksFor(3));
        Assert.Equal(bitstream, warmCodec.Compress(Noisy(), warmCodec.CodebooksFor(3)));
        using SpeechCodec player = SpeechCodec.LoadDecoder(SpeechCodec.Paths(codec).Decoder, warm);
        Assert.Equal(coldCodec.Decompress(bitstream), player.Decompress(bitstream));
    }

    [Fact]
    public void Invalid_settings_are_refused_when_a_model_loads()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Restorer.Load(Denoiser, new InferenceOptions { IntraOpThreads = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Restorer.Load(Denoiser, new InferenceOptions { GraphOptimization = (GraphOptimization)42 }));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
