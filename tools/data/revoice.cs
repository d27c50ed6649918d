#:project ../../src/OnnxAudio.Training/OnnxAudio.Training.csproj
// Resynthesises every WAV of a folder with the LPC vocoder the keyword trainer's --voice-resynthesis uses (LpcVocoder):
// the same words, whispered or in a monotone voice at a seeded pitch of 80–250 Hz; the folder layout and manifests are
// kept, so the copy is an evaluation set like the original (does a model still hear the words without the voice?).
// Usage: dotnet run tools/data/revoice.cs -- IN_FOLDER OUT_FOLDER Whisper|Monotone [SEED]   (default seed 7)
using OnnxAudio.Audio;
using OnnxAudio.Training.Data;

if (args.Length < 3 || !Enum.TryParse(args[2], ignoreCase: true, out LpcExcitation excitation))
{
    Console.Error.WriteLine("usage: dotnet run tools/data/revoice.cs -- IN_FOLDER OUT_FOLDER Whisper|Monotone [SEED]");
    return 2;
}

string source = Path.GetFullPath(args[0]), target = Path.GetFullPath(args[1]);
if (!Directory.Exists(source))
{
    Console.Error.WriteLine($"{source}: no such folder");
    return 1;
}

if (source == target || target.StartsWith(source + Path.DirectorySeparatorChar, StringComparison.Ordinal))
{
    Console.Error.WriteLine($"{target}: write the copy outside the input folder");
    return 1;
}

var random = new Random(args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 7);
int count = 0;
foreach (string file in Directory.GetFiles(source, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
{
    string output = Path.Combine(target, Path.GetRelativePath(source, file));
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    float[] samples = AudioFile.ReadMono(file, 16000);
    AudioFile.WriteMono(output, LpcVocoder.Resynthesize(samples, excitation, 80 + 170 * random.NextDouble(), random), 16000);
    count++;
}

foreach (string manifest in Directory.GetFiles(source, "*.jsonl"))
    File.Copy(manifest, Path.Combine(target, Path.GetFileName(manifest)), overwrite: true);
Console.WriteLine($"{count} files resynthesised ({excitation}) into {target}");
return 0;
