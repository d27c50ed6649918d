using Google.Protobuf;
using OnnxAudio.Graphs.Proto;

namespace OnnxAudio.Graphs;

/// <summary>Element types of graph inputs and outputs.</summary>
public enum OnnxElementType
{
    Float,
    Int64,
}

/// <summary>A graph input or output: name, element type, dimensions (a long: fixed; a string: a named dynamic axis).</summary>
public sealed record OnnxTensorInfo(string Name, OnnxElementType ElementType, IReadOnlyList<object> Dims);

/// <summary>A one-element float tensor as a node attribute (e.g. ConstantOfShape's value).</summary>
public readonly record struct OnnxTensorAttribute(float Value);

/// <summary>A named value (tensor) in an ONNX graph under construction: an input, an initializer or a node output.</summary>
public readonly record struct OnnxValue(string Name)
{
    public override string ToString() => Name;
}

/// <summary>
/// Builds an ONNX graph (opset <see cref="Opset"/>): inputs with symbolic (dynamic) axes, initializers, nodes and
/// outputs, plus model metadata. The protobuf messages stay inside this class; converters and models speak in
/// <see cref="OnnxValue"/>s and plain arrays.
/// </summary>
public sealed class OnnxGraph
{
    /// <summary>The ONNX operator set the exporter targets.</summary>
    public const int Opset = 17;

    /// <summary>IR version 8 is the one that introduced opset 17.</summary>
    public const int IrVersion = 8;

    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private readonly string _prefix;
    private int _counter;

    /// <param name="name">The graph's name.</param>
    /// <param name="namePrefix">
    /// Prefixed to every generated value name: a subgraph (an attribute of a Scan or Loop node, see
    /// <see cref="AddNode"/>) sees the outer graph's values, and its own names must not shadow them.
    /// </param>
    public OnnxGraph(string name = "onnxaudio", string namePrefix = "")
    {
        _graph.Name = name;
        _prefix = namePrefix;
    }

    /// <summary>Metadata written to the model's <c>metadata_props</c> (task, sample rate, labels, training command, …).</summary>
    public IDictionary<string, string> Metadata => _metadata;

    /// <summary>The graph inputs declared so far, with their element types and dimensions (a string: a dynamic axis).</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs => _graph.Input.Select(Describe).ToArray();

    /// <summary>The graph outputs declared so far.</summary>
    public IReadOnlyList<OnnxTensorInfo> Outputs => _graph.Output.Select(Describe).ToArray();

    private static OnnxTensorInfo Describe(ValueInfoProto value) => new(
        value.Name,
        value.Type.TensorType.ElemType == (int)TensorProto.Types.DataType.Int64 ? OnnxElementType.Int64 : OnnxElementType.Float,
        value.Type.TensorType.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? (object)d.DimValue : d.DimParam).ToArray() ?? []);

    /// <summary>Number of nodes added so far.</summary>
    public int NodeCount => _graph.Node.Count;

    /// <summary>A name not used yet, derived from <paramref name="hint"/>.</summary>
    public string UniqueName(string hint)
    {
        hint = _prefix + hint;
        string name = hint;
        while (!_names.Add(name))
            name = $"{hint}_{++_counter}";
        return name;
    }

    /// <summary>
    /// Declares a float graph input. Each dimension is a number (fixed) or a string (a named dynamic axis, such as
    /// "batch" or "time").
    /// </summary>
    public OnnxValue AddInput(string name, params object[] dims) => AddInput(name, OnnxElementType.Float, dims);

    /// <summary>Declares a graph input of element type <paramref name="type"/> (e.g. int64 codes).</summary>
    public OnnxValue AddInput(string name, OnnxElementType type, params object[] dims)
    {
        if (!_names.Add(name))
            throw new ArgumentException($"The name '{name}' is used already.", nameof(name));
        _graph.Input.Add(ValueInfo(name, dims, type));
        return new OnnxValue(name);
    }

    /// <summary>Declares <paramref name="value"/> a graph output called <paramref name="name"/> with the given dimensions (none: unspecified).</summary>
    public void AddOutput(OnnxValue value, string name, params object[] dims) => AddOutput(value, name, OnnxElementType.Float, dims);

    /// <summary>Declares a graph output of element type <paramref name="type"/>.</summary>
    public void AddOutput(OnnxValue value, string name, OnnxElementType type, params object[] dims)
    {
        if (value.Name != name)
        {
            if (!_names.Add(name))
                throw new ArgumentException($"The name '{name}' is used already.", nameof(name));
            // Exactly this name (not prefixed): a graph's outputs are its interface.
            _graph.Node.Add(new NodeProto { OpType = "Identity", Name = UniqueName("Identity_node"), Input = { value.Name }, Output = { name } });
        }

        _graph.Output.Add(ValueInfo(name, dims, type));
    }

    /// <summary>A float initializer (a constant weight) of the given shape.</summary>
    public OnnxValue Initializer(string hint, ReadOnlySpan<float> data, params long[] dims)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
            throw new ArgumentException($"Initializer '{hint}': {data.Length} values do not fill shape [{string.Join(", ", dims)}].");
        var tensor = new TensorProto { Name = UniqueName(hint), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data));
        _graph.Initializer.Add(tensor);
        return new OnnxValue(tensor.Name);
    }

    /// <summary>A 1-D int64 initializer, for shapes, axes and indices.</summary>
    public OnnxValue Int64s(string hint, params long[] values)
    {
        var tensor = new TensorProto { Name = UniqueName(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return new OnnxValue(tensor.Name);
    }

    /// <summary>An int64 initializer of the given shape.</summary>
    public OnnxValue Int64Tensor(string hint, long[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = UniqueName(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return new OnnxValue(tensor.Name);
    }

    /// <summary>A float scalar initializer.</summary>
    public OnnxValue Scalar(string hint, float value) => Initializer(hint, [value]);

    /// <summary>
    /// Adds a node. Attributes are (name, value) pairs whose values are long, int, float, string, long[], int[], float[]
    /// or an <see cref="OnnxGraph"/> (a subgraph: a Scan or Loop body, built with its own name prefix).
    /// Returns the outputs, named after <paramref name="outputHints"/>.
    /// </summary>
    public OnnxValue[] AddNode(string opType, OnnxValue[] inputs, string[] outputHints, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueName($"{opType}_node") };
        node.Input.AddRange(inputs.Select(i => i.Name));
        var outputs = new OnnxValue[outputHints.Length];
        for (int i = 0; i < outputHints.Length; i++)
        {
            // An empty hint is an omitted optional output.
            string name = outputHints[i].Length == 0 ? "" : UniqueName(outputHints[i]);
            node.Output.Add(name);
            outputs[i] = new OnnxValue(name);
        }

        foreach (var (name, value) in attributes)
            node.Attribute.Add(Attribute(name, value));
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>Adds a single-output node; the output is named after the op.</summary>
    public OnnxValue Op(string opType, OnnxValue[] inputs, params (string Name, object Value)[] attributes) =>
        AddNode(opType, inputs, [opType.ToLowerInvariant()], attributes)[0];

    public OnnxValue Add(OnnxValue a, OnnxValue b) => Op("Add", [a, b]);

    public OnnxValue Sub(OnnxValue a, OnnxValue b) => Op("Sub", [a, b]);

    public OnnxValue Mul(OnnxValue a, OnnxValue b) => Op("Mul", [a, b]);

    public OnnxValue Div(OnnxValue a, OnnxValue b) => Op("Div", [a, b]);

    public OnnxValue MatMul(OnnxValue a, OnnxValue b) => Op("MatMul", [a, b]);

    public OnnxValue Relu(OnnxValue x) => Op("Relu", [x]);

    public OnnxValue Sigmoid(OnnxValue x) => Op("Sigmoid", [x]);

    public OnnxValue Tanh(OnnxValue x) => Op("Tanh", [x]);

    public OnnxValue Identity(OnnxValue x) => Op("Identity", [x]);

    public OnnxValue Transpose(OnnxValue x, params long[] perm) => Op("Transpose", [x], ("perm", perm));

    public OnnxValue Reshape(OnnxValue x, params long[] shape) => Op("Reshape", [x, Int64s("shape", shape)]);

    public OnnxValue Concat(long axis, params OnnxValue[] values) => Op("Concat", values, ("axis", axis));

    public OnnxValue Unsqueeze(OnnxValue x, params long[] axes) => Op("Unsqueeze", [x, Int64s("axes", axes)]);

    public OnnxValue Squeeze(OnnxValue x, params long[] axes) => Op("Squeeze", [x, Int64s("axes", axes)]);

    public OnnxValue Softmax(OnnxValue x, long axis = -1) => Op("Softmax", [x], ("axis", axis));

    public OnnxValue ReduceMean(OnnxValue x, long[] axes, bool keepDims) =>
        Op("ReduceMean", [x], ("axes", axes), ("keepdims", keepDims ? 1L : 0L));

    public OnnxValue Shape(OnnxValue x) => Op("Shape", [x]);

    /// <summary>Elements [start, end) along each axis (negative indices count from the end; long.MaxValue means "to the end").</summary>
    public OnnxValue Slice(OnnxValue x, long[] starts, long[] ends, long[] axes, long[]? steps = null) =>
        steps is null
            ? Op("Slice", [x, Int64s("starts", starts), Int64s("ends", ends), Int64s("axes", axes)])
            : Op("Slice", [x, Int64s("starts", starts), Int64s("ends", ends), Int64s("axes", axes), Int64s("steps", steps)]);

    /// <summary>
    /// Copies another model's graph into this one: its initializers and nodes, every value renamed with
    /// <paramref name="prefix"/>, its inputs bound to <paramref name="inputs"/> (by input name). Returns its outputs by
    /// name. The model must use the default ONNX domain at an opset this graph's nodes can share (≤ <see cref="Opset"/>).
    /// </summary>
    public IReadOnlyDictionary<string, OnnxValue> Embed(byte[] modelBytes, IReadOnlyDictionary<string, OnnxValue> inputs, string prefix)
    {
        ModelProto model = ModelProto.Parser.ParseFrom(modelBytes);
        foreach (OperatorSetIdProto opset in model.OpsetImport)
            if (opset.Domain is not ("" or "ai.onnx") || opset.Version > Opset)
                throw new OnnxAudioException($"the model uses opset {opset.Domain}:{opset.Version}; only the default domain up to {Opset} can be embedded");
        GraphProto source = model.Graph;
        var initializerNames = source.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal) { [""] = "" };
        foreach (ValueInfoProto input in source.Input.Where(i => !initializerNames.Contains(i.Name)))
            renamed[input.Name] = inputs.TryGetValue(input.Name, out OnnxValue bound)
                ? bound.Name
                : throw new ArgumentException($"No value is bound to the embedded model's input '{input.Name}'.", nameof(inputs));
        string Rename(string name)
        {
            if (!renamed.TryGetValue(name, out string? local))
                renamed[name] = local = UniqueName(prefix + name);
            return local;
        }

        foreach (TensorProto tensor in source.Initializer)
        {
            TensorProto copy = tensor.Clone();
            copy.Name = Rename(tensor.Name);
            _graph.Initializer.Add(copy);
        }

        foreach (NodeProto node in source.Node)
        {
            if (node.Attribute.Any(a => a.Type is AttributeProto.Types.AttributeType.Graph or AttributeProto.Types.AttributeType.Graphs))
                throw new OnnxAudioException($"node {node.Name} ({node.OpType}) has a subgraph; embedding does not rename inside subgraphs");
            NodeProto copy = node.Clone();
            copy.Name = UniqueName(prefix + node.Name);
            copy.Input.Clear();
            copy.Input.AddRange(node.Input.Select(Rename));
            copy.Output.Clear();
            copy.Output.AddRange(node.Output.Select(Rename));
            _graph.Node.Add(copy);
        }

        return source.Output.ToDictionary(o => o.Name, o => new OnnxValue(Rename(o.Name)), StringComparer.Ordinal);
    }

    /// <summary>The metadata_props of a serialized model.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(byte[] modelBytes) =>
        ModelProto.Parser.ParseFrom(modelBytes).MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>A serialized model with some metadata_props set to new values (added if missing); the graph is unchanged.</summary>
    public static byte[] WithMetadata(byte[] modelBytes, IReadOnlyDictionary<string, string> entries)
    {
        ModelProto model = ModelProto.Parser.ParseFrom(modelBytes);
        foreach (var (key, value) in entries)
        {
            StringStringEntryProto? existing = model.MetadataProps.FirstOrDefault(p => p.Key == key);
            if (existing is null)
                model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
            else
                existing.Value = value;
        }

        return model.ToByteArray();
    }

    /// <summary>The serialized model.</summary>
    public byte[] ToBytes(string producerVersion = "0.1.0") => ToModel(producerVersion).ToByteArray();

    /// <summary>Writes the model to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Save(string path, string producerVersion = "0.1.0") => Save(ToBytes(producerVersion), path);

    /// <summary>Writes serialized model bytes to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void Save(byte[] modelBytes, string path)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, modelBytes);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    internal ModelProto ToModel(string producerVersion)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "OnnxAudio",
            ProducerVersion = producerVersion,
            Domain = "org.onnxaudio",
            Graph = _graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in _metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private static ValueInfoProto ValueInfo(string name, object[] dims, OnnxElementType elementType)
    {
        var type = elementType == OnnxElementType.Int64 ? TensorProto.Types.DataType.Int64 : TensorProto.Types.DataType.Float;
        // No dimensions given: the rank is left unspecified (ONNX Runtime infers it).
        if (dims.Length == 0)
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type } } };
        var shape = new TensorShapeProto();
        foreach (object d in dims)
        {
            shape.Dim.Add(d switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int i => new TensorShapeProto.Types.Dimension { DimValue = i },
                long l => new TensorShapeProto.Types.Dimension { DimValue = l },
                _ => throw new ArgumentException($"A dimension must be a number or a name, not {d.GetType().Name}."),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
            case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
            case double d: a.Type = AttributeProto.Types.AttributeType.Float; a.F = (float)d; break;
            case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case long[] ls: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ls); break;
            case int[] ints: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ints.Select(x => (long)x)); break;
            case float[] fs: a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.AddRange(fs); break;
            case string[] ss: a.Type = AttributeProto.Types.AttributeType.Strings; a.Strings.AddRange(ss.Select(ByteString.CopyFromUtf8)); break;
            case OnnxGraph body: a.Type = AttributeProto.Types.AttributeType.Graph; a.G = body._graph.Clone(); break;
            case OnnxTensorAttribute t:
                a.Type = AttributeProto.Types.AttributeType.Tensor;
                a.T = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float, Dims = { 1 }, FloatData = { t.Value } };
                break;
            default: throw new ArgumentException($"Attribute '{name}': unsupported value type {value.GetType().Name}.");
        }

        return a;
    }
}
