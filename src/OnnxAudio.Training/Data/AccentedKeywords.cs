namespace OnnxAudio.Training.Data;

/// <summary>
/// The English keywords respelled in the spelling of other languages, so that a synthesizer voice of that language
/// says them as a speaker of it would say the English word (an accent, in a natural-sounding timbre): "left" is
/// "лефт" for the Russian voice, "rajt" ("right") for the Czech ones. The allowed sources have only one English
/// voice that sounds like a recording of a person (Festival's ked_diphone) and no person saying the keywords, so
/// without these a keyword model learns "natural-sounding voice ⇒ not a keyword" (see models/kws.md).
/// Each row follows <see cref="CorpusGenerator.Keywords"/>: yes no up down left right on off stop go zero … nine.
/// </summary>
public static class AccentedKeywords
{
    // Italian and Catalan read these letters alike, as Hindi and Marathi read Devanagari alike.
    private static readonly string[] Romance =
        ["ies", "nou", "ap", "daun", "left", "rait", "on", "of", "stop", "gou", "ziro", "uan", "tu", "tri", "for", "faiv", "sics", "seven", "eit", "nain"];

    private static readonly string[] Devanagari =
        ["यस", "नो", "अप", "डाउन", "लेफ्ट", "राइट", "आन", "आफ", "स्टाप", "गो", "जीरो", "वन", "टू", "थ्री", "फोर", "फाइव", "सिक्स", "सेवन", "एट", "नाइन"];

    private static readonly Dictionary<string, string[]> Respellings = new(StringComparer.Ordinal)
    {
        ["it"] = Romance,
        ["ca"] = Romance,
        ["hi"] = Devanagari,
        ["mr"] = Devanagari,
        ["fi"] = ["jes", "nou", "ap", "daun", "left", "rait", "on", "off", "stop", "gou", "siirou", "uan", "tuu", "trii", "foor", "faiv", "siks", "seven", "eit", "nain"],
        ["cs"] = ["jes", "nou", "ap", "daun", "left", "rajt", "on", "of", "stop", "gou", "zírou", "uan", "tú", "trí", "fór", "fajv", "siks", "sevn", "ejt", "najn"],
        ["ru"] = ["йес", "ноу", "ап", "даун", "лефт", "райт", "он", "оф", "стоп", "гоу", "зироу", "уан", "ту", "сри", "фор", "файв", "сикс", "севен", "эйт", "найн"],
        ["te"] = ["యెస్", "నో", "అప్", "డౌన్", "లెఫ్ట్", "రైట్", "ఆన్", "ఆఫ్", "స్టాప్", "గో", "జీరో", "వన్", "టూ", "త్రీ", "ఫోర్", "ఫైవ్", "సిక్స్", "సెవెన్", "ఎయిట్", "నైన్"],
    };

    /// <summary>The languages with a respelling of every keyword.</summary>
    public static IEnumerable<string> Languages => Respellings.Keys;

    /// <summary>Whether voices of <paramref name="language"/> have the keywords respelled.</summary>
    public static bool Covers(string language) => Respellings.ContainsKey(language);

    /// <summary>How a voice of <paramref name="language"/> is asked to say <paramref name="keyword"/>, or null if it has no respelling.</summary>
    public static string? Of(string language, string keyword)
    {
        int index = Array.IndexOf(CorpusGenerator.Keywords, keyword);
        if (index < 0)
            throw new ArgumentException($"'{keyword}' is not one of the keywords", nameof(keyword));
        return Respellings.TryGetValue(language, out string[]? row) ? row[index] : null;
    }
}
