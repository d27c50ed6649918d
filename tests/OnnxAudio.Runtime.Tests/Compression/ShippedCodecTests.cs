using OnnxAudio.Audio;
using OnnxAudio.Compression;
using OnnxAudio.Evaluation;
using OnnxAudio.Onnx;
using OnnxAudio.Tests.TestSupport;

namespace OnnxAudio.Tests.Compression;

/// <summary>The shipped codec (models/codec.*.onnx) on the shipped held-out speech samples.</summary>
public class ShippedCodecTests
{
    private static SpeechCodec Load() => SpeechCodec.Load(ShippedFiles.Path("codec.encoder.onnx"), new InferenceOptions { IntraOpThreads = 1 });

    private static float[] Speech() =>
        ShippedFiles.SpeechSamples().SelectMany(s => AudioFile.ReadMono(s.Clean, 16000)).ToArray();

    [Theory]
    [InlineData(6.0)]
    [InlineData(3.0)]
    [InlineData(1.5)]
    public void Each_rate_keeps_length_and_lands_within_5_percent(double kbps)
    {
        using SpeechCodec codec = Load();
        float[] speech = Speech();
        byte[] file = codec.Compress(speech, codec.CodebooksFor(kbps));
        double fileKbps = file.Length * 8 / (speech.Length / 16000.0) / 1000;
        Assert.InRange(fileKbps, kbps, kbps * 1.05);
        float[] decoded = codec.Decompress(file);
        Assert.Equal(speech.Length, decoded.Length);
        double stoi = Stoi.Compute(speech, decoded, 16000);
        Assert.True(stoi > 0.6, $"STOI {stoi:0.000} at {kbps} kbit/s");
    }

    [Fact]
    public void More_bits_sound_better()
    {
        using SpeechCodec codec = Load();
        float[] speech = Speech();
        double Mel(double kbps) => SignalMetrics.MelDistance(speech, codec.Decompress(codec.Compress(speech, codec.CodebooksFor(kbps))), 16000);
        Assert.True(Mel(6) < Mel(1.5));
    }

    [Fact]
    public void A_decoder_alone_decodes_and_entropy_coding_saves_bits()
    {
        using SpeechCodec codec = Load();
        float[] speech = Speech();
        byte[] packed = codec.Compress(speech, codec.CodebooksFor(6));
        byte[] coded = codec.Compress(speech, codec.CodebooksFor(6), entropyCoding: true);
        Assert.True(coded.Length < packed.Length, $"{coded.Length} vs {packed.Length} bytes");
        using SpeechCodec decoder = SpeechCodec.LoadDecoder(ShippedFiles.Path("codec.decoder.onnx"));
        Assert.False(decoder.CanEncode);
        float[] a = codec.Decompress(packed), b = decoder.Decompress(coded);
        Assert.True(a.Zip(b, (x, y) => Math.Abs(x - y)).Max() < 1e-5, "the same codes must decode the same either way");
    }

    [Fact]
    public void Rejects_unsupported_rates_with_the_list_of_rates()
    {
        using SpeechCodec codec = Load();
        var e = Assert.Throws<OnnxAudioException>(() => codec.CodebooksFor(2.2));
        Assert.Contains("1.5", e.Message);
        Assert.Contains("6", e.Message);
    }
}
