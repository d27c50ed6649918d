namespace OnnxAudio.Cli;

/// <summary>Where a command writes: standard output for results, standard error for messages.</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error);
