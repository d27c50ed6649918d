using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace OnnxAudio.Cli.Serving;

/// <summary>
/// The REST half of the Open Inference Protocol (KServe v2): health, server and model metadata, readiness, and
/// inference with JSON tensors (<c>data</c> row-major, flat or nested), plus <c>GET /metrics</c>. Errors are
/// <c>{"error": "..."}</c> with 400 (bad request), 404 (no such model or path), 413 (too large), 503 (overloaded or
/// shutting down).
/// </summary>
internal static class RestProtocol
{
    public static async Task HandleAsync(InferenceServer server, HttpContext context)
    {
        string path = context.Request.Path.Value?.TrimEnd('/') ?? "";
        string method = context.Request.Method;
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // /v2/models/NAME/versions/1/... is the one version there is: the same as /v2/models/NAME/...
        if (parts is ["v2", "models", _, "versions", "1", ..])
            parts = [.. parts[..3], .. parts[5..]];
        switch (parts)
        {
            case ["metrics"] when method == "GET":
                context.Response.ContentType = "text/plain; version=0.0.4";
                await context.Response.WriteAsync(server.Metrics.Render(server.Gate, server.Host.ActiveSequences)).ConfigureAwait(false);
                return;
            case ["v2", "health", "live"] when method == "GET":
                await WriteJsonAsync(context, 200, w => w.WriteBoolean("live", true)).ConfigureAwait(false);
                return;
            case ["v2", "health", "ready"] when method == "GET":
                await WriteJsonAsync(context, server.Ready ? 200 : 503, w => w.WriteBoolean("ready", server.Ready)).ConfigureAwait(false);
                return;
            case ["v2"] when method == "GET":
                await WriteJsonAsync(context, 200, w =>
                {
                    w.WriteString("name", "onnxaudio");
                    w.WriteString("version", typeof(RestProtocol).Assembly.GetName().Version?.ToString(3) ?? "0");
                    w.WriteStartArray("extensions");
                    w.WriteStringValue("sequence");
                    w.WriteEndArray();
                }).ConfigureAwait(false);
                return;
            case ["v2", "models", var name] when method == "GET":
                await WriteJsonAsync(context, 200, Metadata(server.Host.Get(name))).ConfigureAwait(false);
                return;
            case ["v2", "models", var name, "ready"] when method == "GET":
                server.Host.Get(name);
                await WriteJsonAsync(context, server.Ready ? 200 : 503, w =>
                {
                    w.WriteString("name", name);
                    w.WriteBoolean("ready", server.Ready);
                }).ConfigureAwait(false);
                return;
            case ["v2", "models", var name, "infer"] when method == "POST":
                await InferAsync(server, context, name).ConfigureAwait(false);
                return;
            default:
                await WriteErrorAsync(context, 404, $"no such endpoint: {method} {path}").ConfigureAwait(false);
                return;
        }
    }

    private static Action<Utf8JsonWriter> Metadata(ServedModel model) =>
        w =>
        {
            w.WriteString("name", model.Name);
            w.WriteStartArray("versions");
            w.WriteStringValue("1");
            w.WriteEndArray();
            w.WriteString("platform", "onnxruntime_onnx");
            foreach (var (key, tensors) in new[] { ("inputs", model.Inputs), ("outputs", model.Outputs) })
            {
                w.WriteStartArray(key);
                foreach (var t in tensors)
                {
                    w.WriteStartObject();
                    w.WriteString("name", t.Name);
                    w.WriteString("datatype", t.ElementType == Graphs.OnnxElementType.Int64 ? "INT64" : "FP32");
                    w.WriteStartArray("shape");
                    foreach (long d in ServedModel.ProtocolShape(t))
                        w.WriteNumberValue(d);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }
        };

    private static async Task InferAsync(InferenceServer server, HttpContext context, string model)
    {
        using JsonDocument request = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
        JsonElement root = request.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("inputs", out JsonElement inputs) || inputs.ValueKind != JsonValueKind.Array)
            throw ServingException.BadRequest("the request needs an \"inputs\" array");
        var tensors = new List<TensorData>();
        foreach (JsonElement input in inputs.EnumerateArray())
            tensors.Add(ParseTensor(input));
        string[]? outputs = root.TryGetProperty("outputs", out JsonElement o) && o.ValueKind == JsonValueKind.Array
            ? o.EnumerateArray().Select(e => e.GetProperty("name").GetString() ?? "").ToArray()
            : null;
        SequenceFlags? sequence = root.TryGetProperty("parameters", out JsonElement p) && p.ValueKind == JsonValueKind.Object ? Sequence(p) : null;
        string? id = root.TryGetProperty("id", out JsonElement idElement) ? idElement.GetString() : null;

        InferenceOutcome outcome = await server.InferAsync(new InferenceCall(model, tensors, outputs, sequence), "http", context.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(context, 200, w =>
        {
            w.WriteString("model_name", model);
            w.WriteString("model_version", "1");
            if (id is not null)
                w.WriteString("id", id);
            w.WriteStartObject("parameters");
            foreach (var (key, value) in outcome.Parameters)
            {
                if (value is long l)
                    w.WriteNumber(key, l);
                else
                    w.WriteString(key, value.ToString());
            }

            w.WriteEndObject();
            w.WriteStartArray("outputs");
            foreach (TensorData t in outcome.Outputs)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Name);
                w.WriteString("datatype", t.Datatype);
                w.WriteStartArray("shape");
                foreach (long d in t.Shape)
                    w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data");
                if (t.Int64s is long[] ints)
                    foreach (long v in ints)
                        w.WriteNumberValue(v);
                else
                    foreach (float v in t.Floats!)
                        w.WriteNumberValue(v);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private static TensorData ParseTensor(JsonElement input)
    {
        string name = input.TryGetProperty("name", out JsonElement n) ? n.GetString() ?? "" : throw ServingException.BadRequest("an input has no \"name\"");
        string datatype = input.TryGetProperty("datatype", out JsonElement d) ? d.GetString() ?? "" : throw ServingException.BadRequest($"input '{name}' has no \"datatype\"");
        if (!input.TryGetProperty("shape", out JsonElement s) || s.ValueKind != JsonValueKind.Array)
            throw ServingException.BadRequest($"input '{name}' has no \"shape\"");
        long[] shape = s.EnumerateArray().Select(e => e.TryGetInt64(out long v) ? v : throw ServingException.BadRequest($"input '{name}': the shape holds a non-integer")).ToArray();
        if (!input.TryGetProperty("data", out JsonElement data))
            throw ServingException.BadRequest($"input '{name}' has no \"data\"");
        switch (datatype)
        {
            case "FP32":
                var floats = new List<float>();
                Flatten(data, e => floats.Add(e.TryGetSingle(out float f) ? f : throw ServingException.BadRequest($"input '{name}': FP32 data holds a non-number")));
                return new TensorData(name, shape, Floats: floats.ToArray());
            case "INT64":
                var ints = new List<long>();
                Flatten(data, e => ints.Add(e.TryGetInt64(out long v) ? v : throw ServingException.BadRequest($"input '{name}': INT64 data holds a non-integer")));
                return new TensorData(name, shape, Int64s: ints.ToArray());
            default:
                throw ServingException.BadRequest($"input '{name}': datatype {datatype} is not served (FP32, INT64)");
        }
    }

    private static void Flatten(JsonElement element, Action<JsonElement> add)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement child in element.EnumerateArray())
                Flatten(child, add);
        }
        else
        {
            add(element);
        }
    }

    /// <summary>sequence_id (number or string), sequence_start, sequence_end; null without a sequence_id.</summary>
    internal static SequenceFlags? Sequence(JsonElement parameters)
    {
        if (!parameters.TryGetProperty("sequence_id", out JsonElement id))
            return null;
        string text = id.ValueKind switch
        {
            JsonValueKind.Number => id.GetRawText(),
            JsonValueKind.String => id.GetString() ?? "",
            _ => throw ServingException.BadRequest("sequence_id is a number or a string"),
        };
        bool Flag(string key) => parameters.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.True;
        return new SequenceFlags(text, Flag("sequence_start"), Flag("sequence_end"));
    }

    public static async Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted)
            return;
        await WriteJsonAsync(context, status, w => w.WriteString("error", message)).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
