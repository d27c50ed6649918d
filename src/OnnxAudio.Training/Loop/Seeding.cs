using TorchSharp;

namespace OnnxAudio.Training.Loop;

/// <summary>Makes a run reproducible: one seed for TorchSharp's generators (weights, dropout) and for data order.</summary>
public static class Seeding
{
    public static void Seed(int seed)
    {
        torch.manual_seed(seed);
        torch.random.manual_seed(seed);
    }
}
