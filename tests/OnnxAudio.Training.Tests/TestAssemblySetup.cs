using System.Runtime.CompilerServices;

namespace OnnxAudio.Training.Tests;

internal static class TestAssemblySetup
{
    /// <summary>Tests that use TorchSharp directly must get the same native settings as the training command.</summary>
    [ModuleInitializer]
    internal static void Initialize() => TorchEnvironment.Configure();
}
