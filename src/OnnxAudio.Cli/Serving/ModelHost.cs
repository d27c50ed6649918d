using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using OnnxAudio.Graphs;

namespace OnnxAudio.Cli.Serving;

/// <summary>A tensor of a request or response: float or int64 data, row-major, batch axis first.</summary>
internal sealed record TensorData(string Name, long[] Shape, float[]? Floats = null, long[]? Int64s = null)
{
    public string Datatype => Int64s is null ? "FP32" : "INT64";

    public long Count => Int64s?.Length ?? Floats?.Length ?? 0;
}

/// <summary>The sequence parameters of a request to a streaming model (Triton's sequence_id / _start / _end).</summary>
internal readonly record struct SequenceFlags(string Id, bool Start, bool End);

/// <summary>One inference: a model, its inputs, the outputs wanted (null: all), the sequence flags of streaming models.</summary>
internal sealed record InferenceCall(string Model, IReadOnlyList<TensorData> Inputs, IReadOnlyList<string>? Outputs, SequenceFlags? Sequence);

/// <summary>What a call returns: outputs and response parameters (labels of a classifier, delay of a stream).</summary>
internal sealed record InferenceOutcome(IReadOnlyList<TensorData> Outputs, IReadOnlyDictionary<string, object> Parameters);

/// <summary>A request the server refuses: the HTTP status and gRPC code to answer with, and one line saying why.</summary>
internal sealed class ServingException(int httpStatus, Grpc.Core.StatusCode grpcStatus, string message) : Exception(message)
{
    public int HttpStatus { get; } = httpStatus;

    public Grpc.Core.StatusCode GrpcStatus { get; } = grpcStatus;

    public static ServingException BadRequest(string message) => new(400, Grpc.Core.StatusCode.InvalidArgument, message);

    public static ServingException NotFound(string message) => new(404, Grpc.Core.StatusCode.NotFound, message);

    public static ServingException Overloaded(string message) => new(503, Grpc.Core.StatusCode.ResourceExhausted, message);

    public static ServingException Unavailable(string message) => new(503, Grpc.Core.StatusCode.Unavailable, message);
}

/// <summary>
/// The served models: the self-contained graphs of the shipped models (kws, denoise, declip, codec-encoder,
/// codec-decoder) in ONNX Runtime sessions, checked requests, and the state of every open stream. Streaming models keep
/// their state per sequence on the server (as Triton's implicit state does): a request carries only its chunk of audio
/// and the sequence flags; a sequence idle longer than the timeout is dropped. Thread-safe.
/// </summary>
internal sealed class ModelHost : IDisposable
{
    private readonly Dictionary<string, ServedModel> _models;
    private readonly ConcurrentDictionary<(string Model, string Id), Sequence> _sequences = new();
    private readonly TimeSpan _idleTimeout;
    private readonly int _maxSequences;
    private readonly Timer _sweeper;

    public ModelHost(string modelsFolder, int threadsPerCall, TimeSpan idleTimeout, int maxSequences)
    {
        _idleTimeout = idleTimeout;
        _maxSequences = maxSequences;
        _models = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, source) in WaveformGraphs.Shipped)
            {
                string path = Path.Combine(modelsFolder, source);
                if (!File.Exists(path))
                    throw new OnnxAudioException($"{path}: no such model (serve needs every shipped model in --models)");
                _models[name] = new ServedModel(name, WaveformGraphs.Build(name, File.ReadAllBytes(path), path), threadsPerCall);
            }
        }
        catch
        {
            foreach (ServedModel m in _models.Values)
                m.Dispose();
            throw;
        }

        _sweeper = new Timer(_ => DropIdle(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public IReadOnlyCollection<ServedModel> Models => _models.Values;

    public int ActiveSequences => _sequences.Count;

    public ServedModel Get(string name) =>
        _models.TryGetValue(name, out ServedModel? model) ? model : throw ServingException.NotFound($"no model '{name}' (served: {string.Join(", ", _models.Keys)})");

    public InferenceOutcome Infer(InferenceCall call, CancellationToken cancellationToken)
    {
        ServedModel model = Get(call.Model);
        model.Check(call);
        if (!model.Stateful)
            return model.Run(call, state: null);
        if (call.Sequence is not SequenceFlags flags)
            throw ServingException.BadRequest($"{model.Name} is a streaming model: every request needs the parameter sequence_id (with sequence_start on the first)");
        var key = (model.Name, flags.Id);
        Sequence sequence;
        if (flags.Start)
        {
            if (!_sequences.ContainsKey(key) && _sequences.Count >= _maxSequences)
                throw ServingException.Overloaded($"{_maxSequences} streams are open; end some (sequence_end) or wait for idle ones to time out");
            sequence = _sequences.AddOrUpdate(key, _ => new Sequence(model.ZeroState()), (_, _) => new Sequence(model.ZeroState()));
        }
        else if (!_sequences.TryGetValue(key, out sequence!))
        {
            throw ServingException.BadRequest($"{model.Name}: sequence {flags.Id} is not open: its first request needs sequence_start (or it was idle over {_idleTimeout.TotalSeconds:0} s)");
        }

        lock (sequence)
        {
            cancellationToken.ThrowIfCancellationRequested();
            InferenceOutcome outcome = model.Run(call, sequence.State);
            sequence.Touched = DateTime.UtcNow;
            if (flags.End)
                _sequences.TryRemove(key, out _);
            return outcome;
        }
    }

    private void DropIdle()
    {
        DateTime limit = DateTime.UtcNow - _idleTimeout;
        foreach (var (key, sequence) in _sequences)
            if (sequence.Touched < limit)
                _sequences.TryRemove(key, out _);
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (ServedModel m in _models.Values)
            m.Dispose();
    }

    private sealed class Sequence(Dictionary<string, float[]> state)
    {
        public Dictionary<string, float[]> State { get; } = state;

        public DateTime Touched { get; set; } = DateTime.UtcNow;
    }
}

/// <summary>One served graph: its visible inputs and outputs (state tensors hidden), and its ONNX Runtime session.</summary>
internal sealed class ServedModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly int _chunkMultiple;

    public ServedModel(string name, OnnxGraph graph, int threadsPerCall)
    {
        Name = name;
        Inputs = graph.Inputs.Where(i => !TritonRepository.IsState(graph, i)).ToArray();
        States = graph.Inputs.Where(i => TritonRepository.IsState(graph, i)).ToArray();
        Outputs = graph.Outputs.Where(o => States.Count == 0 || !o.Name.StartsWith("next_", StringComparison.Ordinal)).ToArray();
        var parameters = new Dictionary<string, object>(StringComparer.Ordinal);
        if (graph.Metadata.TryGetValue("labels", out string? labels) && graph.Metadata.TryGetValue("task", out string? task) && task == "recognition")
            parameters["labels"] = labels;
        if (graph.Metadata.TryGetValue("detection_threshold", out string? threshold))
            parameters["detection_threshold"] = threshold;
        if (graph.Metadata.TryGetValue("sample_rate", out string? rate))
            parameters["sample_rate"] = long.Parse(rate, CultureInfo.InvariantCulture);
        if (graph.Metadata.TryGetValue("delay_samples", out string? delay))
            parameters["delay_samples"] = long.Parse(delay, CultureInfo.InvariantCulture);
        Parameters = parameters;
        _chunkMultiple = graph.Metadata.TryGetValue("chunk_multiple", out string? multiple) ? int.Parse(multiple, CultureInfo.InvariantCulture) : 1;
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threadsPerCall, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(graph.ToBytes(), options);
    }

    public string Name { get; }

    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    public IReadOnlyList<OnnxTensorInfo> Outputs { get; }

    public IReadOnlyList<OnnxTensorInfo> States { get; }

    public bool Stateful => States.Count > 0;

    /// <summary>Parameters every response of this model carries (labels, delay_samples).</summary>
    public IReadOnlyDictionary<string, object> Parameters { get; }

    /// <summary>A dimension as the protocol states it: fixed sizes as they are, −1 for any (the batch axis too).</summary>
    public static long[] ProtocolShape(OnnxTensorInfo tensor) => tensor.Dims.Select(d => d is long size ? size : -1L).ToArray();

    public void Check(InferenceCall call)
    {
        foreach (TensorData input in call.Inputs)
            if (!Inputs.Any(i => i.Name == input.Name))
                throw ServingException.BadRequest($"{Name} has no input '{input.Name}' (inputs: {string.Join(", ", Inputs.Select(i => i.Name))})");
        long? batch = null;
        foreach (OnnxTensorInfo expected in Inputs)
        {
            TensorData input = call.Inputs.FirstOrDefault(i => i.Name == expected.Name)
                ?? throw ServingException.BadRequest($"{Name}: the input '{expected.Name}' is missing");
            string type = expected.ElementType == OnnxElementType.Int64 ? "INT64" : "FP32";
            if (input.Datatype != type)
                throw ServingException.BadRequest($"{Name}: '{input.Name}' is {type}, not {input.Datatype}");
            if (input.Shape.Length != expected.Dims.Count || input.Shape.Any(d => d < 1 || d > int.MaxValue))
                throw ServingException.BadRequest($"{Name}: '{input.Name}' has shape [{string.Join(", ", ProtocolShape(expected))}], not [{string.Join(", ", input.Shape)}]");
            for (int d = 0; d < input.Shape.Length; d++)
                if (expected.Dims[d] is long size && input.Shape[d] != size)
                    throw ServingException.BadRequest($"{Name}: '{input.Name}' has shape [{string.Join(", ", ProtocolShape(expected))}], not [{string.Join(", ", input.Shape)}]");
            long count = input.Shape.Aggregate(1L, (a, b) => checked(a * b));
            if (count != input.Count)
                throw ServingException.BadRequest($"{Name}: '{input.Name}' holds {input.Count} values for shape [{string.Join(", ", input.Shape)}] ({count})");
            if (batch is long b && input.Shape[0] != b)
                throw ServingException.BadRequest($"{Name}: the inputs disagree on the batch size ({b} and {input.Shape[0]})");
            batch = input.Shape[0];
            if (input.Floats is float[] values && values.Any(v => !float.IsFinite(v)))
                throw ServingException.BadRequest($"{Name}: '{input.Name}' holds values that are not finite");
        }

        if (Stateful)
        {
            if (batch != 1)
                throw ServingException.BadRequest($"{Name}: a streaming request carries one sequence (batch size 1), not {batch}");
            long samples = call.Inputs.Single(i => i.Name == "audio").Shape[1];
            if (samples % _chunkMultiple != 0)
                throw ServingException.BadRequest($"{Name}: chunks are whole hops of {_chunkMultiple} samples, not {samples}");
        }

        foreach (string wanted in call.Outputs ?? [])
            if (!Outputs.Any(o => o.Name == wanted))
                throw ServingException.BadRequest($"{Name} has no output '{wanted}' (outputs: {string.Join(", ", Outputs.Select(o => o.Name))})");
    }

    public Dictionary<string, float[]> ZeroState() =>
        States.ToDictionary(s => s.Name, s => new float[s.Dims.Skip(1).Aggregate(1L, (a, d) => a * (long)d)], StringComparer.Ordinal);

    /// <summary>Runs the graph; a state dictionary (streaming models) is read and replaced by the next state.</summary>
    public InferenceOutcome Run(InferenceCall call, Dictionary<string, float[]>? state)
    {
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (TensorData input in call.Inputs)
            {
                names.Add(input.Name);
                values.Add(input.Int64s is long[] ints
                    ? OrtValue.CreateTensorValueFromMemory(ints, input.Shape)
                    : OrtValue.CreateTensorValueFromMemory(input.Floats!, input.Shape));
            }

            foreach (OnnxTensorInfo s in States)
            {
                names.Add(s.Name);
                values.Add(OrtValue.CreateTensorValueFromMemory(state![s.Name], [1, .. s.Dims.Skip(1).Select(d => (long)d)]));
            }

            string[] visible = (call.Outputs is { Count: > 0 } wanted ? wanted : Outputs.Select(o => o.Name)).ToArray();
            string[] outputNames = [.. visible, .. States.Select(s => "next_" + s.Name)];
            using var results = _session.Run(_runOptions, names, values, outputNames);
            var outputs = new List<TensorData>();
            for (int i = 0; i < visible.Length; i++)
            {
                OrtValue value = results[i];
                long[] shape = value.GetTensorTypeAndShape().Shape;
                outputs.Add(value.GetTensorTypeAndShape().ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64
                    ? new TensorData(visible[i], shape, Int64s: value.GetTensorDataAsSpan<long>().ToArray())
                    : new TensorData(visible[i], shape, Floats: value.GetTensorDataAsSpan<float>().ToArray()));
            }

            for (int s = 0; s < States.Count; s++)
                state![States[s].Name] = results[visible.Length + s].GetTensorDataAsSpan<float>().ToArray();
            return new InferenceOutcome(outputs, Parameters);
        }
        finally
        {
            foreach (OrtValue v in values)
                v.Dispose();
        }
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
