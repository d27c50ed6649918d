using OnnxAudio.Training.Export;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Models.Layers;

/// <summary>
/// The input features of the spectral models: log(re² + im² + floor) of a spectrum [..., bins, 2], in TorchSharp and
/// as ONNX nodes, so training and the exported graph compute the same thing.
/// </summary>
public static class LogPowerSpectrum
{
    /// <summary>Smallest power added before the logarithm (keeps digital silence finite).</summary>
    public const float Floor = 1e-8f;

    public static Tensor Compute(Tensor spectrum) => (spectrum.square().sum(-1) + Floor).log();

    public static OnnxValue Export(OnnxGraph g, OnnxValue spectrum)
    {
        OnnxValue power = g.Op("ReduceSumSquare", [spectrum], ("axes", new long[] { -1 }), ("keepdims", 0L));
        return g.Op("Log", [g.Add(power, g.Scalar("log_floor", Floor))]);
    }
}
