using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OnnxAudio;
using OnnxAudio.Client;
using OnnxAudio.Client.Protocol;
using OnnxAudio.Onnx;
using OnnxAudio.Recognition;
using OnnxAudio.Restoration;

// Load generator for `onnxaudio serve`, against in-process inference in the same run (bounded in count and time):
//   kws: N clip classifications, C at a time — in-process AudioClassifier, then gRPC and REST to the server;
//   denoise: S streams of 1 s in 100 ms chunks, C at a time — in-process RestorationStream, then gRPC sequences.
// Prints throughput, latency percentiles and the server/in-process ratios.
//   dotnet run -c Release --project tools/OnnxAudio.LoadTest -- [--requests 400] [--streams 40] [--concurrency 4] [--workers 2] [--max-seconds 120]
var inv = CultureInfo.InvariantCulture;
int Option(string name, int fallback) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], inv) : fallback;
int requests = Option("--requests", 400), streams = Option("--streams", 40), concurrency = Option("--concurrency", 4);
int workers = Option("--workers", Environment.ProcessorCount);
var deadline = Stopwatch.StartNew();
TimeSpan budget = TimeSpan.FromSeconds(Option("--max-seconds", 120));

string models = FindModels();
var random = new Random(7);
float[] clip = Enumerable.Range(0, 16000).Select(i => (float)(0.2 * Math.Sin(i * 0.04) * Math.Sin(i * 0.0009) + 0.01 * (random.NextDouble() - 0.5))).ToArray();

// The server, as a separate process on loopback ports it picks.
var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "onnxaudio.dll"), "serve", "--http-port", "0", "--grpc-port", "0", "--workers", workers.ToString(inv),
    "--max-queue", "1000", "--models", models })
    start.ArgumentList.Add(a);
using var server = Process.Start(start)!;
_ = server.StandardError.ReadToEndAsync();
string banner = await server.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the server did not start");
var match = Regex.Match(banner, @"REST (\S+), gRPC (\S+)");
Uri rest = new(match.Groups[1].Value), grpc = new(match.Groups[2].Value);
Console.WriteLine($"server: {banner} (workers {workers}); client concurrency {concurrency}; {Environment.ProcessorCount} cores");

try
{
    var options = new InferenceOptions { IntraOpThreads = 1, InterOpThreads = 1 };
    using var classifier = AudioClassifier.Load(Path.Combine(models, "kws.onnx"), options);
    using var client = new InferenceClient(grpc.ToString());
    var remote = await RemoteClassifier.ConnectAsync(client);
    using var http = new HttpClient { BaseAddress = rest };
    string body = "{\"inputs\":[{\"name\":\"waveform\",\"datatype\":\"FP32\",\"shape\":[1,16000],\"data\":[" + string.Join(",", clip.Select(v => v.ToString("R", inv))) + "]}]}";

    var local = await Measure("kws in-process", requests, concurrency, () => { classifier.Probabilities(clip, new float[classifier.Labels.Count]); return Task.CompletedTask; });
    var viaGrpc = await Measure("kws gRPC", requests, concurrency, () => remote.ClassifyAsync(clip));
    var viaRest = await Measure("kws REST/JSON", requests, concurrency, async () =>
    {
        using var response = await http.PostAsync("v2/models/kws/infer", new StringContent(body));
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    });
    Console.WriteLine(string.Create(inv, $"kws throughput ratio: gRPC {viaGrpc.Throughput / local.Throughput:0.00}× and REST {viaRest.Throughput / local.Throughput:0.00}× in-process"));

    using var restorer = Restorer.Load(Path.Combine(models, "denoise.onnx"), options);
    float[] second = clip;
    var localStreams = await Measure("denoise stream in-process (1 s in 100 ms chunks)", streams, concurrency, () =>
    {
        using RestorationStream stream = restorer.CreateStream(pitchFilter: false);   // the work a server does: the network alone
        for (int offset = 0; offset < second.Length; offset += 1600)
            stream.Push(second.AsSpan(offset, 1600));
        return Task.CompletedTask;
    });
    long sequence = 1;
    var grpcStreams = await Measure("denoise stream gRPC (1 s in 100 ms chunks)", streams, concurrency, async () =>
    {
        long id = Interlocked.Increment(ref sequence);
        for (int offset = 0; offset < second.Length; offset += 1600)
        {
            var request = new ModelInferRequest { ModelName = "denoise" };
            request.Parameters["sequence_id"] = InferParameters.Of(id);
            request.Parameters["sequence_start"] = InferParameters.Of(offset == 0);
            request.Parameters["sequence_end"] = InferParameters.Of(offset + 1600 >= second.Length);
            request.Inputs.Add(InferenceClient.Input("audio", second.AsSpan(offset, 1600), 1, 1600));
            await client.InferAsync(request);
        }
    });
    Console.WriteLine(string.Create(inv,
        $"denoise throughput ratio: gRPC {grpcStreams.Throughput / localStreams.Throughput:0.00}× in-process; " +
        $"real-time streams sustained: in-process {localStreams.Throughput:0.0}, gRPC {grpcStreams.Throughput:0.0}"));
}
finally
{
    server.Kill();
}

async Task<(double Throughput, double P50, double P95)> Measure(string name, int count, int parallel, Func<Task> call)
{
    await call();   // warm-up
    var latencies = new List<double>();
    int next = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
    {
        while (Interlocked.Increment(ref next) <= count && deadline.Elapsed < budget)
        {
            var one = Stopwatch.StartNew();
            await call();
            lock (latencies)
                latencies.Add(one.Elapsed.TotalMilliseconds);
        }
    })));
    double seconds = clock.Elapsed.TotalSeconds;
    latencies.Sort();
    double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
    double throughput = latencies.Count / seconds;
    Console.WriteLine(string.Create(inv, $"{name}: {latencies.Count} in {seconds:0.00} s = {throughput:0.0}/s; latency p50 {P(0.5):0.00} ms, p95 {P(0.95):0.00} ms, p99 {P(0.99):0.00} ms"));
    return (throughput, P(0.5), P(0.95));
}

static string FindModels()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "models", "kws.onnx")))
            return Path.Combine(dir.FullName, "models");
    throw new OnnxAudioException("models/kws.onnx not found above the tool");
}
