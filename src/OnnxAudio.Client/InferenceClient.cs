using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OnnxAudio.Client.Protocol;

namespace OnnxAudio.Client;

/// <summary>
/// A connection to a server of the Open Inference Protocol (KServe v2) over gRPC — <c>onnxaudio serve</c>, Triton or
/// KServe: health, model metadata and inference with float or int64 tensors. The typed clients
/// (<see cref="RemoteClassifier"/>, <see cref="RemoteRestorer"/>, <see cref="RemoteCodec"/>) build on it. Thread-safe.
/// </summary>
public sealed class InferenceClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;

    /// <param name="address">The server's gRPC address, e.g. http://localhost:8001.</param>
    /// <param name="maxMessageBytes">Largest message sent or received (default 64 MiB).</param>
    public InferenceClient(string address, int maxMessageBytes = 64 << 20)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
            throw new OnnxAudioException($"{address}: not a server address (http://HOST:PORT)");
        _channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions { MaxReceiveMessageSize = maxMessageBytes, MaxSendMessageSize = maxMessageBytes });
        _client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        Address = address;
    }

    public string Address { get; }

    public async Task<bool> IsLiveAsync(CancellationToken cancellationToken = default) =>
        (await Call(_client.ServerLiveAsync(new ServerLiveRequest(), cancellationToken: cancellationToken))).Live;

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken = default) =>
        (await Call(_client.ServerReadyAsync(new ServerReadyRequest(), cancellationToken: cancellationToken))).Ready;

    public async Task<bool> IsModelReadyAsync(string model, CancellationToken cancellationToken = default) =>
        (await Call(_client.ModelReadyAsync(new ModelReadyRequest { Name = model }, cancellationToken: cancellationToken))).Ready;

    public Task<ModelMetadataResponse> MetadataAsync(string model, CancellationToken cancellationToken = default) =>
        Call(_client.ModelMetadataAsync(new ModelMetadataRequest { Name = model }, cancellationToken: cancellationToken));

    /// <summary>One inference request, sent as is.</summary>
    public Task<ModelInferResponse> InferAsync(ModelInferRequest request, CancellationToken cancellationToken = default) =>
        Call(_client.ModelInferAsync(request, cancellationToken: cancellationToken));

    /// <summary>A bidirectional stream of requests and responses (ModelStreamInfer).</summary>
    public AsyncDuplexStreamingCall<ModelInferRequest, ModelStreamInferResponse> OpenStream(CancellationToken cancellationToken = default) =>
        _client.ModelStreamInfer(cancellationToken: cancellationToken);

    /// <summary>A float tensor input of the given shape.</summary>
    public static ModelInferRequest.Types.InferInputTensor Input(string name, ReadOnlySpan<float> data, params long[] shape)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = "FP32", Contents = new InferTensorContents() };
        tensor.Shape.AddRange(shape);
        tensor.Contents.Fp32Contents.AddRange(data.ToArray());
        return tensor;
    }

    /// <summary>An int64 tensor input of the given shape.</summary>
    public static ModelInferRequest.Types.InferInputTensor Input(string name, ReadOnlySpan<long> data, params long[] shape)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = "INT64", Contents = new InferTensorContents() };
        tensor.Shape.AddRange(shape);
        tensor.Contents.Int64Contents.AddRange(data.ToArray());
        return tensor;
    }

    /// <summary>The output called <paramref name="name"/>: its shape and float data (typed contents or raw bytes).</summary>
    public static (long[] Shape, float[] Data) Floats(ModelInferResponse response, string name)
    {
        int index = OutputIndex(response, name);
        var tensor = response.Outputs[index];
        float[] data = tensor.Contents is { Fp32Contents.Count: > 0 } c
            ? c.Fp32Contents.ToArray()
            : response.RawOutputContents.Count > index ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(response.RawOutputContents[index].Span).ToArray() : [];
        return (tensor.Shape.ToArray(), data);
    }

    /// <summary>The int64 output called <paramref name="name"/>.</summary>
    public static (long[] Shape, long[] Data) Int64s(ModelInferResponse response, string name)
    {
        int index = OutputIndex(response, name);
        var tensor = response.Outputs[index];
        long[] data = tensor.Contents is { Int64Contents.Count: > 0 } c
            ? c.Int64Contents.ToArray()
            : response.RawOutputContents.Count > index ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(response.RawOutputContents[index].Span).ToArray() : [];
        return (tensor.Shape.ToArray(), data);
    }

    private static int OutputIndex(ModelInferResponse response, string name)
    {
        for (int i = 0; i < response.Outputs.Count; i++)
            if (response.Outputs[i].Name == name)
                return i;
        throw new OnnxAudioException($"the server's response for {response.ModelName} has no output '{name}'");
    }

    /// <summary>Server errors become <see cref="ServerException"/>s that say what the server said.</summary>
    private async Task<T> Call<T>(AsyncUnaryCall<T> call)
    {
        try
        {
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw new ServerException(Address, e.StatusCode, e.Status.Detail, e);
        }
        finally
        {
            call.Dispose();
        }
    }

    public void Dispose() => _channel.Dispose();
}

/// <summary>A server refused or failed a call; <see cref="Status"/> says how (ResourceExhausted: overloaded, retry later).</summary>
public sealed class ServerException(string address, StatusCode status, string detail, Exception inner)
    : OnnxAudioException($"{address}: {status}: {detail}", inner)
{
    public StatusCode Status { get; } = status;
}

/// <summary>Request parameters as the protocol carries them.</summary>
public static class InferParameters
{
    public static InferParameter Of(long value) => new() { Int64Param = value };

    public static InferParameter Of(bool value) => new() { BoolParam = value };

    public static InferParameter Of(string value) => new() { StringParam = value };

    /// <summary>The bytes of a float array, for raw_input_contents.</summary>
    public static ByteString Raw(ReadOnlySpan<float> data) => ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data));
}
