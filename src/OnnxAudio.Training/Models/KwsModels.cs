using TorchSharp;
using static TorchSharp.torch;

namespace OnnxAudio.Training.Models;

/// <summary>Creates a keyword-spotting model by architecture.</summary>
public static class KwsModels
{
    public static nn.Module<Tensor, Tensor> Create(KwsArchitecture architecture, KwsModelConfig config) => architecture switch
    {
        KwsArchitecture.DsCnn => new DsCnnKws(config),
        KwsArchitecture.Crnn => new CrnnKws(config with { Channels = Math.Min(config.Channels, 64) }),
        KwsArchitecture.BcResNet => new BcResNetKws(config with { Channels = config.Channels * 2 / 3 }),
        KwsArchitecture.Transformer => new TransformerKws(config with { Channels = Math.Min(config.Channels, 64), Blocks = Math.Min(config.Blocks, 3) }),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture)),
    };

    public static long ParameterCount(nn.Module model) => model.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
}
