using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using OnnxAudio.Audio;
using OnnxAudio.Cli.Serving;
using OnnxAudio.Client;
using OnnxAudio.Compression;
using OnnxAudio.Recognition;
using OnnxAudio.Restoration;

namespace OnnxAudio.Cli.Tests;

/// <summary>
/// <c>onnxaudio serve</c> on loopback: every model over gRPC (OnnxAudio.Client) and over REST (JSON), against the
/// in-process engines; 100 concurrent streams without cross-talk; overload answered with the documented error;
/// metrics; and a real process that drains a request in flight on SIGTERM.
/// </summary>
public sealed class ServeTests : IAsyncLifetime
{
    private const float Tolerance = 1e-4f;
    private InferenceServer _server = null!;
    private InferenceClient _client = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _server = await InferenceServer.StartAsync(new ServerOptions
        {
            ModelsFolder = Path.GetDirectoryName(ShippedFiles.Path("kws.onnx"))!, HttpPort = 0, GrpcPort = 0, Workers = 2, MaxQueue = 256,
        }, TextWriter.Null);
        _client = new InferenceClient(_server.GrpcAddress.ToString());
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _http.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    private static float[] Speech(int index, bool clean = false)
    {
        var sample = ShippedFiles.SpeechSamples()[index];
        return AudioFile.ReadMono(clean ? sample.Clean : sample.Noisy, 16000);
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float max = 0;
        for (int i = 0; i < expected.Length; i++)
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        Assert.True(max <= Tolerance, $"{what}: max difference {max}");
    }

    private static float[] RestoreInProcess(string model, float[] input, float? level = null)
    {
        using var restorer = Restorer.Load(ShippedFiles.Path(model + ".onnx"));
        var output = new List<float>();
        using var source = new MemoryAudioSource(input, new AudioFormat(16000, 1));
        // A server runs the waveform graph: the network without the runtime's pitch filter.
        var options = level is null
            ? new RestoreOptions { Clip = ClipHandling.RunningPeak, PitchFilter = false }
            : new RestoreOptions { Clip = ClipHandling.Given, ClipLevel = level, PitchFilter = false };
        restorer.Process(source, s => output.AddRange(s.ToArray()), options);
        return output.ToArray();
    }

    [Fact]
    public async Task Health_and_metadata_answer_over_both_protocols()
    {
        Assert.True(await _client.IsLiveAsync());
        Assert.True(await _client.IsReadyAsync());
        Assert.True(await _client.IsModelReadyAsync("denoise"));
        var metadata = await _client.MetadataAsync("kws");
        Assert.Equal([-1, 16000], metadata.Inputs.Single().Shape);
        var missing = await Assert.ThrowsAsync<ServerException>(() => _client.MetadataAsync("nope"));
        Assert.Equal(StatusCode.NotFound, missing.Status);

        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri(_server.HttpAddress, "v2/health/live"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri(_server.HttpAddress, "v2/health/ready"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri(_server.HttpAddress, "v2/models/codec-decoder/ready"))).StatusCode);
        JsonNode model = JsonNode.Parse(await _http.GetStringAsync(new Uri(_server.HttpAddress, "v2/models/codec-decoder")))!;
        Assert.Equal("INT64", (string?)model["inputs"]![0]!["datatype"]);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(new Uri(_server.HttpAddress, "v2/models/nope"))).StatusCode);
    }

    [Fact]
    public async Task Grpc_clients_give_the_in_process_results_for_every_model()
    {
        // Keyword spotting.
        using var classifier = AudioClassifier.Load(ShippedFiles.Path("kws.onnx"));
        var remote = await RemoteClassifier.ConnectAsync(_client);
        foreach (string clip in Directory.GetFiles(ShippedFiles.Path("samples/kws"), "*.wav").Order(StringComparer.Ordinal).Take(3))
        {
            float[] x = AudioFile.ReadMono(clip, 16000);
            ClassificationResult local = classifier.Classify(x), served = await remote.ClassifyAsync(x);
            Assert.Equal(local.Ranked[0].Label, served.Ranked[0].Label);
            foreach (LabelScore s in local.Ranked)
                Assert.True(Math.Abs(s.Score - served.Ranked.Single(r => r.Label == s.Label).Score) <= Tolerance);
        }

        // Denoising and declipping, offline: time-aligned and as long as the input.
        float[] noisy = Speech(0);
        float[] denoised = await new RemoteRestorer(_client).RestoreAsync(noisy);
        AssertClose(RestoreInProcess("denoise", noisy), denoised, "denoise");
        float[] clipped = Speech(1, clean: true);
        float level = 0.3f * clipped.Max(Math.Abs);
        for (int i = 0; i < clipped.Length; i++)
            clipped[i] = Math.Clamp(clipped[i], -level, level);
        float[] declipped = await new RemoteRestorer(_client, "declip").RestoreAsync(clipped, level);
        AssertClose(RestoreInProcess("declip", clipped, level), declipped, "declip");

        // The codec. Codes: the served encoder's (one call over the whole signal, DFT as a convolution) agree with the
        // in-process encoder's except where the residual quantiser meets a near-tie (a 1e-6 difference flips a deep
        // codebook's choice); samples: the served decoder turns the in-process bitstream's codes into its samples.
        using var codec = SpeechCodec.Load(ShippedFiles.Path("codec.encoder.onnx"));
        float[] speech = Speech(2, clean: true);
        var remoteCodec = new RemoteCodec(_client);
        var (books, frames, codes) = await remoteCodec.EncodeAsync(speech);
        Assert.Equal(codec.Codebooks, books);
        var (_, all) = codec.ReadCodes(new MemoryStream(codec.Compress(speech, books)), "speech");
        int agree = 0;
        for (int f = 0; f < frames; f++)
            for (int b = 0; b < books; b++)
                agree += all[f * books + b] == codes[b * frames + f] ? 1 : 0;
        Assert.True(agree >= 0.98 * books * frames, $"{agree} of {books * frames} codes agree");
        foreach (double kbps in new[] { 1.5, 3, 6 })
        {
            int n = codec.CodebooksFor(kbps);
            byte[] bitstream = codec.Compress(speech, n);
            var (_, local) = codec.ReadCodes(new MemoryStream(bitstream), "speech");
            long[] codeMajor = new long[n * frames];
            for (int f = 0; f < frames; f++)
                for (int b = 0; b < n; b++)
                    codeMajor[b * frames + f] = local[f * n + b];
            float[] decoded = await remoteCodec.DecodeAsync(codeMajor, n, frames, speech.Length);
            DecodedAgreement.AssertAgrees(codec.Spec.Signal, speech, codec.Decompress(bitstream), decoded, $"decode {kbps} kbit/s");
        }
    }

    private async Task<JsonNode> Rest(string model, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _http.PostAsync(new Uri(_server.HttpAddress, $"v2/models/{model}/infer"),
            new StringContent(JsonSerializer.Serialize(body, TestJson.Default.JsonObject), System.Text.Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static JsonObject Tensor(string name, string datatype, long[] shape, IEnumerable<double> data) => new()
    {
        ["name"] = name, ["datatype"] = datatype, ["shape"] = new JsonArray(shape.Select(s => (JsonNode)s).ToArray()),
        ["data"] = new JsonArray(data.Select(v => (JsonNode)v).ToArray()),
    };

    private static float[] Floats(JsonNode response, string name) =>
        response["outputs"]!.AsArray().Single(o => (string?)o!["name"] == name)!["data"]!.AsArray().Select(v => (float)v!).ToArray();

    [Fact]
    public async Task Rest_json_gives_the_in_process_results_for_every_model()
    {
        using var classifier = AudioClassifier.Load(ShippedFiles.Path("kws.onnx"));
        float[] clip = new float[16000];
        float[] word = AudioFile.ReadMono(Directory.GetFiles(ShippedFiles.Path("samples/kws"), "*.wav").Order(StringComparer.Ordinal).First(), 16000);
        word.AsSpan(0, Math.Min(word.Length, clip.Length)).CopyTo(clip);
        var probabilities = new float[classifier.Labels.Count];
        classifier.Probabilities(clip, probabilities);
        JsonNode kws = await Rest("kws", new JsonObject { ["inputs"] = new JsonArray(Tensor("waveform", "FP32", [1, 16000], clip.Select(v => (double)v))) });
        AssertClose(probabilities, Floats(kws, "probabilities"), "kws");
        Assert.Contains("\"yes\"", (string?)kws["parameters"]!["labels"]);

        // A stream over REST in 100 ms chunks matches the restoration stream.
        foreach (string model in new[] { "denoise", "declip" })
        {
            using var restorer = Restorer.Load(ShippedFiles.Path(model + ".onnx"));
            float[] x = Speech(3)[..16000];
            using RestorationStream stream = restorer.CreateStream(1f, model == "declip" ? 0.05f : null, pitchFilter: false);
            var expected = new List<float>();
            var actual = new List<float>();
            for (int offset = 0; offset < x.Length; offset += 1600)
            {
                expected.AddRange(stream.Push(x.AsSpan(offset, 1600)));
                var inputs = new JsonArray(Tensor("audio", "FP32", [1, 1600], x[offset..(offset + 1600)].Select(v => (double)v)));
                if (model == "declip")
                    inputs.Add(Tensor("clip_level", "FP32", [1, 1], [0.05]));
                var parameters = new JsonObject { ["sequence_id"] = $"rest-{model}", ["sequence_start"] = offset == 0, ["sequence_end"] = offset + 1600 >= x.Length };
                actual.AddRange(Floats(await Rest(model, new JsonObject { ["parameters"] = parameters, ["inputs"] = inputs }), "restored"));
            }

            AssertClose(expected.ToArray(), actual.ToArray(), model);
        }

        // The codec over REST: int64 codes in, samples out.
        using var codec = SpeechCodec.Load(ShippedFiles.Path("codec.encoder.onnx"));
        float[] speech = Speech(2, clean: true)[..16000];
        JsonNode encoded = await Rest("codec-encoder", new JsonObject { ["inputs"] = new JsonArray(Tensor("waveform", "FP32", [1, speech.Length], speech.Select(v => (double)v))) });
        JsonNode codes = encoded["outputs"]![0]!;
        long frames = (long)codes["shape"]![2]!;
        Assert.Equal(codec.Codebooks * frames, codes["data"]!.AsArray().Count);
        int books = codec.CodebooksFor(3);
        byte[] bitstream = codec.Compress(speech, books);
        var (_, local) = codec.ReadCodes(new MemoryStream(bitstream), "speech");
        var codeMajor = new long[books * frames];
        for (int f = 0; f < frames; f++)
            for (int b = 0; b < books; b++)
                codeMajor[b * frames + f] = local[f * books + b];
        JsonNode decoded = await Rest("codec-decoder", new JsonObject
        {
            ["inputs"] = new JsonArray(Tensor("codes", "INT64", [1, books, frames], codeMajor.Select(v => (double)v))),
        });
        DecodedAgreement.AssertAgrees(codec.Spec.Signal, speech, codec.Decompress(bitstream), Floats(decoded, "waveform")[..speech.Length], "codec over REST");

        // Mistakes are 400s with a message, not crashes.
        JsonNode bad = await Rest("kws", new JsonObject { ["inputs"] = new JsonArray(Tensor("waveform", "FP32", [1, 100], new double[100])) }, HttpStatusCode.BadRequest);
        Assert.Contains("shape", (string?)bad["error"]);
        JsonNode noStart = await Rest("denoise", new JsonObject
        {
            ["parameters"] = new JsonObject { ["sequence_id"] = 999 },
            ["inputs"] = new JsonArray(Tensor("audio", "FP32", [1, 160], new double[160])),
        }, HttpStatusCode.BadRequest);
        Assert.Contains("sequence_start", (string?)noStart["error"]);
    }

    [Fact]
    public void Recognize_and_restore_with_server_print_and_write_what_they_do_in_process()
    {
        string server = _server.GrpcAddress.ToString();
        using var folder = new TempFolder();
        string clip = Directory.GetFiles(ShippedFiles.Path("samples/kws"), "*.wav").Order(StringComparer.Ordinal).First();
        var (localCode, local, _) = CliRunner.Run("recognize", clip, "--json", "--top", "3");
        var (remoteCode, remote, remoteError) = CliRunner.Run("recognize", clip, "--json", "--top", "3", "--server", server);
        Assert.True(localCode == 0 && remoteCode == 0, remoteError);
        JsonNode a = JsonNode.Parse(local)!, b = JsonNode.Parse(remote)!;
        Assert.Equal((string?)a["label"], (string?)b["label"]);
        Assert.True(Math.Abs((double)a["score"]! - (double)b["score"]!) <= 1e-4);

        // A long file with --stream: the same detections.
        float[] words = Directory.GetFiles(ShippedFiles.Path("samples/kws"), "*.wav").Order(StringComparer.Ordinal).Take(4)
            .SelectMany(f => AudioFile.ReadMono(f, 16000).Concat(new float[8000])).ToArray();
        string longFile = folder.File("words.wav");
        AudioFile.WriteMono(longFile, words, 16000);
        var (_, localStream, _) = CliRunner.Run("recognize", longFile, "--stream");
        var (streamCode, remoteStream, streamError) = CliRunner.Run("recognize", longFile, "--stream", "--server", server);
        Assert.True(streamCode == 0, streamError);
        Assert.Equal(localStream.Split('\n').Select(l => l.Split(' ').Take(3)).SelectMany(x => x), remoteStream.Split('\n').Select(l => l.Split(' ').Take(3)).SelectMany(x => x));

        string noisy = ShippedFiles.SpeechSamples()[0].Noisy;
        // A server runs the network alone: the local run without the pitch filter is its equal.
        var (c1, _, e1) = CliRunner.Run("restore", noisy, folder.File("local.wav"), "--pitch-filter", "false");
        var (c2, _, e2) = CliRunner.Run("restore", noisy, folder.File("remote.wav"), "--server", server);
        Assert.True(c1 == 0 && c2 == 0, e1 + e2);
        float[] x = AudioFile.ReadMono(folder.File("local.wav"), 16000), y = AudioFile.ReadMono(folder.File("remote.wav"), 16000);
        Assert.Equal(x.Length, y.Length);
        Assert.True(x.Zip(y).All(p => Math.Abs(p.First - p.Second) <= 1.5f / 32768), "16-bit outputs differ by more than a step");

        var (filtered, _, filteredError) = CliRunner.Run("restore", noisy, folder.File("f.wav"), "--server", server, "--pitch-filter", "true");
        Assert.Equal(1, filtered);
        Assert.Contains("--pitch-filter", filteredError);

        var (bad, _, badError) = CliRunner.Run("restore", noisy, folder.File("x.wav"), "--server", "http://127.0.0.1:1");
        Assert.Equal(1, bad);
        Assert.Contains("127.0.0.1:1", badError);
    }

    [Fact]
    public async Task A_hundred_concurrent_streams_do_not_mix()
    {
        using var restorer = Restorer.Load(ShippedFiles.Path("denoise.onnx"));
        float[] basis = Speech(3)[..8000];
        // Each stream has its own signal: the speech scaled and shifted differently.
        float[][] signals = Enumerable.Range(0, 100).Select(k => Enumerable.Range(0, basis.Length).Select(i => (0.2f + 0.01f * k) * basis[(i + 37 * k) % basis.Length]).ToArray()).ToArray();
        float[][] expected = signals.Select(s =>
        {
            using RestorationStream stream = restorer.CreateStream(pitchFilter: false);   // served: the network alone
            var output = new List<float>();
            for (int offset = 0; offset < s.Length; offset += 1600)
                output.AddRange(stream.Push(s.AsSpan(offset, 1600)));
            return output.ToArray();
        }).ToArray();

        float[][] served = await Task.WhenAll(signals.Select(async (s, k) =>
        {
            var output = new List<float>();
            for (int offset = 0; offset < s.Length; offset += 1600)
            {
                var request = new Client.Protocol.ModelInferRequest { ModelName = "denoise" };
                request.Parameters["sequence_id"] = InferParameters.Of(10_000 + k);
                request.Parameters["sequence_start"] = InferParameters.Of(offset == 0);
                request.Parameters["sequence_end"] = InferParameters.Of(offset + 1600 >= s.Length);
                request.Inputs.Add(InferenceClient.Input("audio", s.AsSpan(offset, 1600), 1, 1600));
                output.AddRange(InferenceClient.Floats(await _client.InferAsync(request), "restored").Data);
                await Task.Yield();
            }

            return output.ToArray();
        }));

        for (int k = 0; k < signals.Length; k++)
            AssertClose(expected[k], served[k], $"stream {k}");
        Assert.Equal(0, _server.Host.ActiveSequences);   // every stream ended with sequence_end
    }

    [Fact]
    public async Task Model_stream_infer_carries_a_sequence_over_one_bidirectional_stream()
    {
        using var restorer = Restorer.Load(ShippedFiles.Path("denoise.onnx"));
        float[] x = Speech(1)[..9600];
        using RestorationStream local = restorer.CreateStream(pitchFilter: false);   // served: the network alone
        var expected = new List<float>();
        for (int offset = 0; offset < x.Length; offset += 1600)
            expected.AddRange(local.Push(x.AsSpan(offset, 1600)));

        using var call = _client.OpenStream();
        for (int offset = 0; offset < x.Length; offset += 1600)
        {
            var request = new Client.Protocol.ModelInferRequest { ModelName = "denoise" };
            request.Parameters["sequence_id"] = InferParameters.Of("bidi");
            request.Parameters["sequence_start"] = InferParameters.Of(offset == 0);
            request.Parameters["sequence_end"] = InferParameters.Of(offset + 1600 >= x.Length);
            request.Inputs.Add(InferenceClient.Input("audio", x.AsSpan(offset, 1600), 1, 1600));
            await call.RequestStream.WriteAsync(request);
        }

        // A bad request in the stream is answered with an error message; the stream goes on.
        var bad = new Client.Protocol.ModelInferRequest { ModelName = "nope" };
        await call.RequestStream.WriteAsync(bad);
        await call.RequestStream.CompleteAsync();
        var actual = new List<float>();
        var errors = new List<string>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            if (response.ErrorMessage.Length > 0)
                errors.Add(response.ErrorMessage);
            else
                actual.AddRange(InferenceClient.Floats(response.InferResponse, "restored").Data);
        }

        AssertClose(expected.ToArray(), actual.ToArray(), "ModelStreamInfer");
        Assert.Single(errors);
        Assert.Contains("nope", errors[0]);
    }

    [Fact]
    public async Task Requests_over_the_size_limit_are_refused()
    {
        await using InferenceServer small = await InferenceServer.StartAsync(new ServerOptions
        {
            ModelsFolder = Path.GetDirectoryName(ShippedFiles.Path("kws.onnx"))!, HttpPort = 0, GrpcPort = 0, MaxRequestBytes = 1 << 20,
        }, TextWriter.Null);
        // Expect: 100-continue lets the server refuse on the declared length before the body is sent; without it the
        // server's early 413 can race the client's upload and surface as a reset connection on a loaded machine.
        using var http = new HttpClient();
        http.DefaultRequestHeaders.ExpectContinue = true;
        using var big = await http.PostAsync(new Uri(small.HttpAddress, "v2/models/kws/infer"), new ByteArrayContent(new byte[2 << 20]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        using var client = new InferenceClient(small.GrpcAddress.ToString());
        var request = new Client.Protocol.ModelInferRequest { ModelName = "codec-encoder" };
        request.Inputs.Add(InferenceClient.Input("waveform", new float[400_000], 1, 400_000));
        var refused = await Assert.ThrowsAsync<ServerException>(() => client.InferAsync(request));
        Assert.Equal(StatusCode.ResourceExhausted, refused.Status);
        await small.StopAsync();
    }

    [Fact]
    public async Task Overload_is_refused_at_once_with_resource_exhausted_and_503()
    {
        await using InferenceServer small = await InferenceServer.StartAsync(new ServerOptions
        {
            ModelsFolder = Path.GetDirectoryName(ShippedFiles.Path("kws.onnx"))!, HttpPort = 0, GrpcPort = 0, Workers = 1, MaxQueue = 1,
        }, TextWriter.Null);
        using var client = new InferenceClient(small.GrpcAddress.ToString());
        float[] samples = new float[16000 * 20];
        for (int i = 0; i < samples.Length; i++)
            samples[i] = (float)(0.1 * Math.Sin(i * 0.01));
        int peak = 0;
        using var sampling = new CancellationTokenSource();
        Task sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, small.Gate.InFlight);
                await Task.Delay(1);
            }
        });
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            var request = new Client.Protocol.ModelInferRequest { ModelName = "codec-encoder" };
            request.Inputs.Add(InferenceClient.Input("waveform", samples, 1, samples.Length));
            try
            {
                await client.InferAsync(request);
                return StatusCode.OK;
            }
            catch (ServerException e)
            {
                return e.Status;
            }
        }));
        sampling.Cancel();
        await sampler;
        Assert.Contains(StatusCode.OK, results);
        Assert.All(results, r => Assert.True(r is StatusCode.OK or StatusCode.ResourceExhausted, r.ToString()));
        Assert.InRange(peak, 1, 2);   // never more admitted than one running plus one waiting: memory is bounded

        // Refusals: the gate is filled here (the one worker taken, the one queue place waiting) so that they do not
        // depend on how fast this machine serves concurrent requests. gRPC says RESOURCE_EXHAUSTED, REST 503.
        var body = new JsonObject { ["inputs"] = new JsonArray(Tensor("waveform", "FP32", [1, 16000], samples.Take(16000).Select(v => (double)v))) };
        string json = JsonSerializer.Serialize(body, TestJson.Default.JsonObject);
        using var http = new HttpClient();
        Uri infer = new(small.HttpAddress, "v2/models/codec-encoder/infer");
        IDisposable? worker = await small.Gate.EnterAsync(CancellationToken.None);
        Task<IDisposable?> queued = small.Gate.EnterAsync(CancellationToken.None);
        var grpcRequest = new Client.Protocol.ModelInferRequest { ModelName = "codec-encoder" };
        grpcRequest.Inputs.Add(InferenceClient.Input("waveform", samples[..16000], 1, 16000));
        Assert.Equal(StatusCode.ResourceExhausted, (await Assert.ThrowsAsync<ServerException>(() => client.InferAsync(grpcRequest))).Status);
        using (var refused = await http.PostAsync(infer, new StringContent(json)))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        worker!.Dispose();
        (await queued)!.Dispose();
        using (var served = await http.PostAsync(infer, new StringContent(json)))
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        string metrics = await http.GetStringAsync(new Uri(small.HttpAddress, "metrics"));
        Assert.Contains("code=\"ResourceExhausted\"", metrics);
        Assert.Contains("onnxaudio_request_duration_seconds_bucket{model=\"codec-encoder\",le=\"+Inf\"}", metrics);
        Assert.Contains("onnxaudio_queue_depth", metrics);
        await small.StopAsync();
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Sigterm_drains_the_request_in_flight_then_exits()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "onnxaudio.dll"), "serve", "--http-port", "0", "--grpc-port", "0" })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.NotNull(line);
        var rest = new Uri(System.Text.RegularExpressions.Regex.Match(line!, @"REST (\S+),").Groups[1].Value);

        // A minute of audio through the encoder takes long enough to signal while it runs.
        float[] minute = Enumerable.Range(0, 16000 * 60).Select(i => (float)(0.1 * Math.Sin(i * 0.02))).ToArray();
        var body = new JsonObject { ["inputs"] = new JsonArray(Tensor("waveform", "FP32", [1, minute.Length], minute.Select(v => (double)v))) };
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        Task<HttpResponseMessage> inFlight = http.PostAsync(new Uri(rest, "v2/models/codec-encoder/infer"),
            new StringContent(JsonSerializer.Serialize(body, TestJson.Default.JsonObject)));
        var clock = Stopwatch.StartNew();
        while (!(await http.GetStringAsync(new Uri(rest, "metrics"))).Contains("onnxaudio_requests_in_flight 1") && clock.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(5);
        Assert.Equal(0, Kill(process.Id, 15));
        using HttpResponseMessage response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "the server did not exit after draining");
        Assert.Equal(0, process.ExitCode);
        string log = await errors;
        Assert.Contains("\"event\":\"shutdown\"", log);
        Assert.Contains("\"event\":\"stopped\"", log);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
