using OnnxAudio.Graphs;
namespace OnnxAudio.Training.Export;

/// <summary>
/// A module made of several layers that knows how to export its forward pass: it calls
/// <see cref="OnnxExporter.Apply"/> (or the recurrent helpers) for its parts in the same order as its forward, joined
/// with <see cref="OnnxGraph"/> operations. Parity tests hold the two in step.
/// </summary>
public interface IOnnxExportable
{
    OnnxValue ExportOnnx(OnnxExporter exporter, OnnxValue input, string scope);
}
