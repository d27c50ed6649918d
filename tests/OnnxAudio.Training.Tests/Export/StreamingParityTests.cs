using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Training.Export;
using TorchSharp;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Tests.Export;

/// <summary>
/// Stateful streaming exports: running the exported graph chunk by chunk, feeding each call's state outputs back as the
/// next call's state inputs, must reproduce TorchSharp's forward over the whole sequence.
/// </summary>
public class StreamingParityTests
{
    [Fact]
    public void Gru_state_carried_between_chunks_reproduces_the_whole_sequence()
    {
        torch.manual_seed(5);
        var gru = nn.GRU(6, 8, numLayers: 2, batchFirst: true);
        gru.eval();
        var graph = new OnnxGraph();
        var exporter = new OnnxExporter(graph);
        OnnxValue x = graph.AddInput("x", "batch", "time", 6);
        OnnxValue h = graph.AddInput("h", 2, "batch", 8);
        var (y, hNext) = exporter.Gru(gru, x, h, batchFirst: true, "gru");
        graph.AddOutput(y, "y");
        graph.AddOutput(hNext, "h_next", 2, "batch", 8);
        using InferenceSession session = OnnxParity.Session(graph);

        Tensor input = randn(1, 30, 6);
        float[] expected;
        using (no_grad())
            expected = OnnxExporter.ToArray(gru.forward(input).Item1);
        float[] all = OnnxExporter.ToArray(input);
        float[] state = new float[2 * 8];
        var got = new List<float>();
        foreach (int chunk in new[] { 1, 7, 1, 10, 11 })
        {
            int start = got.Count / 8;
            float[] part = all.AsSpan(start * 6, chunk * 6).ToArray();
            float[][] outputs = OnnxParity.Run(session, ("x", part, [1, chunk, 6]), ("h", state, [2, 1, 8]));
            got.AddRange(outputs[0]);
            state = outputs[1];
        }

        Assert.Equal(expected.Length, got.Count);
        Assert.True(expected.Zip(got, (a, b) => Math.Abs(a - b)).Max() <= OnnxParity.Tolerance);
    }

    [Fact]
    public void Causal_convolution_with_a_cache_reproduces_the_left_padded_convolution()
    {
        torch.manual_seed(6);
        var conv = nn.Conv1d(4, 3, 3, dilation: 2);
        var graph = new OnnxGraph();
        var exporter = new OnnxExporter(graph);
        OnnxValue x = graph.AddInput("x", 1, 4, "time");
        OnnxValue cache = graph.AddInput("cache", 1, 4, 4);
        var (y, next) = exporter.StreamingConv1d(conv, x, cache, "conv");
        graph.AddOutput(y, "y");
        graph.AddOutput(next, "cache_next", 1, 4, 4);
        using InferenceSession session = OnnxParity.Session(graph);

        Tensor input = randn(1, 4, 25);
        float[] expected;
        using (no_grad())
            expected = OnnxExporter.ToArray(conv.forward(nn.functional.pad(input, [4, 0])));
        var inputTc = OnnxExporter.ToArray(input.transpose(1, 2).contiguous()); // [time, channels] to slice chunks
        float[] state = new float[16];
        var outputs = new List<float[]>();
        int done = 0;
        foreach (int chunk in new[] { 1, 5, 9, 10 })
        {
            float[] part = new float[4 * chunk];
            for (int c = 0; c < 4; c++)
                for (int t = 0; t < chunk; t++)
                    part[c * chunk + t] = inputTc[(done + t) * 4 + c];
            float[][] result = OnnxParity.Run(session, ("x", part, [1, 4, chunk]), ("cache", state, [1, 4, 4]));
            outputs.Add(result[0]);
            state = result[1];
            done += chunk;
        }

        // Reassemble [3, time] from the chunks' [3, chunk] outputs.
        int[] sizes = [1, 5, 9, 10];
        for (int c = 0; c < 3; c++)
        {
            int offset = 0;
            for (int i = 0; i < sizes.Length; i++)
            {
                for (int t = 0; t < sizes[i]; t++)
                    Assert.True(Math.Abs(expected[c * 25 + offset + t] - outputs[i][c * sizes[i] + t]) <= OnnxParity.Tolerance);
                offset += sizes[i];
            }
        }
    }

    [Fact]
    public void Metadata_is_readable_by_onnx_runtime()
    {
        var graph = new OnnxGraph();
        graph.AddOutput(graph.Relu(graph.AddInput("x", "batch", 4)), "y");
        graph.Metadata["task"] = "recognition";
        graph.Metadata["sample_rate"] = "16000";
        graph.Metadata["labels"] = "[\"yes\",\"no\"]";
        using InferenceSession session = OnnxParity.Session(graph);
        var custom = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("recognition", custom["task"]);
        Assert.Equal("16000", custom["sample_rate"]);
        Assert.Equal("[\"yes\",\"no\"]", custom["labels"]);
        Assert.Equal("OnnxAudio", session.ModelMetadata.ProducerName);
    }
}
