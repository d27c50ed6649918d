namespace OnnxAudio.Training.Data;

/// <summary>
/// One voice of a speech source: a synthesizer voice (espeak-ng variant, flite or Festival voice) or a recorded person
/// or voice pack. Corpora are split by speaker, so no speaker is heard in two splits.
/// </summary>
/// <param name="Source">The source's name: espeak, flite, festival, tuxpaint or hedgewars.</param>
/// <param name="Name">The voice within its source ("en-us+m3", "awb", "ked_diphone", "fr", "Pirate").</param>
/// <param name="Language">ISO 639-1 code of the language the speaker speaks.</param>
public sealed record Speaker(string Source, string Name, string Language)
{
    /// <summary>"source/name", unique across sources.</summary>
    public string Id => $"{Source}/{Name}";

    /// <summary>A file-name-safe tag: espeak voices keep their bare names (as in earlier corpora), others get their source.</summary>
    public string Tag => (Source == EspeakSynthesizer.SourceName ? Name : $"{Source}-{Name}").Replace('+', '_').Replace('/', '_');

    public override string ToString() => Id;
}
