using OnnxAudio.Audio;

namespace OnnxAudio.Cli.Tests;

[CollectionDefinition(nameof(EnvironmentChanging), DisableParallelization = true)]
public sealed class EnvironmentChanging;

/// <summary>The model lookup rule: next to the binary, then ONNXAUDIO_MODELS, then the repository; nothing else.</summary>
[Collection(nameof(EnvironmentChanging))]
public class ShippedModelsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(ShippedModels.EnvironmentVariable, null);
        _folder.Dispose();
    }

    [Fact]
    public void The_variable_comes_before_the_repository_and_a_models_folder_in_the_working_folder_is_ignored()
    {
        string clip = _folder.File("clip.wav");
        AudioFile.WriteMono(clip, new float[16000], 16000);
        // A planted models/kws.onnx in the working folder: never looked at.
        Directory.CreateDirectory(_folder.File("models"));
        File.WriteAllText(_folder.File("models/kws.onnx"), "planted");
        string previous = Directory.GetCurrentDirectory();
        try
        {
            Directory.SetCurrentDirectory(_folder.Path);
            var (code, _, error) = CliRunner.Run("recognize", clip);
            Assert.True(code == 0, error);

            // The variable wins over the repository: its (broken) model is the one loaded, and named.
            Directory.CreateDirectory(_folder.File("mine"));
            File.WriteAllText(_folder.File("mine/kws.onnx"), "not a model");
            Environment.SetEnvironmentVariable(ShippedModels.EnvironmentVariable, _folder.File("mine"));
            (code, _, error) = CliRunner.Run("recognize", clip);
            Assert.Equal(1, code);
            Assert.Contains(Path.Combine(_folder.File("mine"), "kws.onnx"), error);
            var (infoCode, output, _) = CliRunner.Run("info", "--models");
            Assert.Equal(0, infoCode);
            Assert.Contains($"2. {ShippedModels.EnvironmentVariable}: {_folder.File("mine")} (kws.onnx)", output);
            Assert.Contains("3. repository checkout: ", output);
            Assert.DoesNotContain(_folder.File("models"), output);
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }
}
