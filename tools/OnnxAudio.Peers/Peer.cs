namespace OnnxAudio.Peers;

/// <summary>
/// A system measured side by side with ours: it turns an input WAV into an output WAV (denoisers), or encodes and
/// decodes it (codecs, reporting the size of what it wrote). <see cref="MissingTool"/> names what is not installed.
/// <see cref="KnownDelay"/> is the output's delay in samples when the system states it (ours are time-aligned by
/// construction: 0); otherwise the harness estimates it by cross-correlation, which suits waveform-preserving tools but
/// misfires on decoders that synthesise their own phase.
/// </summary>
internal sealed record Peer(string Name, string[] Tools, Func<string, string, string, long> Process, int? KnownDelay = null)
{
    /// <summary>The first required program not on PATH, or null.</summary>
    public string? MissingTool => Tools.FirstOrDefault(t => ExternalTool.Find(t) is null);
}
