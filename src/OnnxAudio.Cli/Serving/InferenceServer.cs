using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OnnxAudio.Cli.Serving;

/// <summary>Settings of <c>onnxaudio serve</c>.</summary>
internal sealed record ServerOptions
{
    public string ModelsFolder { get; init; } = "models";
    public IPAddress Address { get; init; } = IPAddress.Loopback;
    public int HttpPort { get; init; } = 8000;
    public int GrpcPort { get; init; } = 8001;
    public int Workers { get; init; } = Environment.ProcessorCount;
    public int MaxQueue { get; init; } = 64;
    public int ThreadsPerCall { get; init; } = 1;
    public long MaxRequestBytes { get; init; } = 64L << 20;
    public TimeSpan SequenceIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public int MaxSequences { get; init; } = 1000;
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The Open Inference Protocol (KServe v2) server: REST on one port (HTTP/1.1), gRPC on another (HTTP/2), one
/// <see cref="ModelHost"/> behind both, a bounded queue (<see cref="AdmissionGate"/>), Prometheus metrics and one JSON
/// log line per request. Stopping drains: the server stops accepting, reports not ready, and lets requests in flight
/// finish (up to the drain timeout).
/// </summary>
internal sealed class InferenceServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TextWriter _log;
    private volatile bool _draining;

    private InferenceServer(WebApplication app, ModelHost host, AdmissionGate gate, ServerMetrics metrics, ServerOptions options, TextWriter log)
    {
        _app = app;
        Host = host;
        Gate = gate;
        Metrics = metrics;
        Options = options;
        _log = log;
    }

    public ModelHost Host { get; }

    public AdmissionGate Gate { get; }

    public ServerMetrics Metrics { get; }

    public ServerOptions Options { get; }

    public bool Ready => !_draining;

    /// <summary>The bound REST and gRPC addresses (ports resolved when 0 was asked for).</summary>
    public Uri HttpAddress { get; private set; } = null!;

    public Uri GrpcAddress { get; private set; } = null!;

    public static async Task<InferenceServer> StartAsync(ServerOptions options, TextWriter log)
    {
        var host = new ModelHost(options.ModelsFolder, options.ThreadsPerCall, options.SequenceIdleTimeout, options.MaxSequences);
        var gate = new AdmissionGate(options.Workers, options.MaxQueue);
        var metrics = new ServerMetrics();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainTimeout);
        ListenOptions? rest = null, grpc = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            k.Listen(options.Address, options.HttpPort, l => (rest = l).Protocols = HttpProtocols.Http1);
            k.Listen(options.Address, options.GrpcPort, l => (grpc = l).Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, options.MaxRequestBytes);
            o.MaxSendMessageSize = null;
            o.EnableDetailedErrors = false;
        });
        InferenceServer? server = null;
        builder.Services.AddSingleton(_ => server!);
        WebApplication app = builder.Build();
        server = new InferenceServer(app, host, gate, metrics, options, log);
        app.MapGrpcService<GrpcInferenceService>();
        app.MapFallback("{**path}", server.HandleRestAsync);
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            server._draining = true;
            server.Log("shutdown", ("message", "stopping: not accepting new requests, draining those in flight"), ("in_flight", gate.InFlight));
        });
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            host.Dispose();
            throw new OnnxAudioException($"cannot listen on {options.Address} ports {options.HttpPort}/{options.GrpcPort}: {e.Message}", e);
        }

        // Kestrel writes the bound endpoint (the real port when 0 was asked for) back into the listen options.
        server.HttpAddress = Address(rest!);
        server.GrpcAddress = Address(grpc!);
        server.Log("start", ("http", server.HttpAddress.ToString()), ("grpc", server.GrpcAddress.ToString()), ("models", string.Join(",", host.Models.Select(m => m.Name))),
            ("workers", options.Workers), ("max_queue", options.MaxQueue));
        return server;
    }

    private static Uri Address(ListenOptions listen)
    {
        IPEndPoint endpoint = listen.IPEndPoint!;
        string host = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) ? "localhost"
            : endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        return new Uri($"http://{host}:{endpoint.Port}");
    }

    /// <summary>Stops accepting, waits for requests in flight (up to the drain timeout), then releases the models.</summary>
    public async Task StopAsync()
    {
        _draining = true;
        await _app.StopAsync().ConfigureAwait(false);
        Log("stopped", ("message", "drained"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        Host.Dispose();
    }

    /// <summary>Admits, runs and accounts one inference; <paramref name="protocol"/> is "http" or "grpc".</summary>
    public async Task<InferenceOutcome> InferAsync(InferenceCall call, string protocol, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string code = "ok";
        try
        {
            if (_draining)
                throw ServingException.Unavailable("the server is shutting down");
            using IDisposable? lease = await Gate.EnterAsync(cancellationToken).ConfigureAwait(false)
                ?? throw ServingException.Overloaded($"overloaded: {Gate.Workers} requests running and {Gate.MaxQueue} waiting; retry later");
            return Host.Infer(call, cancellationToken);
        }
        catch (ServingException e)
        {
            code = e.GrpcStatus.ToString();
            throw;
        }
        catch (Exception e) when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or OnnxAudioException)
        {
            code = "InvalidArgument";
            throw ServingException.BadRequest($"{call.Model}: {e.Message}");
        }
        finally
        {
            Metrics.Record(call.Model, protocol, code, clock.Elapsed);
            Log("infer", ("protocol", protocol), ("model", call.Model), ("code", code), ("ms", Math.Round(clock.Elapsed.TotalMilliseconds, 3)),
                ("sequence", call.Sequence?.Id));
        }
    }

    /// <summary>One JSON object per line on the log writer.</summary>
    public void Log(string @event, params (string Key, object? Value)[] fields)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("event", @event);
            foreach (var (key, value) in fields)
            {
                switch (value)
                {
                    case null: break;
                    case int i: json.WriteNumber(key, i); break;
                    case long l: json.WriteNumber(key, l); break;
                    case double d: json.WriteNumber(key, d); break;
                    default: json.WriteString(key, value.ToString()); break;
                }
            }

            json.WriteEndObject();
        }

        lock (_log)
            _log.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private async Task HandleRestAsync(HttpContext context)
    {
        try
        {
            await RestProtocol.HandleAsync(this, context).ConfigureAwait(false);
        }
        catch (ServingException e)
        {
            await RestProtocol.WriteErrorAsync(context, e.HttpStatus, e.Message).ConfigureAwait(false);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            await RestProtocol.WriteErrorAsync(context, e.StatusCode, e.Message).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await RestProtocol.WriteErrorAsync(context, 400, $"the request body is not valid JSON: {e.Message}").ConfigureAwait(false);
        }
    }
}
