using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using OnnxAudio.Client.Protocol;

namespace OnnxAudio.Cli.Serving;

/// <summary>
/// The gRPC half of the Open Inference Protocol: inference.GRPCInferenceService as Triton defines it (health,
/// metadata, ModelInfer, ModelStreamInfer). Inputs come as typed contents or raw_input_contents; outputs go back as
/// raw_output_contents, as Triton sends them, so Triton's clients read them unchanged.
/// </summary>
internal sealed class GrpcInferenceService(InferenceServer server) : GRPCInferenceService.GRPCInferenceServiceBase
{
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = server.Ready });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) =>
        Guard(() =>
        {
            server.Host.Get(request.Name);
            return new ModelReadyResponse { Ready = server.Ready };
        });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse
        {
            Name = "onnxaudio", Version = typeof(GrpcInferenceService).Assembly.GetName().Version?.ToString(3) ?? "0", Extensions = { "sequence" },
        });

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context) =>
        Guard(() =>
        {
            ServedModel model = server.Host.Get(request.Name);
            var response = new ModelMetadataResponse { Name = model.Name, Platform = "onnxruntime_onnx", Versions = { "1" } };
            response.Inputs.AddRange(model.Inputs.Select(Describe));
            response.Outputs.AddRange(model.Outputs.Select(Describe));
            return response;
        });

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        try
        {
            return await Infer(request, context.CancellationToken).ConfigureAwait(false);
        }
        catch (ServingException e)
        {
            throw new RpcException(new Status(e.GrpcStatus, e.Message));
        }
    }

    public override async Task ModelStreamInfer(IAsyncStreamReader<ModelInferRequest> requestStream, IServerStreamWriter<ModelStreamInferResponse> responseStream,
        ServerCallContext context)
    {
        await foreach (ModelInferRequest request in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            ModelStreamInferResponse response;
            try
            {
                response = new ModelStreamInferResponse { InferResponse = await Infer(request, context.CancellationToken).ConfigureAwait(false) };
            }
            catch (ServingException e)
            {
                response = new ModelStreamInferResponse { ErrorMessage = e.Message };
            }

            await responseStream.WriteAsync(response, context.CancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ModelInferResponse> Infer(ModelInferRequest request, CancellationToken cancellationToken)
    {
        var inputs = new List<TensorData>();
        if (request.RawInputContents.Count > 0 && request.RawInputContents.Count != request.Inputs.Count)
            throw ServingException.BadRequest($"{request.RawInputContents.Count} raw_input_contents for {request.Inputs.Count} inputs");
        for (int i = 0; i < request.Inputs.Count; i++)
        {
            var input = request.Inputs[i];
            ByteString? raw = request.RawInputContents.Count > 0 ? request.RawInputContents[i] : null;
            inputs.Add(input.Datatype switch
            {
                "FP32" => new TensorData(input.Name, input.Shape.ToArray(), Floats: raw is null ? input.Contents?.Fp32Contents.ToArray() ?? [] : Raw<float>(raw, input.Name)),
                "INT64" => new TensorData(input.Name, input.Shape.ToArray(), Int64s: raw is null ? input.Contents?.Int64Contents.ToArray() ?? [] : Raw<long>(raw, input.Name)),
                _ => throw ServingException.BadRequest($"input '{input.Name}': datatype {input.Datatype} is not served (FP32, INT64)"),
            });
        }

        SequenceFlags? sequence = null;
        if (request.Parameters.TryGetValue("sequence_id", out InferParameter? id))
        {
            string text = id.ParameterChoiceCase switch
            {
                InferParameter.ParameterChoiceOneofCase.Int64Param => id.Int64Param.ToString(System.Globalization.CultureInfo.InvariantCulture),
                InferParameter.ParameterChoiceOneofCase.Uint64Param => id.Uint64Param.ToString(System.Globalization.CultureInfo.InvariantCulture),
                InferParameter.ParameterChoiceOneofCase.StringParam => id.StringParam,
                _ => throw ServingException.BadRequest("sequence_id is an integer or a string"),
            };
            bool Flag(string key) => request.Parameters.TryGetValue(key, out InferParameter? p) && p.BoolParam;
            sequence = new SequenceFlags(text, Flag("sequence_start"), Flag("sequence_end"));
        }

        string[]? outputs = request.Outputs.Count > 0 ? request.Outputs.Select(o => o.Name).ToArray() : null;
        InferenceOutcome outcome = await server.InferAsync(new InferenceCall(request.ModelName, inputs, outputs, sequence), "grpc", cancellationToken).ConfigureAwait(false);
        var response = new ModelInferResponse { ModelName = request.ModelName, ModelVersion = "1", Id = request.Id };
        foreach (var (key, value) in outcome.Parameters)
            response.Parameters[key] = value is long l ? new InferParameter { Int64Param = l } : new InferParameter { StringParam = value.ToString() };
        foreach (TensorData t in outcome.Outputs)
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = t.Name, Datatype = t.Datatype };
            tensor.Shape.AddRange(t.Shape);
            response.Outputs.Add(tensor);
            response.RawOutputContents.Add(t.Int64s is long[] ints
                ? ByteString.CopyFrom(MemoryMarshal.AsBytes(ints.AsSpan()))
                : ByteString.CopyFrom(MemoryMarshal.AsBytes(t.Floats.AsSpan())));
        }

        return response;
    }

    private static T[] Raw<T>(ByteString raw, string name) where T : struct
    {
        if (raw.Length % Marshal.SizeOf<T>() != 0)
            throw ServingException.BadRequest($"input '{name}': {raw.Length} raw bytes are not whole values");
        return MemoryMarshal.Cast<byte, T>(raw.Span).ToArray();
    }

    private static ModelMetadataResponse.Types.TensorMetadata Describe(Graphs.OnnxTensorInfo t)
    {
        var tensor = new ModelMetadataResponse.Types.TensorMetadata { Name = t.Name, Datatype = t.ElementType == Graphs.OnnxElementType.Int64 ? "INT64" : "FP32" };
        tensor.Shape.AddRange(ServedModel.ProtocolShape(t));
        return tensor;
    }

    private static Task<T> Guard<T>(Func<T> body)
    {
        try
        {
            return Task.FromResult(body());
        }
        catch (ServingException e)
        {
            throw new RpcException(new Status(e.GrpcStatus, e.Message));
        }
    }
}
