namespace OnnxAudio.Training.Data;

/// <summary>
/// Random sentences of 5–11 common words in each language a synthesizer voice speaks: the words carry the phonetics of
/// the language; the sentences need not make sense.
/// </summary>
public static class SentenceText
{
    private static readonly Dictionary<string, string[]> Vocabularies = new(StringComparer.Ordinal)
    {
        ["en"] = Words("the a one my your this that every some our their small large old new green blue red quiet loud early late " +
                       "cat dog bird house river garden window table paper music doctor teacher city morning evening water light " +
                       "road train letter story song child friend market winter summer forest mountain kitchen bottle picture " +
                       "opens closes finds takes leaves brings reads writes sings hears sees likes wants needs moves keeps turns " +
                       "quickly slowly always never often today tomorrow again here there near across under over before after"),
        ["cs"] = Words("dobrý den muž žena dítě dům město voda chléb řeka stůl okno kniha škola práce večer ráno léto zima " +
                       "velký malý starý nový krásný rychle pomalu dnes zítra vždycky někdy tady tam čte píše vidí slyší jde má chce"),
        ["fi"] = Words("hyvä päivä talo kaupunki vesi leipä joki pöytä ikkuna kirja koulu työ ilta aamu kesä talvi metsä järvi " +
                       "suuri pieni vanha uusi kaunis nopeasti hitaasti tänään huomenna aina joskus täällä siellä lukee kirjoittaa näkee kuulee menee"),
        ["it"] = Words("buon giorno uomo donna bambino casa città acqua pane fiume tavolo finestra libro scuola lavoro sera mattina " +
                       "estate inverno grande piccolo vecchio nuovo bello presto lentamente oggi domani sempre qui là legge scrive vede sente va"),
        ["ca"] = Words("bon dia home dona nen casa ciutat aigua pa riu taula finestra llibre escola feina vespre matí estiu hivern " +
                       "gran petit vell nou bonic ràpid lentament avui demà sempre aquí allà llegeix escriu veu sent va"),
        ["ru"] = Words("добрый день человек женщина ребёнок дом город вода хлеб река стол окно книга школа работа вечер утро лето зима " +
                       "большой маленький старый новый красивый быстро медленно сегодня завтра всегда здесь там читает пишет видит слышит идёт"),
        // No nukta letters (ड़, ढ़, ज़): Festival's Hindi voice crashes on them.
        ["hi"] = Words("नमस्ते आदमी औरत बच्चा घर शहर पानी रोटी नदी दरवाजा किताब स्कूल काम शाम सुबह गर्मी सर्दी " +
                       "लंबा छोटा पुराना नया सुंदर जल्दी धीरे आज कल हमेशा यहाँ वहाँ लिखता देखता सुनता जाता"),
        ["mr"] = Words("नमस्कार माणूस बाई मूल घर शहर पाणी भाकरी नदी टेबल खिडकी पुस्तक शाळा काम संध्याकाळ सकाळ उन्हाळा हिवाळा " +
                       "मोठा लहान जुना नवा सुंदर लवकर हळू आज उद्या नेहमी इथे तिथे वाचतो लिहितो पाहतो ऐकतो जातो"),
        ["te"] = Words("నమస్కారం మనిషి స్త్రీ పిల్లవాడు ఇల్లు నగరం నీళ్ళు రొట్టె నది బల్ల కిటికీ పుస్తకం బడి పని సాయంత్రం ఉదయం వేసవి చలికాలం " +
                       "పెద్ద చిన్న పాత కొత్త అందమైన త్వరగా నెమ్మదిగా ఈరోజు రేపు ఎప్పుడూ ఇక్కడ అక్కడ చదువుతాడు రాస్తాడు చూస్తాడు వింటాడు వెళ్తాడు"),
    };

    public static IReadOnlyCollection<string> Languages => Vocabularies.Keys;

    /// <summary>A sentence of 5–11 words of <paramref name="language"/>, a function of <paramref name="random"/> only.</summary>
    public static string Sentence(Random random, string language = "en")
    {
        string[] words = Vocabularies.TryGetValue(language, out string[]? v) ? v : Vocabularies["en"];
        int count = 5 + random.Next(7);
        return string.Join(' ', Enumerable.Range(0, count).Select(_ => words[random.Next(words.Length)]));
    }

    /// <summary>One word of <paramref name="language"/> (for "unknown" keyword-spotting clips in other languages).</summary>
    public static string Word(Random random, string language)
    {
        string[] words = Vocabularies.TryGetValue(language, out string[]? v) ? v : Vocabularies["en"];
        return words[random.Next(words.Length)];
    }

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
