using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using OnnxAudio;
using OnnxAudio.Audio;
using OnnxAudio.Evaluation;
using OnnxAudio.Peers;

// Peer comparison harness: runs the real peer tools that are installed on the same inputs as ours and scores every
// system with the same metrics (OnnxAudio.Evaluation), printing one table. Peers that are not installed are reported
// as absent, never faked.
//
//   dotnet run -c Release --project tools/OnnxAudio.Peers -- denoise --corpus data/denoise [--split test] [--limit 40] [--model models/denoise.onnx] [--ours DIR] [--out results/peers] [--clean-input]
// --clean-input feeds every system the clean references (each once): a denoiser should pass clean speech through, so
// the table adds the long-term spectrum's change per octave band (output − input, dB). --strength S runs our denoiser
// at that strength (default 1), --no-pitch-filter without the runtime's pitch filter (on by default for denoisers);
// --noise TYPE keeps only the files mixed with that noise type (e.g. babble).
//   dotnet run -c Release --project tools/OnnxAudio.Peers -- codec --corpus data/codec [--split test] [--limit 40] [--model models/codec] [--out results/peers]
// Every output is also scored with DNSMOS P.835 (models/dnsmos.onnx, or --dnsmos MODEL), which needs no reference.
// --skip-peers runs only ours and the unprocessed input (checkpoint comparisons; peers are deterministic, sox with -R).
var inv = CultureInfo.InvariantCulture;
if (args.Length == 0 || args[0] is not ("denoise" or "codec"))
{
    Console.Error.WriteLine("usage: OnnxAudio.Peers denoise|codec --corpus DIR [--split test] [--limit N] [--ours DIR] [--out DIR] [--rnnoise MODEL.rnnn] [--skip-peers]");
    return 2;
}

string mode = args[0];
string Option(string name, string? fallback = null)
{
    int i = Array.IndexOf(args, name);
    if (i >= 0 && i + 1 < args.Length)
        return args[i + 1];
    if (fallback is not null)
        return fallback;
    Console.Error.WriteLine($"OnnxAudio.Peers: {name} {(i >= 0 ? "needs a value" : "is required")}");
    Environment.Exit(2);
    return "";
}

double Number(string name, string fallback)
{
    string text = Option(name, fallback);
    if (double.TryParse(text, NumberStyles.Float, inv, out double value))
        return value;
    Console.Error.WriteLine($"OnnxAudio.Peers: {name} must be a number, not '{text}'");
    Environment.Exit(2);
    return 0;
}

string corpus = Option("--corpus");
string split = Option("--split", "test");
int limit = (int)Number("--limit", "40");
string outDir = Path.GetFullPath(Option("--out", Path.Combine("results", "peers", mode)));
string? ours = Array.IndexOf(args, "--ours") >= 0 ? Option("--ours") : null;
string? model = Array.IndexOf(args, "--model") >= 0 ? Option("--model") : null;
string? rnnoise = Array.IndexOf(args, "--rnnoise") >= 0 ? Option("--rnnoise") : FindRnnoiseModel();
bool cleanInput = Array.IndexOf(args, "--clean-input") >= 0;
float strength = (float)Number("--strength", "1");
bool? pitchFilter = Array.IndexOf(args, "--no-pitch-filter") >= 0 ? false : null;
string? onlyNoise = Array.IndexOf(args, "--noise") >= 0 ? Option("--noise") : null;
string dnsmosModel = Array.IndexOf(args, "--dnsmos") >= 0 ? Option("--dnsmos") : FindUp(Path.Combine("models", "dnsmos.onnx"))
    ?? throw new FileNotFoundException("models/dnsmos.onnx not found; pass --dnsmos MODEL");
using var dnsmos = Dnsmos.Load(dnsmosModel);
Directory.CreateDirectory(outDir);

// The corpus's pairs for the split: (name, reference = clean, input = noisy or the clean file itself for codecs, SNR).
var items = new List<(string Name, string Reference, string Input, double? Snr, string? Noise)>();
foreach (ManifestEntry e in Manifest.Read(corpus).Where(e => e.Split == split))
{
    if (mode == "denoise" && e.CleanPath is string clean && cleanInput)
        items.Add((clean, Path.Combine(corpus, clean), Path.Combine(corpus, clean), null, "clean"));
    else if (mode == "denoise" && e.CleanPath is string cleanReference)
        items.Add((e.Path, Path.Combine(corpus, cleanReference), Path.Combine(corpus, e.Path), e.SnrDb, e.NoiseType));
    else if (mode == "codec")
    {
        // A codec corpus lists clean files; a denoising corpus's clean references serve as well.
        string speech = e.CleanPath ?? e.Path;
        items.Add((speech, Path.Combine(corpus, speech), Path.Combine(corpus, speech), null, null));
    }
}

items = items.Where(i => onlyNoise is null || i.Noise == onlyNoise).DistinctBy(i => i.Name).OrderBy(i => i.Name, StringComparer.Ordinal).Take(limit).ToList();
if (items.Count == 0)
{
    Console.Error.WriteLine($"{corpus}: no {mode} items in split '{split}'");
    return 1;
}

var systems = new List<Peer>();
if (mode == "denoise")
    systems.Add(new Peer(cleanInput ? "clean input (unprocessed)" : "noisy input (unprocessed)", [], (input, output, _) => { File.Copy(input, output, overwrite: true); return 0; }));
// --skip-peers: only ours (and the unprocessed input), e.g. to compare checkpoints against peer figures of an earlier run.
if (Array.IndexOf(args, "--skip-peers") < 0)
    systems.AddRange(mode == "denoise" ? PeerCatalog.Denoisers(rnnoise) : PeerCatalog.Codecs());
using var restorer = mode == "denoise" && model is not null ? OnnxAudio.Restoration.Restorer.Load(model) : null;
using var codec = mode == "codec" && model is not null ? OnnxAudio.Compression.SpeechCodec.Load(model) : null;
if (codec is not null)
    foreach (double kbps in new[] { 6.0, 3.0, 1.5 })
        systems.Add(new Peer(string.Create(inv, $"OnnxAudio codec {kbps} kbps"), [], (input, output, _) =>
        {
            byte[] file = codec.Compress(AudioFile.ReadMono(input, codec.SampleRate), codec.CodebooksFor(kbps));
            AudioFile.WriteMono(output, codec.Decompress(file), codec.SampleRate, new WavWriterOptions { Overwrite = true });
            return file.Length;
        }, KnownDelay: 0));
if (restorer is not null)
{
    string name = $"OnnxAudio {Path.GetFileName(model)}" + (strength == 1 ? "" : string.Create(inv, $" strength {strength}")) + (pitchFilter == false ? " without pitch filter" : "");
    systems.Add(new Peer(name, [], (input, output, _) =>
    {
        var options = new OnnxAudio.Restoration.RestoreOptions { Strength = strength, PitchFilter = pitchFilter };
        AudioFile.WriteMono(output, restorer.Process(AudioFile.ReadMono(input, restorer.SampleRate), options), restorer.SampleRate, new WavWriterOptions { Overwrite = true });
        return 0;
    }, KnownDelay: 0));
}

if (ours is not null)
    systems.Add(new Peer($"OnnxAudio ({Path.GetFileName(Path.GetFullPath(ours))})", [], (input, output, _) =>
    {
        File.Copy(Path.Combine(ours, Path.GetRelativePath(corpus, input)), output, overwrite: true);
        return 0;
    }));

var rows = new List<Row>();
foreach (Peer system in systems)
{
    if (system.MissingTool is string missing)
    {
        rows.Add(new Row(system.Name, $"absent ({missing} not installed)", []));
        Console.WriteLine($"{system.Name}: absent ({missing} not installed)");
        continue;
    }

    var results = new ConcurrentBag<Result>();
    var failures = new ConcurrentBag<string>();
    Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, item =>
    {
        string scratch = Path.Combine(Path.GetTempPath(), "onnxaudio-peers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            string output = Path.Combine(outDir, Sanitize(system.Name), item.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            long bytes = system.Process(item.Input, output, scratch);
            float[] reference = AudioFile.ReadMono(item.Reference, 16000), processed = AudioFile.ReadMono(output, 16000);
            int delay = system.KnownDelay ?? DelayEstimator.Estimate(reference, processed, 1600);
            var (r, p) = DelayEstimator.Align(reference, processed, delay);
            results.Add(new Result(item.Name, item.Snr, item.Noise, PairMetrics.Compute(r, p, 16000), dnsmos.Score(processed), delay, bytes, reference.Length / 16000.0,
                SignalMetrics.OctaveBandPowers(r, 16000), SignalMetrics.OctaveBandPowers(p, 16000)));
        }
        catch (Exception e) when (e is InvalidOperationException or OnnxAudioException or ArgumentException or IOException)
        {
            failures.Add($"{item.Name}: {e.Message}");
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    });

    foreach (string failure in failures.Take(3))
        Console.Error.WriteLine($"{system.Name}: {failure}");
    rows.Add(new Row(system.Name, failures.IsEmpty ? "ok" : $"{failures.Count} failed", results.OrderBy(r => r.Name, StringComparer.Ordinal).ToList()));
}

// One table, ours and theirs.
Console.WriteLine();
Console.WriteLine($"{mode} on {items.Count} {split} files of {corpus}");
string header = mode == "denoise"
    ? $"{"system",-38} {"SI-SDR",8} {"STOI",7} {"ESTOI",7} {"mel",7} {"SIG",6} {"BAK",6} {"OVRL",6} {"delay",6}"
    : $"{"system",-38} {"kbit/s",8} {"STOI",7} {"ESTOI",7} {"mel",7} {"SIG",6} {"BAK",6} {"OVRL",6} {"delay",6}";
Console.WriteLine(header);
foreach (Row row in rows)
{
    if (row.Results.Count == 0)
    {
        Console.WriteLine($"{row.System,-38} {row.Status}");
        continue;
    }

    double first = mode == "denoise" ? row.Results.Average(r => r.Metrics.SiSdr) : Bitrate.Kbps(row.Results.Sum(r => r.Bytes), row.Results.Sum(r => r.Seconds));
    Console.WriteLine(string.Create(inv,
        $"{row.System,-38} {first,8:0.00} {row.Results.Average(r => r.Metrics.Stoi),7:0.000} {row.Results.Average(r => r.Metrics.Estoi),7:0.000} " +
        $"{row.Results.Average(r => r.Metrics.MelDistance),7:0.000} {row.Results.Average(r => r.Quality.Sig),6:0.00} {row.Results.Average(r => r.Quality.Bak),6:0.00} " +
        $"{row.Results.Average(r => r.Quality.Ovrl),6:0.00} {row.Results.Average(r => r.Delay),6:0}"));
}

if (cleanInput)
{
    // Long-term spectrum of the output against its (clean) input, per octave band, over all files: 0 dB is transparent.
    Console.WriteLine();
    Console.WriteLine($"{"system (output − input, dB)",-38} " + string.Join(" ", SignalMetrics.OctaveBandCentres.Select(c => $"{(c >= 1000 ? $"{c / 1000:0}k" : $"{c:0}"),7}")));
    foreach (Row row in rows.Where(r => r.Results.Count > 0))
        Console.WriteLine($"{row.System,-38} " + string.Join(" ", SignalMetrics.OctaveBandCentres.Select((_, b) =>
            string.Create(inv, $"{10 * Math.Log10(row.Results.Sum(r => r.OutputBands[b]) / row.Results.Sum(r => r.InputBands[b])),7:0.00}"))));
}
else if (mode == "denoise")
{
    // The restoration bars are stated per input SNR: SI-SDR and STOI of every system at each level.
    double[] levels = rows.SelectMany(r => r.Results).Select(r => Math.Round(r.Snr!.Value, 1)).Distinct().Order().ToArray();
    if (levels.Length <= 6)
    {
        Console.WriteLine();
        Console.WriteLine($"{"system",-38} " + string.Join(" ", levels.Select(l => string.Create(inv, $"{$"SI-SDR@{l:0.#}",11} {$"STOI@{l:0.#}",9}"))));
        foreach (Row row in rows.Where(r => r.Results.Count > 0))
            Console.WriteLine($"{row.System,-38} " + string.Join(" ", levels.Select(l =>
            {
                var at = row.Results.Where(r => Math.Round(r.Snr!.Value, 1) == l).ToList();
                return string.Create(inv, $"{at.Average(r => r.Metrics.SiSdr),11:0.00} {at.Average(r => r.Metrics.Stoi),9:0.000}");
            })));
    }

    // And per noise type (SI-SDR / STOI / DNSMOS OVRL), where the manifest names it.
    string[] noises = rows.SelectMany(r => r.Results).Select(r => r.Noise).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray();
    if (noises.Length > 1)
    {
        Console.WriteLine();
        Console.WriteLine($"{"system",-38} " + string.Join(" ", noises.Select(n => $"{n,22}")));
        foreach (Row row in rows.Where(r => r.Results.Count > 0))
            Console.WriteLine($"{row.System,-38} " + string.Join(" ", noises.Select(n =>
            {
                var at = row.Results.Where(r => r.Noise == n).ToList();
                return at.Count == 0 ? $"{"",22}" : string.Create(inv,
                    $"{at.Average(r => r.Metrics.SiSdr),7:0.00}/{at.Average(r => r.Metrics.Stoi),6:0.000}/{at.Average(r => r.Quality.Ovrl),5:0.00}").PadLeft(22);
            })));
    }
}

string jsonPath = Path.Combine(outDir, $"{mode}-peers.json");
File.WriteAllText(jsonPath, JsonSerializer.Serialize(rows.Select(r => new
{
    system = r.System,
    status = r.Status,
    files = r.Results.Count,
    kbps = r.Results.Count == 0 || mode == "denoise" ? (double?)null : Bitrate.Kbps(r.Results.Sum(x => x.Bytes), r.Results.Sum(x => x.Seconds)),
    mean = r.Results.Count == 0 ? null : PairMetrics.Names.Select((n, m) => (n, m)).ToDictionary(t => t.n, t => r.Results.Average(x => x.Metrics.Values[t.m])),
    dnsmos = r.Results.Count == 0 ? null : new { sig = r.Results.Average(x => x.Quality.Sig), bak = r.Results.Average(x => x.Quality.Bak), ovrl = r.Results.Average(x => x.Quality.Ovrl) },
    per_file = r.Results.Select(x => new
    {
        file = x.Name, snr_db = x.Snr, noise = x.Noise, delay = x.Delay, metrics = PairMetrics.Names.Zip(x.Metrics.Values).ToDictionary(t => t.First, t => t.Second),
        dnsmos = new { sig = x.Quality.Sig, bak = x.Quality.Bak, ovrl = x.Quality.Ovrl },
    }),
}), new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"\nJSON: {jsonPath}");
Console.WriteLine($"Plot: {Plot(mode, rows, outDir)}");
return 0;

static string Plot(string mode, List<Row> rows, string outDir)
{
    var plot = new ScottPlot.Plot();
    var present = rows.Where(r => r.Results.Count > 0).ToList();
    if (mode == "denoise" && present.SelectMany(r => r.Results).All(r => r.Snr is not null))
    {
        // STOI against input SNR, in 5 dB buckets.
        foreach (Row row in present)
        {
            var buckets = row.Results.GroupBy(r => Math.Round(r.Snr!.Value / 5) * 5).OrderBy(g => g.Key).ToList();
            var line = plot.Add.Scatter(buckets.Select(g => g.Key).ToArray(), buckets.Select(g => g.Average(r => r.Metrics.Stoi)).ToArray());
            line.LegendText = row.System;
        }

        plot.Axes.Bottom.Label.Text = "input SNR (dB)";
        plot.Axes.Left.Label.Text = "STOI";
        plot.Title("Denoising: STOI against input SNR");
        plot.ShowLegend();
    }
    else
    {
        double[] stoi = present.Select(r => r.Results.Average(x => x.Metrics.Stoi)).ToArray();
        plot.Add.Bars(stoi);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, present.Count).Select(i => (double)i).ToArray(), present.Select(r => r.System).ToArray());
        plot.Axes.Left.Label.Text = "STOI";
        plot.Title(mode == "codec" ? "Codecs: STOI of decoded speech" : "Denoisers on clean input: STOI of the output");
    }

    string path = Path.Combine(outDir, $"{mode}-peers.png");
    plot.SavePng(path, 1000, 500);
    return path;
}

static string Sanitize(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? c : '_'));

static string? FindUp(string relative)
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, relative)))
            return Path.Combine(dir.FullName, relative);
    return null;
}

static string? FindRnnoiseModel()
{
    // ../shared/peers/rnnoise/sh.rnnn beside the repository (see the developers' brief), found from the working folder up.
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        string candidate = Path.Combine(dir.FullName, "shared", "peers", "rnnoise", "sh.rnnn");
        if (File.Exists(candidate))
            return candidate;
    }

    return null;
}

internal sealed record Result(string Name, double? Snr, string? Noise, PairMetrics Metrics, DnsmosScore Quality, int Delay, long Bytes, double Seconds,
    double[] InputBands, double[] OutputBands);

internal sealed record Row(string System, string Status, List<Result> Results);
