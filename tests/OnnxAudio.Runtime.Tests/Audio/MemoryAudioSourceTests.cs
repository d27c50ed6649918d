using OnnxAudio.Audio;

namespace OnnxAudio.Tests.Audio;

public class MemoryAudioSourceTests
{
    [Fact]
    public void Reads_whole_frames_until_the_end()
    {
        float[] stereo = Enumerable.Range(0, 11 * 2).Select(i => (float)i).ToArray();
        using var source = new MemoryAudioSource(stereo, new AudioFormat(8000, 2), "memory");
        Assert.Equal(11, source.LengthFrames);
        var read = new List<float>();
        var buffer = new float[5]; // room for 2 frames: a source never splits a frame
        int n;
        while ((n = source.Read(buffer)) > 0)
        {
            Assert.Equal(0, n % 2);
            read.AddRange(buffer[..n]);
        }

        Assert.Equal(stereo, read);
    }
}
