using System.Globalization;

namespace OnnxAudio.Training.Data;

/// <summary>
/// flite (Debian package <c>flite</c>) with the voices the project may use, <c>awb</c> (Scottish English, male) and
/// <c>rms</c> (US English, male). Speed maps to flite's duration stretch, pitch to its mean F0 target.
/// </summary>
public sealed class FliteSynthesizer : ISpeechSynthesizer
{
    public const string SourceName = "flite";

    private readonly string _executable;

    private FliteSynthesizer(string executable)
    {
        _executable = executable;
        Speakers = [new Speaker(SourceName, "awb", "en"), new Speaker(SourceName, "rms", "en")];
    }

    public string Name => SourceName;

    public IReadOnlyList<Speaker> Speakers { get; }

    public static FliteSynthesizer Find() => new(SynthesizerProcess.Find("flite", "flite"));

    public float[] Speak(string text, Speaker voice, int wordsPerMinute, int pitch)
    {
        // flite speaks at about 170 words per minute; its F0 targets centre near 100 Hz for these male voices.
        double stretch = Math.Clamp(170.0 / wordsPerMinute, 0.5, 2.0);
        int f0 = 80 + (int)Math.Round(0.6 * Math.Clamp(pitch, 0, 99));
        return SynthesizerProcess.Speak(_executable, wav =>
        [
            "-voice", voice.Name, "--setf", string.Create(CultureInfo.InvariantCulture, $"duration_stretch={stretch:0.###}"),
            "--setf", string.Create(CultureInfo.InvariantCulture, $"int_f0_target_mean={f0}"), "-t", text, "-o", wav,
        ], $"speaking '{text}' with voice {voice.Name}");
    }
}
