namespace OnnxAudio.Audio;

/// <summary>An audio file or stream that cannot be read: the message names the file and what is wrong with it.</summary>
public sealed class AudioFormatException : OnnxAudioException
{
    public AudioFormatException(string fileName, string problem, Exception? innerException = null)
        : base($"{fileName}: {problem}", innerException)
    {
        FileName = fileName;
        Problem = problem;
    }

    /// <summary>The file (or stream name) that could not be read.</summary>
    public string FileName { get; }

    /// <summary>What is wrong with it, without the file name.</summary>
    public string Problem { get; }
}
