using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OnnxAudio.Graphs;

namespace OnnxAudio.Training.Export;

/// <summary>
/// Exports TorchSharp modules into an <see cref="OnnxGraph"/>: a registry of per-module converters (one per layer type)
/// that map a module and its input value to ONNX nodes, with the module's weights as initializers. Models built from
/// several layers implement <see cref="IOnnxExportable"/> and call <see cref="Apply"/> for their parts in the order of
/// their forward pass. Export assumes inference mode: dropout is the identity and batch normalisation uses its running
/// statistics (folded into the preceding convolution inside a Sequential).
/// </summary>
public sealed class OnnxExporter
{
    /// <summary>Maps a module applied to an input value to ONNX nodes; <paramref name="scope"/> names its weights.</summary>
    public delegate OnnxValue Converter(OnnxExporter exporter, nn.Module module, OnnxValue input, string scope);

    private static readonly Dictionary<Type, Converter> Converters = new()
    {
        [typeof(Linear)] = (e, m, x, s) => e.ExportLinear((Linear)m, x, s),
        [typeof(Conv1d)] = (e, m, x, s) => e.ExportConv((Convolution)m, x, s, null),
        [typeof(Conv2d)] = (e, m, x, s) => e.ExportConv((Convolution)m, x, s, null),
        [typeof(ConvTranspose1d)] = (e, m, x, s) => e.ExportConvTranspose((ConvTranspose1d)m, x, s),
        [typeof(BatchNorm1d)] = (e, m, x, s) => e.ExportBatchNorm((BatchNorm)m, x, s),
        [typeof(BatchNorm2d)] = (e, m, x, s) => e.ExportBatchNorm((BatchNorm)m, x, s),
        [typeof(LayerNorm)] = (e, m, x, s) => e.ExportLayerNorm((LayerNorm)m, x, s),
        [typeof(GroupNorm)] = (e, m, x, s) => e.ExportGroupNorm((GroupNorm)m, x, s),
        [typeof(ReLU)] = (e, _, x, _) => e.Graph.Relu(x),
        [typeof(LeakyReLU)] = (e, m, x, _) => e.Graph.Op("LeakyRelu", [x], ("alpha", (float)((LeakyReLU)m).negative_slope)),
        [typeof(GELU)] = (e, _, x, _) => e.ExportGelu(x),
        [typeof(Tanh)] = (e, _, x, _) => e.Graph.Tanh(x),
        [typeof(Sigmoid)] = (e, _, x, _) => e.Graph.Sigmoid(x),
        [typeof(ELU)] = (e, m, x, _) => e.Graph.Op("Elu", [x], ("alpha", (float)((ELU)m).alpha)),
        [typeof(PReLU)] = (e, m, x, s) => e.ExportPRelu((PReLU)m, x, s),
        [typeof(Dropout)] = (_, _, x, _) => x,
        [typeof(Dropout1d)] = (_, _, x, _) => x,
        [typeof(Identity)] = (_, _, x, _) => x,
        [typeof(MaxPool1d)] = (e, m, x, _) => e.ExportMaxPool1d((MaxPool1d)m, x),
        [typeof(AvgPool1d)] = (e, m, x, _) => e.ExportAvgPool1d((AvgPool1d)m, x),
        [typeof(Sequential)] = (e, m, x, s) => e.ExportSequential((Sequential)m, x, s),
    };

    public OnnxExporter(OnnxGraph graph)
    {
        Graph = graph;
    }

    public OnnxGraph Graph { get; }

    /// <summary>
    /// Registers the converter of a module type the exporter does not know (a layer that cannot implement
    /// <see cref="IOnnxExportable"/>, e.g. one from another library). Layers of this project implement the interface
    /// instead, so the exporter never depends on the models.
    /// </summary>
    public static void Register(Type moduleType, Converter converter)
    {
        lock (Converters)
            Converters[moduleType] = converter;
    }

    /// <summary>Whether a converter exists for modules of this type.</summary>
    public static bool Supports(Type moduleType) =>
        Converters.ContainsKey(moduleType) || typeof(IOnnxExportable).IsAssignableFrom(moduleType);

    /// <summary>
    /// Exports a module of this project with several inputs or outputs (<see cref="IOnnxExportable"/>'s list form), or a
    /// part that is not a torch module (a codec's encoder or decoder half); <paramref name="scope"/> names its weights.
    /// </summary>
    public IReadOnlyList<OnnxValue> Apply(IOnnxExportable exportable, IReadOnlyList<OnnxValue> inputs, string scope) =>
        exportable.ExportOnnx(this, inputs, scope);

    /// <summary>Exports <paramref name="module"/> applied to <paramref name="input"/>; <paramref name="scope"/> names its weights.</summary>
    public OnnxValue Apply(nn.Module module, OnnxValue input, string scope)
    {
        if (module is IOnnxExportable exportable)
            return exportable.ExportOnnx(this, input, scope);
        if (Converters.TryGetValue(module.GetType(), out Converter? converter))
            return converter(this, module, input, scope);
        throw new NotSupportedException(
            $"No ONNX converter for {module.GetType().Name} ({scope}). Supported: {string.Join(", ", Converters.Keys.Select(t => t.Name))}, or implement IOnnxExportable.");
    }

    /// <summary>A tensor's values as an initializer of the same shape.</summary>
    public OnnxValue Weight(Tensor tensor, string name, params long[]? shape)
    {
        float[] data = ToArray(tensor);
        return Graph.Initializer(name, data, shape is { Length: > 0 } ? shape : tensor.shape);
    }

    internal static float[] ToArray(Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
        return cpu.data<float>().ToArray();
    }

    private OnnxValue ExportLinear(Linear linear, OnnxValue x, string scope)
    {
        // y = x·Wᵀ + b for any leading dimensions.
        using var wt = linear.weight.detach().t().contiguous();
        OnnxValue y = Graph.MatMul(x, Weight(wt, $"{scope}.weight_t"));
        return linear.bias is null ? y : Graph.Add(y, Weight(linear.bias, $"{scope}.bias"));
    }

    private OnnxValue ExportConv(Convolution conv, OnnxValue x, string scope, (float[] Weight, float[] Bias)? folded)
    {
        int spatial = conv.kernel_size.Length;
        long[] pads = ConvPads(conv);
        if (conv.padding_mode != PaddingModes.Zeros && pads.Any(p => p != 0))
        {
            // Reflect/replicate/circular padding is a separate Pad, then an unpadded convolution.
            string mode = conv.padding_mode switch
            {
                PaddingModes.Reflect => "reflect",
                PaddingModes.Replicate => "edge",
                _ => throw new NotSupportedException($"{scope}: padding mode {conv.padding_mode} has no ONNX Pad equivalent."),
            };
            long[] full = new long[2 * (spatial + 2)];
            for (int i = 0; i < spatial; i++)
            {
                full[2 + i] = pads[i];
                full[spatial + 2 + 2 + i] = pads[spatial + i];
            }

            x = Graph.Op("Pad", [x, Graph.Int64s($"{scope}.pads", full)], ("mode", mode));
            pads = new long[2 * spatial];
        }

        OnnxValue weight = folded is { } f
            ? Graph.Initializer($"{scope}.weight", f.Weight, conv.weight.shape)
            : Weight(conv.weight, $"{scope}.weight");
        var inputs = new List<OnnxValue> { x, weight };
        if (folded is { } g)
            inputs.Add(Graph.Initializer($"{scope}.bias", g.Bias, conv.out_channels));
        else if (conv.bias is not null)
            inputs.Add(Weight(conv.bias, $"{scope}.bias"));
        return Graph.Op("Conv", inputs.ToArray(),
            ("kernel_shape", conv.kernel_size), ("strides", conv.stride), ("dilations", conv.dilation),
            ("pads", pads), ("group", conv.groups));
    }

    /// <summary>ONNX pads [begin…, end…] of a convolution, including padding='same'.</summary>
    private static long[] ConvPads(Convolution conv)
    {
        int spatial = conv.kernel_size.Length;
        var pads = new long[2 * spatial];
        for (int i = 0; i < spatial; i++)
        {
            if (conv.padding is { } p)
            {
                pads[i] = pads[spatial + i] = p[i];
            }
            else if (conv.padding_type == Padding.Same)
            {
                long total = conv.dilation[i] * (conv.kernel_size[i] - 1);
                pads[i] = total / 2;
                pads[spatial + i] = total - total / 2;
            }
        }

        return pads;
    }

    private OnnxValue ExportConvTranspose(ConvTranspose1d conv, OnnxValue x, string scope)
    {
        var inputs = new List<OnnxValue> { x, Weight(conv.weight, $"{scope}.weight") };
        if (conv.bias is not null)
            inputs.Add(Weight(conv.bias, $"{scope}.bias"));
        long[] padding = conv.padding ?? [0];
        return Graph.Op("ConvTranspose", inputs.ToArray(),
            ("kernel_shape", conv.kernel_size), ("strides", conv.stride), ("dilations", conv.dilation),
            ("pads", new[] { padding[0], padding[0] }), ("output_padding", conv.output_padding), ("group", conv.groups));
    }

    private OnnxValue ExportBatchNorm(BatchNorm bn, OnnxValue x, string scope)
    {
        var (scale, shift) = BatchNormAffine(bn);
        long c = scale.Length;
        return Graph.Op("BatchNormalization",
            [x, Graph.Initializer($"{scope}.scale", scale, c), Graph.Initializer($"{scope}.shift", shift, c),
             Graph.Initializer($"{scope}.mean", new float[c], c), Graph.Initializer($"{scope}.var", Enumerable.Repeat(1f, (int)c).ToArray(), c)],
            ("epsilon", 0f));
    }

    /// <summary>Inference-time batch norm as y = scale·x + shift per channel.</summary>
    private static (float[] Scale, float[] Shift) BatchNormAffine(BatchNorm bn)
    {
        float[] mean = ToArray(bn.running_mean!), variance = ToArray(bn.running_var!);
        float[] gamma = bn.weight is null ? Enumerable.Repeat(1f, mean.Length).ToArray() : ToArray(bn.weight);
        float[] beta = bn.bias is null ? new float[mean.Length] : ToArray(bn.bias);
        var scale = new float[mean.Length];
        var shift = new float[mean.Length];
        for (int i = 0; i < mean.Length; i++)
        {
            scale[i] = (float)(gamma[i] / Math.Sqrt(variance[i] + bn.eps));
            shift[i] = beta[i] - mean[i] * scale[i];
        }

        return (scale, shift);
    }

    private OnnxValue ExportLayerNorm(LayerNorm ln, OnnxValue x, string scope)
    {
        long[] shape = ln.normalized_shape;
        long count = shape.Aggregate(1L, (a, b) => a * b);
        OnnxValue scale = ln.weight is null ? Graph.Initializer($"{scope}.weight", Enumerable.Repeat(1f, (int)count).ToArray(), shape) : Weight(ln.weight, $"{scope}.weight");
        OnnxValue bias = ln.bias is null ? Graph.Initializer($"{scope}.bias", new float[count], shape) : Weight(ln.bias, $"{scope}.bias");
        return Graph.Op("LayerNormalization", [x, scale, bias], ("axis", -(long)shape.Length), ("epsilon", (float)ln.eps));
    }

    private OnnxValue ExportGroupNorm(GroupNorm gn, OnnxValue x, string scope)
    {
        // Group statistics with InstanceNormalization over [N, G, rest], then the per-channel affine on [N, C, …].
        long groups = gn.num_groups;
        OnnxValue shape = Graph.Shape(x);
        OnnxValue grouped = Graph.Reshape(x, 0, groups, -1);
        OnnxValue normed = Graph.Op("InstanceNormalization",
            [grouped, Graph.Initializer($"{scope}.ones", Enumerable.Repeat(1f, (int)groups).ToArray(), groups),
             Graph.Initializer($"{scope}.zeros", new float[groups], groups)],
            ("epsilon", (float)gn.eps));
        OnnxValue restored = Graph.Op("Reshape", [normed, shape]);
        if (gn.weight is null)
            return restored;
        long channels = gn.weight.shape[0];
        // Weight [C] broadcast as [C, 1] over [N, C, T].
        OnnxValue y = Graph.Mul(restored, Weight(gn.weight, $"{scope}.weight", channels, 1));
        return gn.bias is null ? y : Graph.Add(y, Weight(gn.bias, $"{scope}.bias", channels, 1));
    }

    private OnnxValue ExportGelu(OnnxValue x)
    {
        // Opset 17 has no Gelu: 0.5·x·(1 + erf(x/√2)), the exact form torch uses by default.
        OnnxValue erf = Graph.Op("Erf", [Graph.Mul(x, Graph.Scalar("inv_sqrt2", (float)(1 / Math.Sqrt(2))))]);
        return Graph.Mul(Graph.Mul(x, Graph.Scalar("half", 0.5f)), Graph.Add(erf, Graph.Scalar("one", 1f)));
    }

    private OnnxValue ExportPRelu(PReLU prelu, OnnxValue x, string scope)
    {
        long n = prelu.weight.shape[0];
        // One slope per channel (dim 1): shape [C, 1] broadcasts over [N, C, T].
        OnnxValue slope = n == 1 ? Weight(prelu.weight, $"{scope}.weight", 1) : Weight(prelu.weight, $"{scope}.weight", n, 1);
        return Graph.Op("PRelu", [x, slope]);
    }

    private OnnxValue ExportMaxPool1d(MaxPool1d pool, OnnxValue x)
    {
        long k = pool.kernel_size, stride = pool.stride ?? k, pad = pool.padding ?? 0, dilation = pool.dilation ?? 1;
        return Graph.Op("MaxPool", [x], ("kernel_shape", new[] { k }), ("strides", new[] { stride }),
            ("pads", new[] { pad, pad }), ("dilations", new[] { dilation }), ("ceil_mode", pool.ceil_mode ? 1L : 0L));
    }

    private OnnxValue ExportAvgPool1d(AvgPool1d pool, OnnxValue x)
    {
        long k = pool.kernel_size, stride = pool.stride ?? k, pad = pool.padding ?? 0;
        return Graph.Op("AveragePool", [x], ("kernel_shape", new[] { k }), ("strides", new[] { stride }),
            ("pads", new[] { pad, pad }), ("ceil_mode", pool.ceil_mode ? 1L : 0L), ("count_include_pad", pool.count_include_pad ? 1L : 0L));
    }

    private OnnxValue ExportSequential(Sequential sequential, OnnxValue x, string scope)
    {
        var children = sequential.named_children().ToList();
        for (int i = 0; i < children.Count; i++)
        {
            var (name, module) = children[i];
            string childScope = $"{scope}.{name}";
            // Convolution followed by batch norm: fold the norm into the convolution's weights and bias.
            if (module is Convolution { transposed: false } conv && i + 1 < children.Count && children[i + 1].module is BatchNorm bn)
            {
                x = ExportConv(conv, x, childScope, FoldBatchNorm(conv, bn));
                i++;
                continue;
            }

            x = Apply(module, x, childScope);
        }

        return x;
    }

    private static (float[] Weight, float[] Bias) FoldBatchNorm(Convolution conv, BatchNorm bn)
    {
        var (scale, shift) = BatchNormAffine(bn);
        float[] w = ToArray(conv.weight);
        float[] b = conv.bias is null ? new float[conv.out_channels] : ToArray(conv.bias);
        int perOut = w.Length / (int)conv.out_channels;
        for (int o = 0; o < conv.out_channels; o++)
        {
            for (int j = 0; j < perOut; j++)
                w[o * perOut + j] *= scale[o];
            b[o] = b[o] * scale[o] + shift[o];
        }

        return (w, b);
    }

    /// <summary>
    /// Exports a causal convolution for frame-by-frame streaming: the last (k − 1)·dilation input frames of the previous
    /// call arrive as <paramref name="cache"/> [batch, channels, (k − 1)·dilation], are prepended to this call's frames,
    /// and the convolution runs without padding. Returns the output and the cache for the next call. Over a stream this
    /// equals the convolution of the whole signal left-padded with (k − 1)·dilation zeros (a zero initial cache).
    /// </summary>
    public (OnnxValue Output, OnnxValue NextCache) StreamingConv1d(Conv1d conv, OnnxValue input, OnnxValue cache, string scope)
    {
        if (conv.stride[0] != 1)
            throw new NotSupportedException($"{scope}: streaming convolutions must have stride 1.");
        long context = (conv.kernel_size[0] - 1) * conv.dilation[0];
        OnnxValue joined = Graph.Concat(2, cache, input);
        var inputs = new List<OnnxValue> { joined, Weight(conv.weight, $"{scope}.weight") };
        if (conv.bias is not null)
            inputs.Add(Weight(conv.bias, $"{scope}.bias"));
        OnnxValue y = Graph.Op("Conv", inputs.ToArray(), ("kernel_shape", conv.kernel_size), ("strides", conv.stride),
            ("dilations", conv.dilation), ("pads", new long[] { 0, 0 }), ("group", conv.groups));
        OnnxValue next = Graph.Slice(joined, [-context], [long.MaxValue], [2]);
        return (y, next);
    }

    /// <summary>
    /// Exports a GRU (any number of layers, uni- or bidirectional). Returns the output sequence and the final hidden
    /// state [layers·directions, batch, hidden]; <paramref name="initialState"/> (same shape) may be a graph input, which
    /// is how a streaming model carries its state between calls.
    /// </summary>
    public (OnnxValue Output, OnnxValue FinalState) Gru(GRU gru, OnnxValue input, OnnxValue? initialState, bool batchFirst, string scope) =>
        Recurrent(gru, input, initialState, null, batchFirst, scope, isLstm: false) is var (y, h, _) ? (y, h) : default;

    /// <summary>Exports an LSTM like <see cref="Gru"/>; returns the output and the final hidden and cell states.</summary>
    public (OnnxValue Output, OnnxValue FinalHidden, OnnxValue FinalCell) Lstm(LSTM lstm, OnnxValue input, OnnxValue? initialHidden, OnnxValue? initialCell, bool batchFirst, string scope)
    {
        var (y, h, c) = Recurrent(lstm, input, initialHidden, initialCell, batchFirst, scope, isLstm: true);
        return (y, h, c!.Value);
    }

    private (OnnxValue Output, OnnxValue Hidden, OnnxValue? Cell) Recurrent(nn.Module rnn, OnnxValue input, OnnxValue? h0, OnnxValue? c0, bool batchFirst, string scope, bool isLstm)
    {
        var parameters = rnn.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        int layers = parameters.Keys.Count(k => k.StartsWith("weight_ih_l", StringComparison.Ordinal) && !k.EndsWith("_reverse", StringComparison.Ordinal));
        bool bidirectional = parameters.ContainsKey("weight_ih_l0_reverse");
        int directions = bidirectional ? 2 : 1;
        long hidden = parameters["weight_hh_l0"].shape[1];
        int gates = isLstm ? 4 : 3;
        // torch gate order → ONNX gate order: GRU (r, z, n) → (z, r, h); LSTM (i, f, g, o) → (i, o, f, c).
        int[] order = isLstm ? [0, 3, 1, 2] : [1, 0, 2];

        OnnxValue x = batchFirst ? Graph.Transpose(input, 1, 0, 2) : input; // ONNX wants [T, B, F]
        var finalH = new List<OnnxValue>();
        var finalC = new List<OnnxValue>();
        for (int layer = 0; layer < layers; layer++)
        {
            var w = new List<float>();
            var r = new List<float>();
            var b = new List<float>();
            long inputSize = parameters[$"weight_ih_l{layer}"].shape[1];
            for (int d = 0; d < directions; d++)
            {
                string suffix = $"l{layer}{(d == 1 ? "_reverse" : "")}";
                w.AddRange(Reorder(ToArray(parameters[$"weight_ih_{suffix}"]), order, hidden));
                r.AddRange(Reorder(ToArray(parameters[$"weight_hh_{suffix}"]), order, hidden));
                float[] bih = parameters.TryGetValue($"bias_ih_{suffix}", out var pi) ? ToArray(pi) : new float[gates * hidden];
                float[] bhh = parameters.TryGetValue($"bias_hh_{suffix}", out var ph) ? ToArray(ph) : new float[gates * hidden];
                b.AddRange(Reorder(bih, order, 1));
                b.AddRange(Reorder(bhh, order, 1));
            }

            string s = $"{scope}.l{layer}";
            var inputs = new List<OnnxValue>
            {
                x,
                Graph.Initializer($"{s}.W", w.ToArray(), directions, gates * hidden, inputSize),
                Graph.Initializer($"{s}.R", r.ToArray(), directions, gates * hidden, hidden),
                Graph.Initializer($"{s}.B", b.ToArray(), directions, 2 * gates * hidden),
                new(""), // sequence_lens: all full length
            };
            if (h0 is { } initialH)
                inputs.Add(Graph.Slice(initialH, [layer * directions], [(layer + 1) * directions], [0]));
            else if (c0 is not null)
                inputs.Add(new(""));
            if (isLstm && c0 is { } initialC)
                inputs.Add(Graph.Slice(initialC, [layer * directions], [(layer + 1) * directions], [0]));

            var attributes = new List<(string, object)> { ("hidden_size", hidden), ("direction", bidirectional ? "bidirectional" : "forward") };
            if (!isLstm)
                attributes.Add(("linear_before_reset", 1L)); // torch applies the reset gate after the recurrent matmul
            OnnxValue[] outs = Graph.AddNode(isLstm ? "LSTM" : "GRU", inputs.ToArray(),
                isLstm ? [$"{s}.y", $"{s}.h", $"{s}.c"] : [$"{s}.y", $"{s}.h"], attributes.ToArray());
            // Y is [T, directions, B, H] → [T, B, directions·H].
            x = Graph.Reshape(Graph.Transpose(outs[0], 0, 2, 1, 3), 0, 0, directions * hidden);
            finalH.Add(outs[1]);
            if (isLstm)
                finalC.Add(outs[2]);
        }

        OnnxValue output = batchFirst ? Graph.Transpose(x, 1, 0, 2) : x;
        OnnxValue hN = finalH.Count == 1 ? finalH[0] : Graph.Concat(0, finalH.ToArray());
        OnnxValue? cN = isLstm ? (finalC.Count == 1 ? finalC[0] : Graph.Concat(0, finalC.ToArray())) : null;
        return (output, hN, cN);
    }

    /// <summary>Reorders gate blocks of <paramref name="rows"/> rows each: block i of the result is block order[i] of the input.</summary>
    private static float[] Reorder(float[] data, int[] order, long rows)
    {
        int block = data.Length / order.Length;
        var result = new float[data.Length];
        for (int i = 0; i < order.Length; i++)
            Array.Copy(data, order[i] * block, result, i * block, block);
        return result;
    }
}
