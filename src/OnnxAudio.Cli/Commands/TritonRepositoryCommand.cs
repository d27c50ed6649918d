using System.CommandLine;
using OnnxAudio.Cli.Serving;

namespace OnnxAudio.Cli.Commands;

/// <summary>
/// <c>onnxaudio triton-repository OUTDIR</c>: an NVIDIA Triton model repository of the shipped models as
/// self-contained waveform-in graphs (kws, denoise, declip, codec-encoder, codec-decoder).
/// </summary>
internal static class TritonRepositoryCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Argument<string>("output") { Description = "Folder for the repository (tritonserver --model-repository=OUTPUT)" };
        var models = new Option<string?>("--models") { Description = "Folder of the models to wrap; default: the shipped ones" };
        var batch = new Option<int>("--max-batch-size") { Description = "Triton's max_batch_size for every model", DefaultValueFactory = _ => 8 };
        var chunk = new Option<int>("--chunk-samples") { Description = "Samples per streaming request of denoise and declip (a multiple of the hop, 160)", DefaultValueFactory = _ => 1600 };
        var command = new Command("triton-repository", "Write an NVIDIA Triton model repository of the shipped models (waveform in, results out)") { output, models, batch, chunk };
        command.SetAction(parse =>
        {
            int samples = parse.GetValue(chunk);
            if (samples is < 1 or > 16000 * 60)
                throw new OnnxAudioException("--chunk-samples must lie between 1 and 960000");
            string folder = parse.GetValue(models) ?? Path.GetDirectoryName(ShippedModels.Require("kws.onnx"))!;
            foreach (string written in TritonRepository.Write(folder, parse.GetValue(output)!, parse.GetValue(batch), samples))
                context.Out.WriteLine($"{written}: config.pbtxt, 1/model.onnx");
            return ExitCodes.Success;
        });
        return command;
    }
}
