namespace OnnxAudio.Audio;

/// <summary>A feature needs a program (such as ffmpeg) that is not on PATH.</summary>
public sealed class ExternalToolMissingException : OnnxAudioException
{
    public ExternalToolMissingException(string tool, string neededFor, string installHint)
        : base($"{neededFor} needs '{tool}' on PATH, and it was not found ({installHint}).")
    {
        Tool = tool;
    }

    public string Tool { get; }
}
