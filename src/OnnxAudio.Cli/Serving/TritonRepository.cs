using System.Globalization;
using System.Text;
using OnnxAudio.Graphs;

namespace OnnxAudio.Cli.Serving;

/// <summary>
/// Writes an NVIDIA Triton model repository of the shipped models' self-contained graphs: per model
/// <c>NAME/config.pbtxt</c> (backend onnxruntime; inputs and outputs from the graph without the batch axis) and
/// <c>NAME/1/model.onnx</c>. Stateless models batch dynamically; the streaming restorers use the sequence batcher with
/// implicit state: Triton keeps every state tensor per sequence, zero at the sequence start, so a client sends only
/// audio (and, for declipping, the clipping level) with sequence_id / sequence_start / sequence_end.
/// </summary>
internal static class TritonRepository
{
    /// <summary>Graph inputs whose next value is the output <c>next_NAME</c> are the stream's state.</summary>
    public static bool IsState(OnnxGraph graph, OnnxTensorInfo input) => graph.Outputs.Any(o => o.Name == "next_" + input.Name);

    public static IReadOnlyList<string> Write(string modelsFolder, string outFolder, int maxBatchSize, int chunkSamples)
    {
        if (maxBatchSize < 1)
            throw new OnnxAudioException("--max-batch-size must be at least 1");
        var written = new List<string>();
        foreach (var (name, source) in WaveformGraphs.Shipped)
        {
            string path = Path.Combine(modelsFolder, source);
            if (!File.Exists(path))
                throw new OnnxAudioException($"{path}: no such model (the repository needs every shipped model)");
            OnnxGraph graph = WaveformGraphs.Build(name, File.ReadAllBytes(path), path);
            if (graph.Metadata.TryGetValue("chunk_multiple", out string? multiple) && chunkSamples % int.Parse(multiple, CultureInfo.InvariantCulture) != 0)
                throw new OnnxAudioException($"--chunk-samples {chunkSamples} is not a whole number of {multiple}-sample hops ({name})");
            string folder = Path.Combine(outFolder, name);
            Directory.CreateDirectory(Path.Combine(folder, "1"));
            graph.Save(Path.Combine(folder, "1", "model.onnx"));
            string config = Config(name, graph, maxBatchSize, chunkSamples);
            OutputPaths.WriteAtomically(Path.Combine(folder, "config.pbtxt"), overwrite: true, stream =>
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(config));
                return 0;
            });
            written.Add(folder);
        }

        return written;
    }

    /// <summary>The config.pbtxt text of one model.</summary>
    public static string Config(string name, OnnxGraph graph, int maxBatchSize, int chunkSamples)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"name: \"{name}\"\nbackend: \"onnxruntime\"\nmax_batch_size: {maxBatchSize}\n");
        bool stateful = graph.Inputs.Any(i => IsState(graph, i));
        var inputs = graph.Inputs.Where(i => !IsState(graph, i)).ToArray();
        var outputs = graph.Outputs.Where(o => !(stateful && o.Name.StartsWith("next_", StringComparison.Ordinal))).ToArray();
        Tensors(text, "input", inputs, chunkSamples);
        Tensors(text, "output", outputs, chunkSamples);
        if (stateful)
        {
            text.Append("sequence_batching {\n  max_sequence_idle_microseconds: 60000000\n  direct { }\n");
            foreach (OnnxTensorInfo state in graph.Inputs.Where(i => IsState(graph, i)))
            {
                string dims = Dims(state, chunkSamples);
                text.Append(CultureInfo.InvariantCulture,
                    $"  state [\n    {{\n      input_name: \"{state.Name}\"\n      output_name: \"next_{state.Name}\"\n      data_type: {DataType(state)}\n      dims: [ {dims} ]\n" +
                    $"      initial_state: {{\n        data_type: {DataType(state)}\n        dims: [ {dims} ]\n        zero_data: true\n        name: \"{state.Name}_zero\"\n      }}\n    }}\n  ]\n");
            }

            text.Append("}\n");
        }
        else
        {
            text.Append("dynamic_batching {\n  max_queue_delay_microseconds: 2000\n}\n");
        }

        text.Append("instance_group [\n  {\n    kind: KIND_CPU\n    count: 1\n  }\n]\n");
        return text.ToString();
    }

    private static void Tensors(StringBuilder text, string kind, IReadOnlyList<OnnxTensorInfo> tensors, int chunkSamples)
    {
        text.Append(kind).Append(" [\n");
        for (int i = 0; i < tensors.Count; i++)
        {
            OnnxTensorInfo t = tensors[i];
            text.Append(CultureInfo.InvariantCulture, $"  {{\n    name: \"{t.Name}\"\n    data_type: {DataType(t)}\n    dims: [ {Dims(t, chunkSamples)} ]\n  }}");
            text.Append(i + 1 < tensors.Count ? ",\n" : "\n");
        }

        text.Append("]\n");
    }

    /// <summary>Dimensions after the batch axis: fixed ones as they are, streaming chunks at the chosen size, others −1.</summary>
    private static string Dims(OnnxTensorInfo tensor, int chunkSamples)
    {
        if (tensor.Dims.Count == 0 || tensor.Dims[0] is not "batch")
            throw new OnnxAudioException($"graph tensor '{tensor.Name}' has no leading batch axis");
        return string.Join(", ", tensor.Dims.Skip(1).Select(d => d switch
        {
            long fixedSize => fixedSize.ToString(CultureInfo.InvariantCulture),
            "samples" when tensor.Name is "audio" or "restored" => chunkSamples.ToString(CultureInfo.InvariantCulture),
            _ => "-1",
        }));
    }

    private static string DataType(OnnxTensorInfo tensor) => tensor.ElementType == OnnxElementType.Int64 ? "TYPE_INT64" : "TYPE_FP32";
}
