using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Training.Export;
using TorchSharp;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Tests.Export;

/// <summary>Runs the same random inputs through a TorchSharp forward and through ONNX Runtime on the exported graph.</summary>
internal static class OnnxParity
{
    public const double Tolerance = 1e-4;

    /// <summary>An ONNX Runtime session over an exported graph, with every graph optimisation on.</summary>
    public static InferenceSession Session(OnnxGraph graph)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        return new InferenceSession(graph.ToBytes(), options);
    }

    public static float[][] Run(InferenceSession session, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)).ToArray();
        try
        {
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, session.OutputNames.ToArray());
            return results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToArray();
        }
        finally
        {
            foreach (var v in values)
                v.Dispose();
        }
    }

    /// <summary>
    /// Exports <paramref name="module"/> (in eval mode) with input dims <paramref name="dims"/> ("batch"/"time" dynamic)
    /// and returns the largest absolute difference against torch over inputs of the shapes <paramref name="shapes"/>.
    /// </summary>
    public static double MaxDifference(nn.Module<Tensor, Tensor> module, object[] dims, params long[][] shapes) =>
        MaxDifference(x => module.forward(x), (e, x) => e.Apply(module, x, "m"), module, dims, shapes);

    public static double MaxDifference(Func<Tensor, Tensor> forward, Func<OnnxExporter, OnnxValue, OnnxValue> export, nn.Module module, object[] dims, params long[][] shapes)
    {
        module.eval();
        var graph = new OnnxGraph();
        var exporter = new OnnxExporter(graph);
        OnnxValue x = graph.AddInput("x", dims);
        graph.AddOutput(export(exporter, x), "y");
        using InferenceSession session = Session(graph);
        double worst = 0;
        foreach (long[] shape in shapes)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor input = randn(shape);
            float[] expected = OnnxExporter.ToArray(forward(input));
            float[] actual = Run(session, ("x", OnnxExporter.ToArray(input), shape))[0];
            Assert.Equal(expected.Length, actual.Length);
            worst = Math.Max(worst, expected.Zip(actual, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max());
        }

        return worst;
    }
}
