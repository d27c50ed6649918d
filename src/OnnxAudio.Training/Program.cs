using OnnxAudio.Training;

return TrainCli.Run(args, Console.Out, Console.Error);
