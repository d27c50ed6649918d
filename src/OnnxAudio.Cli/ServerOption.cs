using System.CommandLine;
using OnnxAudio.Client;

namespace OnnxAudio.Cli;

/// <summary><c>--server URL</c>: run the command's model on an Open Inference Protocol server instead of in-process.</summary>
internal static class ServerOption
{
    public static Option<string?> Create(string model) => new("--server")
    {
        Description = $"gRPC address of a model server (onnxaudio serve, Triton, KServe) that serves '{model}', e.g. http://localhost:8001",
    };

    /// <summary>A client for the address, or null without one.</summary>
    public static InferenceClient? Connect(string? address) => address is null ? null : new InferenceClient(address);

    /// <summary>Waits for a server call; a refused or failed call is a user-facing error naming the server.</summary>
    public static T Wait<T>(Func<Task<T>> call, string address)
    {
        try
        {
            return call().GetAwaiter().GetResult();
        }
        catch (Grpc.Core.RpcException e)
        {
            throw new OnnxAudioException($"{address}: {e.Status.StatusCode}: {e.Status.Detail}", e);
        }
    }
}
