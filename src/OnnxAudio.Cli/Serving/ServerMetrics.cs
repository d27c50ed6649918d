using System.Globalization;
using System.Text;

namespace OnnxAudio.Cli.Serving;

/// <summary>
/// The server's counters in the Prometheus text format (<c>GET /metrics</c>): requests by model, protocol and outcome,
/// a latency histogram per model, the queue depth, requests in flight and open streams.
/// </summary>
internal sealed class ServerMetrics
{
    private static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private readonly object _lock = new();
    private readonly Dictionary<(string Model, string Protocol, string Code), long> _requests = [];
    private readonly Dictionary<string, (long[] Counts, double Sum, long Count)> _latency = [];

    public void Record(string model, string protocol, string code, TimeSpan elapsed)
    {
        lock (_lock)
        {
            _requests[(model, protocol, code)] = _requests.GetValueOrDefault((model, protocol, code)) + 1;
            var (counts, sum, count) = _latency.TryGetValue(model, out var h) ? h : (new long[Buckets.Length], 0.0, 0L);
            double seconds = elapsed.TotalSeconds;
            for (int i = 0; i < Buckets.Length; i++)
                if (seconds <= Buckets[i])
                    counts[i]++;
            _latency[model] = (counts, sum + seconds, count + 1);
        }
    }

    public string Render(AdmissionGate gate, int sequences)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.Append("# HELP onnxaudio_requests_total Inference requests by model, protocol and result code.\n# TYPE onnxaudio_requests_total counter\n");
        lock (_lock)
        {
            foreach (var ((model, protocol, code), n) in _requests.OrderBy(r => r.Key))
                text.Append(inv, $"onnxaudio_requests_total{{model=\"{model}\",protocol=\"{protocol}\",code=\"{code}\"}} {n}\n");
            text.Append("# HELP onnxaudio_request_duration_seconds Time from admission to response, per model.\n# TYPE onnxaudio_request_duration_seconds histogram\n");
            foreach (var (model, (counts, sum, count)) in _latency.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                for (int i = 0; i < Buckets.Length; i++)
                    text.Append(inv, $"onnxaudio_request_duration_seconds_bucket{{model=\"{model}\",le=\"{Buckets[i]}\"}} {counts[i]}\n");
                text.Append(inv, $"onnxaudio_request_duration_seconds_bucket{{model=\"{model}\",le=\"+Inf\"}} {count}\n");
                text.Append(inv, $"onnxaudio_request_duration_seconds_sum{{model=\"{model}\"}} {sum}\n");
                text.Append(inv, $"onnxaudio_request_duration_seconds_count{{model=\"{model}\"}} {count}\n");
            }
        }

        text.Append(inv, $"# HELP onnxaudio_queue_depth Requests admitted and waiting for a worker.\n# TYPE onnxaudio_queue_depth gauge\nonnxaudio_queue_depth {gate.QueueDepth}\n");
        text.Append(inv, $"# HELP onnxaudio_requests_in_flight Requests admitted (waiting or running).\n# TYPE onnxaudio_requests_in_flight gauge\nonnxaudio_requests_in_flight {gate.InFlight}\n");
        text.Append(inv, $"# HELP onnxaudio_sequences_open Streams whose state the server holds.\n# TYPE onnxaudio_sequences_open gauge\nonnxaudio_sequences_open {sequences}\n");
        return text.ToString();
    }
}
