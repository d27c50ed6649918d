using System.CommandLine;

namespace OnnxAudio.Cli;

/// <summary>Validators shared by the commands' arguments.</summary>
internal static class ArgumentChecks
{
    /// <summary>
    /// A path argument that starts with '-' and names no file is a mistyped option: report it as a usage error instead of
    /// a missing file.
    /// </summary>
    public static T RejectUnknownOptions<T>(this T argument) where T : Argument
    {
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.StartsWith('-') && token.Value.Length > 1 && !File.Exists(token.Value) && !Directory.Exists(token.Value))
                    result.AddError($"Unrecognized option '{token.Value}'.");
            }
        });
        return argument;
    }

    /// <summary>A whole-number option within [min, max], or a one-line user error naming it.</summary>
    public static int Range(string option, int value, int min, int max) =>
        value >= min && value <= max ? value : throw new OnnxAudioException($"{option} must lie between {min} and {max}, not {value}");
}
