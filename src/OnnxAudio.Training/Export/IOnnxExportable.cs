using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Export;

/// <summary>
/// The one way a model or layer of this project exports itself: its forward pass as ONNX nodes, values in, values out.
/// It calls <see cref="OnnxExporter.Apply(TorchSharp.torch.nn.Module, OnnxValue, string)"/> (or the recurrent helpers)
/// for its parts in the order of its forward, joined with <see cref="OnnxGraph"/> operations; parity tests hold the two
/// in step. Graph inputs and outputs (names, shapes) are declared by whoever builds the graph — the task or the codec
/// family — never by the module, so a module can be a part of a larger graph or a whole one.
/// </summary>
public interface IOnnxExportable
{
    /// <summary>The forward pass of a module that takes one tensor and gives one.</summary>
    OnnxValue ExportOnnx(OnnxExporter exporter, OnnxValue input, string scope);

    /// <summary>
    /// The forward pass with every input and output in the order the forward takes and returns them (recurrent state,
    /// look-ahead caches); modules with one of each need not implement it.
    /// </summary>
    IReadOnlyList<OnnxValue> ExportOnnx(OnnxExporter exporter, IReadOnlyList<OnnxValue> inputs, string scope) =>
        inputs.Count == 1 ? [ExportOnnx(exporter, inputs[0], scope)] : throw new ArgumentException($"{scope}: this module takes one input, not {inputs.Count}.");
}
