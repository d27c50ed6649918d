namespace OnnxAudio.Evaluation;

/// <summary>Bitrate accounting for codecs: the bits actually written over the audio's duration.</summary>
public static class Bitrate
{
    /// <summary>kbit/s of <paramref name="bytes"/> covering <paramref name="seconds"/> of audio (1 kbit = 1000 bits).</summary>
    public static double Kbps(long bytes, double seconds)
    {
        if (seconds <= 0)
            throw new ArgumentOutOfRangeException(nameof(seconds), "The duration must be positive.");
        return bytes * 8 / seconds / 1000;
    }

    /// <summary>kbit/s of a file's size over <paramref name="seconds"/> of audio.</summary>
    public static double FileKbps(string path, double seconds) => Kbps(new FileInfo(path).Length, seconds);
}
