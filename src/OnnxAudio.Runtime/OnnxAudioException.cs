namespace OnnxAudio;

/// <summary>
/// Base of every error a user can act on (a bad file, a missing tool, a model that does not fit).
/// Commands print its message on one line and exit with code 1; anything else is a bug.
/// </summary>
public class OnnxAudioException : Exception
{
    public OnnxAudioException(string message) : base(message) { }

    public OnnxAudioException(string message, Exception? innerException) : base(message, innerException) { }
}
