using OnnxAudio.Training.Data;

namespace OnnxAudio.Training.Tests.Data;

public class StableHashTests
{
    [Fact]
    public void Mixing_is_splitmix64_so_seeds_are_the_same_in_every_process()
    {
        // The first two outputs of SplitMix64 from state 0, as published with the algorithm.
        Assert.Equal(0xE220A8397B1DCDAFUL, StableHash.Mix(0));
        Assert.Equal(0x6E789E6AA1B965F4UL, StableHash.Mix(0x9E3779B97F4A7C15UL));
        Assert.Equal(StableHash.Combine("voice", 1, 2), StableHash.Combine("voice", 1, 2));
        Assert.NotEqual(StableHash.Combine("voice", 1, 2), StableHash.Combine("voice", 2, 1));
    }
}
