using OnnxAudio.Audio;

namespace OnnxAudio.Tests.Audio;

public class ChannelMixerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    public void Downmix_is_the_mean_of_each_frame(int channels)
    {
        var random = new Random(channels);
        float[] interleaved = Enumerable.Range(0, 100 * channels).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] mono = new float[100];
        ChannelMixer.DownmixToMono(interleaved, channels, mono);
        for (int i = 0; i < 100; i++)
        {
            double mean = 0;
            for (int c = 0; c < channels; c++)
                mean += interleaved[i * channels + c];
            Assert.True(Math.Abs(mean / channels - mono[i]) < 1e-6, $"frame {i}");
        }
    }
}
