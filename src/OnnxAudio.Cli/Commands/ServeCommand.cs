using System.CommandLine;
using System.Net;
using OnnxAudio.Cli.Serving;

namespace OnnxAudio.Cli.Commands;

/// <summary>
/// <c>onnxaudio serve</c>: the shipped models over the Open Inference Protocol (KServe v2), REST and gRPC, until
/// SIGINT/SIGTERM, which drain the requests in flight before the process exits (0).
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var httpPort = new Option<int>("--http-port") { Description = "Port of the REST API (KServe v2 HTTP/JSON) and /metrics", DefaultValueFactory = _ => 8000 };
        var grpcPort = new Option<int>("--grpc-port") { Description = "Port of the gRPC API (inference.GRPCInferenceService)", DefaultValueFactory = _ => 8001 };
        var host = new Option<string>("--host") { Description = "Address to listen on (0.0.0.0 for every interface; default loopback only)", DefaultValueFactory = _ => "127.0.0.1" };
        var models = new Option<string?>("--models") { Description = "Folder of the models to serve; default: the shipped ones" };
        var maxQueue = new Option<int>("--max-queue") { Description = "Requests that may wait for a worker; beyond, 503 / RESOURCE_EXHAUSTED", DefaultValueFactory = _ => 64 };
        var workers = new Option<int>("--workers") { Description = "Inferences run at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var maxRequestMb = new Option<int>("--max-request-mb") { Description = "Largest request body or message, in MiB", DefaultValueFactory = _ => 64 };
        var idle = new Option<int>("--sequence-timeout") { Description = "Seconds after which an idle stream's state is dropped", DefaultValueFactory = _ => 60 };
        var drain = new Option<int>("--drain-seconds") { Description = "On SIGTERM, how long requests in flight may take to finish", DefaultValueFactory = _ => 30 };
        var command = new Command("serve", "Serve the models over the Open Inference Protocol (KServe v2): REST and gRPC")
        {
            httpPort, grpcPort, host, models, maxQueue, workers, maxRequestMb, idle, drain,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!IPAddress.TryParse(parse.GetValue(host), out IPAddress? address))
                throw new OnnxAudioException($"--host {parse.GetValue(host)}: not an IP address");
            foreach (var (name, value) in new[] { ("--http-port", parse.GetValue(httpPort)), ("--grpc-port", parse.GetValue(grpcPort)) })
                if (value is < 0 or > 65535)
                    throw new OnnxAudioException($"{name} must be a port number (0–65535), not {value}");
            if (parse.GetValue(httpPort) == parse.GetValue(grpcPort) && parse.GetValue(httpPort) != 0)
                throw new OnnxAudioException("--http-port and --grpc-port must differ");
            ArgumentChecks.Range("--max-queue", parse.GetValue(maxQueue), 0, 100_000);
            ArgumentChecks.Range("--workers", parse.GetValue(workers), 1, 256);
            ArgumentChecks.Range("--max-request-mb", parse.GetValue(maxRequestMb), 1, 2047);
            ArgumentChecks.Range("--sequence-timeout", parse.GetValue(idle), 1, 86_400);
            ArgumentChecks.Range("--drain-seconds", parse.GetValue(drain), 0, 3600);
            var options = new ServerOptions
            {
                ModelsFolder = parse.GetValue(models) ?? Path.GetDirectoryName(ShippedModels.Require("kws.onnx"))!,
                Address = address,
                HttpPort = parse.GetValue(httpPort),
                GrpcPort = parse.GetValue(grpcPort),
                Workers = parse.GetValue(workers),
                MaxQueue = parse.GetValue(maxQueue),
                MaxRequestBytes = (long)parse.GetValue(maxRequestMb) << 20,
                SequenceIdleTimeout = TimeSpan.FromSeconds(parse.GetValue(idle)),
                DrainTimeout = TimeSpan.FromSeconds(parse.GetValue(drain)),
            };
            await using InferenceServer server = await InferenceServer.StartAsync(options, context.Error);
            context.Out.WriteLine($"serving {string.Join(", ", server.Host.Models.Select(m => m.Name))}: REST {server.HttpAddress}, gRPC {server.GrpcAddress}");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            await server.StopAsync();
            return ExitCodes.Success;
        });
        return command;
    }
}
