
namespace OnnxAudio.Training.Data;

/// <summary>
/// Speech from espeak-ng (Debian package <c>espeak-ng</c>): text in a given voice, speed and pitch, returned as 16 kHz
/// mono samples (espeak-ng renders 22.05 kHz; the runtime's resampler converts). Thread-safe; each call runs one process.
/// </summary>
public sealed class EspeakSynthesizer : ISpeechSynthesizer
{
    public const int SampleRate = 16000;
    public const string SourceName = "espeak";

    private readonly string _executable;

    private EspeakSynthesizer(string executable, IReadOnlyList<Speaker>? speakers = null)
    {
        _executable = executable;
        Speakers = speakers ?? [];
    }

    public string Name => SourceName;

    /// <summary>The voices this instance offers as a speech source (none until <see cref="WithVoices"/>).</summary>
    public IReadOnlyList<Speaker> Speakers { get; }

    /// <summary>The same synthesizer offering these English voices (e.g. a <see cref="VoiceCatalog"/>'s).</summary>
    public EspeakSynthesizer WithVoices(IEnumerable<string> voices) =>
        new(_executable, voices.Distinct().Select(v => new Speaker(SourceName, v, "en")).ToArray());

    public float[] Speak(string text, Speaker voice, int wordsPerMinute, int pitch) => Speak(text, voice.Name, wordsPerMinute, pitch);

    /// <summary>Finds espeak-ng on PATH, or throws an error naming the package to install.</summary>
    public static EspeakSynthesizer Find() => new(SynthesizerProcess.Find("espeak-ng", "espeak-ng"));

    /// <summary>Speaks <paramref name="text"/>; <paramref name="wordsPerMinute"/> 80–450, <paramref name="pitch"/> 0–99.</summary>
    public float[] Speak(string text, string voice, int wordsPerMinute = 160, int pitch = 50) =>
        SynthesizerProcess.Speak(_executable, wav =>
        [
            "-v", voice, "-s", wordsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-p", pitch.ToString(System.Globalization.CultureInfo.InvariantCulture), "-w", wav, "--", text,
        ], $"speaking '{text}' with voice '{voice}'");

    /// <summary>The variant names installed with espeak-ng (its <c>voices/!v</c> folder), sorted.</summary>
    public IReadOnlyList<string> Variants()
    {
        foreach (string root in new[] { "/usr/lib/x86_64-linux-gnu/espeak-ng-data", "/usr/lib/aarch64-linux-gnu/espeak-ng-data", "/usr/share/espeak-ng-data", "/usr/local/share/espeak-ng-data" })
        {
            string folder = Path.Combine(root, "voices", "!v");
            if (Directory.Exists(folder))
                return Directory.GetFiles(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        }

        return [];
    }
}
