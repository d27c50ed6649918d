using OnnxAudio.Cli;

using var interruption = new Interruption();
return CliApp.Run(args, Console.Out, Console.Error, interruption);
