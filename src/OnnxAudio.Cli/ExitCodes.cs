namespace OnnxAudio.Cli;

/// <summary>Process exit codes of the commands.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The user's input or environment is at fault: a bad file, a missing tool. One line on stderr says what.</summary>
    public const int UserError = 1;

    /// <summary>The command line itself is wrong.</summary>
    public const int UsageError = 2;

    /// <summary>A bug in OnnxAudio.</summary>
    public const int InternalError = 70;
}
