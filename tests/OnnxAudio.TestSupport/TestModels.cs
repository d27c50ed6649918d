namespace OnnxAudio.Tests.TestSupport;

/// <summary>
/// The small committed models the tests run (Models/, copied beside the test binary): a tone classifier trained
/// for 200 steps, untrained denoise/declip/look-ahead models, and a small codec (stem "codec"). How they are made:
/// <c>tests/OnnxAudio.Training.Tests/CliTestModelsTests.cs</c>.
/// </summary>
public static class TestModels
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Models", name);

    public static string Tones => Path("tones.onnx");

    public static string Denoiser => Path("denoise.onnx");

    public static string Declipper => Path("declip.onnx");

    public static string LookAheadDenoiser => Path("denoise-la1.onnx");

    /// <summary>The codec's stem: codec.encoder.onnx and codec.decoder.onnx.</summary>
    public static string Codec => Path("codec");
}
