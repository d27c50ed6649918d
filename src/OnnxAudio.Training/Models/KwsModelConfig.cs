namespace OnnxAudio.Training.Models;

/// <summary>Keyword-spotting model architectures.</summary>
public enum KwsArchitecture
{
    /// <summary>Depthwise-separable temporal CNN with residual blocks (TC-ResNet / DS-CNN style).</summary>
    DsCnn,
    /// <summary>Convolutional front end and a GRU (CRNN).</summary>
    Crnn,
    /// <summary>Convolutional stem and pre-norm self-attention blocks.</summary>
    Transformer,
    /// <summary>Broadcasted residual 2-D CNN (BC-ResNet): frequency-wise 2-D and temporal 1-D depthwise convolutions.</summary>
    BcResNet,
}

/// <summary>Hyper-parameters shared by the keyword-spotting models: input mels and output classes, plus width and depth.</summary>
public sealed record KwsModelConfig(int Mels, int Classes, int Channels = 96, int Blocks = 4, int Heads = 4);
