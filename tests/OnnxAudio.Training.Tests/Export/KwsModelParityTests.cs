using OnnxAudio.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Tests.Export;

/// <summary>Each keyword-spotting architecture: exported graph vs TorchSharp at several lengths, and its size budget.</summary>
public class KwsModelParityTests
{
    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(KwsArchitecture.DsCnn)]
    [InlineData(KwsArchitecture.Crnn)]
    [InlineData(KwsArchitecture.Transformer)]
    [InlineData(KwsArchitecture.BcResNet)]
    public void Exports_match_torch_and_stay_under_250k_parameters(KwsArchitecture architecture)
    {
        torch.manual_seed(21);
        var model = KwsModels.Create(architecture, new KwsModelConfig(40, 22));
        long parameters = KwsModels.ParameterCount(model);
        Assert.InRange(parameters, 20_000, 250_000);
        // Give batch norms non-trivial statistics with a few training-mode passes.
        model.train();
        using (no_grad())
            for (int i = 0; i < 3; i++)
                model.forward(randn(8, 40, 101) * 3 + 1);
        double diff = OnnxParity.MaxDifference(model, ["batch", 40, "frames"], [1, 40, 101], [2, 40, 57], [3, 40, 160]);
        Assert.True(diff <= OnnxParity.Tolerance, $"{architecture}: max abs difference {diff:E2}");
    }
}
