namespace OnnxAudio.Training.Data;

/// <summary>Where training speech comes from: a synthesizer that speaks any text, or a set of recordings of people.</summary>
public interface ISpeechSource
{
    /// <summary>The name used on the command line and in manifests (espeak, flite, festival, tuxpaint, hedgewars).</summary>
    string Name { get; }

    IReadOnlyList<Speaker> Speakers { get; }
}

/// <summary>A speech synthesizer: speaks text in one of its voices at 16 kHz.</summary>
public interface ISpeechSynthesizer : ISpeechSource
{
    /// <summary>Speaks <paramref name="text"/>; <paramref name="wordsPerMinute"/> 80–450, <paramref name="pitch"/> 0–99 (where the voice allows).</summary>
    float[] Speak(string text, Speaker voice, int wordsPerMinute, int pitch);
}
