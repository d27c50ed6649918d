using OnnxAudio.Audio;
using System.Globalization;
using System.Text;

namespace OnnxAudio.Training.Data;

/// <summary>
/// Festival's <c>text2wave</c> with the voices of the Debian packages the project may use (festvox-kdlpc16k,
/// -ca-ona-hts, -czech-*, -ru, -suopuhe-*, -italp16k, -itapc16k, -hi-nsk, -mr-nsk, -te-nsk; the Indic voices also need
/// festival-hi/-mr/-te, the Czech and Catalan ones festival-czech/-ca). Voices that are not installed are left out.
/// Each voice reads text in its own encoding: Czech ISO-8859-2, Finnish, Italian and Catalan ISO-8859-1, the rest UTF-8.
/// Speed maps to Festival's duration stretch; diphone voices have no portable pitch control, so pitch is not varied.
/// </summary>
public sealed class FestivalSynthesizer : ISpeechSynthesizer
{
    public const string SourceName = "festival";

    /// <summary>Voice, language, the folder (below /usr/share/festival/voices) that shows it is installed, text encoding.</summary>
    private static readonly (string Voice, string Language, string Folder, string Encoding)[] Catalog =
    [
        ("ked_diphone", "en", "english/ked_diphone", "utf-8"),
        ("upc_ca_ona_hts", "ca", "catalan/upc_ca_ona_hts", "iso-8859-1"),
        ("czech_dita", "cs", "czech/czech_dita", "iso-8859-2"),
        ("czech_krb", "cs", "czech/czech_krb", "iso-8859-2"),
        ("czech_machac", "cs", "czech/czech_machac", "iso-8859-2"),
        ("czech_ph", "cs", "czech/czech_ph", "iso-8859-2"),
        ("msu_ru_nsh_clunits", "ru", "russian/msu_ru_nsh_clunits", "utf-8"),
        ("suo_fi_lj_diphone", "fi", "finnish/suo_fi_lj_diphone", "iso-8859-1"),
        ("hy_fi_mv_diphone", "fi", "finnish/hy_fi_mv_diphone", "iso-8859-1"),
        ("lp_diphone", "it", "italian/lp_diphone", "iso-8859-1"),
        ("pc_diphone", "it", "italian/pc_diphone", "iso-8859-1"),
        ("hindi_NSK_diphone", "hi", "hindi/hindi_NSK_diphone", "utf-8"),
        ("marathi_NSK_diphone", "mr", "marathi/marathi_NSK_diphone", "utf-8"),
        ("telugu_NSK_diphone", "te", "telugu/telugu_NSK_diphone", "utf-8"),
    ];

    private static readonly Dictionary<string, string> Support = new(StringComparer.Ordinal)
    {
        ["hi"] = "hindi_scm", ["mr"] = "marathi_scm", ["te"] = "telugu_scm",
    };

    private readonly string _executable;

    static FestivalSynthesizer() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private FestivalSynthesizer(string executable, IReadOnlyList<Speaker> speakers)
    {
        _executable = executable;
        Speakers = speakers;
    }

    public string Name => SourceName;

    public IReadOnlyList<Speaker> Speakers { get; }

    /// <summary>Finds text2wave and the installed allowed voices (at least one), or throws naming the packages.</summary>
    public static FestivalSynthesizer Find(string voicesRoot = "/usr/share/festival/voices")
    {
        string executable = SynthesizerProcess.Find("text2wave", "festival");
        var speakers = Catalog
            .Where(v => Directory.Exists(Path.Combine(voicesRoot, v.Folder)))
            .Where(v => !Support.TryGetValue(v.Language, out string? scm) || Directory.Exists(Path.Combine("/usr/share/festival", scm)))
            .Select(v => new Speaker(SourceName, v.Voice, v.Language))
            .ToArray();
        return speakers.Length == 0
            ? throw new ExternalToolMissingException("Festival voices", "Generating speech",
                "install the Debian/Ubuntu packages festvox-kdlpc16k and the other allowed festvox-* voices")
            : new FestivalSynthesizer(executable, speakers);
    }

    public float[] Speak(string text, Speaker voice, int wordsPerMinute, int pitch)
    {
        var entry = Catalog.First(v => v.Voice == voice.Name);
        string textFile = Path.Combine(Path.GetTempPath(), $"onnxaudio-festival-{Guid.NewGuid():N}.txt");
        File.WriteAllBytes(textFile, Encoding.GetEncoding(entry.Encoding).GetBytes(text));
        try
        {
            // Festival's diphone voices speak at about 160 words per minute.
            double stretch = Math.Clamp(160.0 / wordsPerMinute, 0.5, 2.0);
            return SynthesizerProcess.Speak(_executable, wav =>
            [
                "-eval", $"(voice_{entry.Voice})",
                "-eval", string.Create(CultureInfo.InvariantCulture, $"(Parameter.set 'Duration_Stretch {stretch:0.###})"),
                textFile, "-o", wav,
            ], $"speaking '{text}' with voice {voice.Name}");
        }
        finally
        {
            File.Delete(textFile);
        }
    }
}
