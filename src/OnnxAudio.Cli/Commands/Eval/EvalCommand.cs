using System.CommandLine;

namespace OnnxAudio.Cli.Commands.Eval;

/// <summary>
/// <c>onnxaudio eval</c>: scores outputs against references with the evaluation toolkit. <c>pairs</c> compares folders
/// of reference and processed (denoised, decoded) audio; <c>manifest</c> does the same for a generated corpus's pairs;
/// <c>classify</c> scores recognition against labels given by folder names; <c>quality</c> gives DNSMOS without a
/// reference. Each subcommand only parses its arguments: scoring is in <c>Cli/Scoring</c>, printing in
/// <see cref="Reports.EvalReport"/>.
/// </summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var eval = new Command("eval", "Measure quality: waveform metrics of processed audio, or recognition accuracy");
        eval.Subcommands.Add(EvalPairsCommand.Pairs(context));
        eval.Subcommands.Add(EvalPairsCommand.Manifest(context));
        eval.Subcommands.Add(EvalClassifyCommand.Create(context));
        eval.Subcommands.Add(EvalQualityCommand.Create(context));
        return eval;
    }
}
