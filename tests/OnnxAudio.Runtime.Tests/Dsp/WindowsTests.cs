using OnnxAudio.Dsp;

namespace OnnxAudio.Tests.Dsp;

public class WindowsTests
{
    [Fact]
    public void Known_values()
    {
        Assert.Equal([0f, 0.5f, 1f, 0.5f], Windows.Create(WindowFunction.Hann, 4, periodic: true));
        Assert.Equal([0f, 0.5f, 1f, 0.5f, 0f], Windows.Create(WindowFunction.Hann, 5, periodic: false));
        float[] hamming = Windows.Create(WindowFunction.Hamming, 9, periodic: false);
        Assert.Equal(0.08f, hamming[0], 6);
        Assert.Equal(1f, hamming[4], 6);
        float[] blackman = Windows.Create(WindowFunction.Blackman, 9, periodic: false);
        Assert.Equal(0f, blackman[0], 6);
        Assert.Equal(1f, blackman[4], 6);
        Assert.All(Windows.Create(WindowFunction.Rectangular, 7), v => Assert.Equal(1f, v));
    }

    [Theory]
    [InlineData(320, 160)]
    [InlineData(512, 256)]
    public void Sqrt_hann_squared_overlap_adds_to_one_at_half_overlap(int n, int hop)
    {
        float[] w = Windows.Create(WindowFunction.SqrtHann, n);
        for (int i = 0; i < hop; i++)
            Assert.Equal(1f, w[i] * w[i] + w[i + hop] * w[i + hop], 5);
    }

    [Fact]
    public void Create_returns_a_private_copy()
    {
        float[] a = Windows.Create(WindowFunction.Hann, 8);
        a[3] = 42;
        Assert.NotEqual(42, Windows.Create(WindowFunction.Hann, 8)[3]);
    }
}
