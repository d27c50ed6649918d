using System.Diagnostics;
using System.Globalization;
using OnnxAudio;
using OnnxAudio.Audio;
using OnnxAudio.Compression;

// Mutational fuzzing of the two readers that take untrusted bytes: the WAV reader (AudioFile.Open + read to the end)
// and the .oac bitstream reader (SpeechCodec decoder). Seeds are valid files made here; each execution mutates one
// (bit flips, interesting bytes and 32-bit fields, insertions, deletions, truncation, splices) and must end in a
// result or a typed error (AudioFormatException, BitstreamException, OnnxAudioException) within 5 s. Anything else is a
// crash: its input is saved to --crashes and becomes a test.
// With --fix-crc (oac), every block's CRC is recomputed after mutating, so that damaged headers, lengths, codings and
// range-coded payloads reach the block decoder instead of stopping at the CRC check.
//
//   dotnet run -c Release --project tools/OnnxAudio.Fuzz -- wav|oac [--minutes 60] [--seed 1] [--crashes fuzz-crashes] [--model models/codec.decoder.onnx] [--fix-crc]
var inv = CultureInfo.InvariantCulture;
if (args.Length == 0 || args[0] is not ("wav" or "oac"))
{
    Console.Error.WriteLine("usage: OnnxAudio.Fuzz wav|oac [--minutes M] [--seed S] [--crashes DIR] [--model DECODER]");
    return 2;
}

string Option(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

string target = args[0];
bool fixCrc = args.Contains("--fix-crc");
double minutes = double.Parse(Option("--minutes", "60"), inv);
var random = new Random(int.Parse(Option("--seed", "1"), inv));
string crashes = Path.GetFullPath(Option("--crashes", "fuzz-crashes"));
string scratch = Path.Combine(Path.GetTempPath(), $"onnxaudio-fuzz-{Environment.ProcessId}");
Directory.CreateDirectory(scratch);
Directory.CreateDirectory(crashes);

SpeechCodec? codec = target == "oac" ? SpeechCodec.LoadDecoder(Option("--model", Path.Combine("models", "codec.decoder.onnx"))) : null;
List<byte[]> seeds = target == "wav" ? WavSeeds(scratch) : OacSeeds(Option("--model", Path.Combine("models", "codec.decoder.onnx")));

long executions = 0, typedErrors = 0, accepted = 0, crashCount = 0, slow = 0;
var clock = Stopwatch.StartNew();
var lastReport = TimeSpan.Zero;
while (clock.Elapsed.TotalMinutes < minutes)
{
    byte[] input = Mutate(seeds[random.Next(seeds.Count)], random, seeds);
    if (fixCrc && codec is not null)
        FixCrcs(input, codec.SamplesPerFrame);
    var one = Stopwatch.StartNew();
    try
    {
        Run(input);
        accepted++;
    }
    catch (OnnxAudioException)
    {
        typedErrors++;
    }
    catch (Exception e)
    {
        crashCount++;
        string name = Path.Combine(crashes, $"{target}-{executions:D9}-{e.GetType().Name}.bin");
        File.WriteAllBytes(name, input);
        File.WriteAllText(name + ".txt", e.ToString());
        Console.WriteLine($"crash: {e.GetType().Name}: {e.Message} → {name}");
    }

    if (one.Elapsed.TotalSeconds > 5)
    {
        slow++;
        File.WriteAllBytes(Path.Combine(crashes, $"{target}-{executions:D9}-slow.bin"), input);
    }

    executions++;
    if (clock.Elapsed - lastReport > TimeSpan.FromMinutes(1))
    {
        lastReport = clock.Elapsed;
        Console.WriteLine(string.Create(inv,
            $"{clock.Elapsed.TotalMinutes:0.0} min: {executions} executions ({executions / clock.Elapsed.TotalSeconds:0}/s), " +
            $"{accepted} accepted, {typedErrors} typed errors, {crashCount} crashes, {slow} over 5 s"));
    }
}

Console.WriteLine(string.Create(inv,
    $"{target}{(fixCrc ? " (CRCs recomputed)" : "")}: {executions} executions in {clock.Elapsed.TotalMinutes:0.0} min; " +
    $"{accepted} accepted, {typedErrors} typed errors, {crashCount} crashes, {slow} over 5 s; seeds {seeds.Count}"));
Directory.Delete(scratch, recursive: true);
return crashCount == 0 && slow == 0 ? 0 : 1;

void Run(byte[] input)
{
    if (codec is not null)
    {
        codec.Decompress(input);
        return;
    }

    string path = Path.Combine(scratch, "input.wav");
    File.WriteAllBytes(path, input);
    using IAudioSource source = AudioFile.Open(path);
    var block = new float[4096 * Math.Max(1, source.Format.Channels)];
    long total = 0;
    int n;
    while ((n = source.Read(block)) > 0)
    {
        total += n;
        if (total > 1L << 26)
            break; // a header may declare more than the file holds; reading stops at the bytes there are
    }
}

// Walks header and blocks as the reader does and rewrites each block's CRC (block 0's covers the header too), as far as
// the structure can be followed.
static void FixCrcs(byte[] data, int samplesPerFrame)
{
    int position;
    try
    {
        BitstreamHeader.Read("fuzz", data, samplesPerFrame, out position);
    }
    catch (OnnxAudioException)
    {
        return;
    }

    int headerLength = position;
    for (int block = 0; position < data.Length; block++)
    {
        int start = position++;
        ulong length = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (position >= data.Length || shift > 28)
                return;
            byte b = data[position++];
            length |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                break;
        }

        if ((ulong)(data.Length - position) < length + 2)
            return;
        position += (int)length;
        ushort crc = block == 0
            ? Crc16.Compute(data.AsSpan(start, position - start), Crc16.Compute(data.AsSpan(0, headerLength)))
            : Crc16.Compute(data.AsSpan(start, position - start));
        data[position] = (byte)crc;
        data[position + 1] = (byte)(crc >> 8);
        position += 2;
    }
}

static byte[] Mutate(byte[] seed, Random random, List<byte[]> seeds)
{
    var data = new List<byte>(seed);
    int steps = 1 + random.Next(4);
    for (int s = 0; s < steps && data.Count > 0; s++)
    {
        int at = random.Next(data.Count);
        switch (random.Next(7))
        {
            case 0: data[at] ^= (byte)(1 << random.Next(8)); break;
            case 1: data[at] = new byte[] { 0, 0xFF, 0x7F, 0x80, 1 }[random.Next(5)]; break;
            case 2:
                if (at + 4 <= data.Count)
                {
                    uint v = new uint[] { 0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000000, (uint)data.Count, (uint)data.Count + 1, 16, 44 }[random.Next(9)];
                    for (int k = 0; k < 4; k++)
                        data[at + k] = (byte)(v >> (8 * k));
                }

                break;
            case 3: data.InsertRange(at, Enumerable.Range(0, 1 + random.Next(16)).Select(_ => (byte)random.Next(256))); break;
            case 4: data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(16))); break;
            case 5: data.RemoveRange(at, data.Count - at); break; // truncate
            default:
                byte[] other = seeds[random.Next(seeds.Count)];
                int from = random.Next(other.Length), length = Math.Min(other.Length - from, 1 + random.Next(64));
                data.InsertRange(at, other.AsSpan(from, length).ToArray());
                break;
        }
    }

    return data.ToArray();
}

static List<byte[]> WavSeeds(string scratch)
{
    var seeds = new List<byte[]>();
    float[] tone = Enumerable.Range(0, 4000).Select(i => (float)(0.5 * Math.Sin(i * 0.07))).ToArray();
    foreach (var (channels, encoding) in new[] { (1, WavSampleEncoding.Pcm16), (2, WavSampleEncoding.Pcm16), (1, WavSampleEncoding.Float32), (2, WavSampleEncoding.Float32) })
    {
        string path = Path.Combine(scratch, "seed.wav");
        float[] interleaved = channels == 1 ? tone : tone.SelectMany(v => new[] { v, -v }).ToArray();
        AudioFile.Write(path, interleaved, new AudioFormat(16000, channels), new WavWriterOptions { Encoding = encoding, Overwrite = true });
        seeds.Add(File.ReadAllBytes(path));
    }

    return seeds;
}

static List<byte[]> OacSeeds(string decoderModel)
{
    string encoderModel = decoderModel.Replace(".decoder.onnx", ".encoder.onnx", StringComparison.Ordinal);
    using SpeechCodec full = SpeechCodec.Load(encoderModel);
    float[] speech = Enumerable.Range(0, 16000 * 12).Select(i => (float)(0.3 * Math.Sin(i * 0.05) * Math.Sin(i * 0.0007))).ToArray();
    var seeds = new List<byte[]>();
    foreach (double kbps in new[] { 1.5, 3.0, 6.0 })
        foreach (bool entropy in new[] { false, true })
        {
            using var output = new MemoryStream();
            using var source = new MemoryAudioSource(speech, new AudioFormat(full.SampleRate, 1));
            full.Compress(source, output, full.CodebooksFor(kbps), entropy);
            seeds.Add(output.ToArray());
        }

    return seeds;
}
