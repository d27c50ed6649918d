namespace OnnxAudio.Audio;

/// <summary>Opening, reading and writing audio files: WAV natively, everything else through ffmpeg when installed.</summary>
public static class AudioFile
{
    private const int BlockSamples = 1 << 16;

    /// <summary>Opens a file as a streaming source: WAV (RIFF, RF64, BW64) natively, other formats through ffmpeg.</summary>
    public static IAudioSource Open(string path)
    {
        if (Directory.Exists(path))
            throw new AudioFormatException(path, "is a folder, not an audio file");
        if (!File.Exists(path))
            throw new AudioFormatException(path, "no such file");
        // FIFOs, devices and sockets report no length (and opening a FIFO blocks until a writer comes): refuse them, as
        // an empty file, before opening anything.
        if (new FileInfo(path).Length == 0)
            throw new AudioFormatException(path, "is empty, or not a regular file (a FIFO, device or socket)");

        Span<byte> magic = stackalloc byte[4];
        int got;
        try
        {
            using var probe = File.OpenRead(path);
            got = probe.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException(path, e.Message, e);
        }

        // A RIFF/RF64/BW64 header is read natively. A file named .wav is read as WAV too (for the reader's exact
        // complaint about a damaged header) unless its content is plainly another format that ffmpeg decodes: an mp3
        // (ID3 tag or MPEG frame sync), FLAC or Ogg renamed to .wav. Other names go to ffmpeg.
        bool riff = got == 4 && (magic.SequenceEqual("RIFF"u8) || magic.SequenceEqual("RF64"u8) || magic.SequenceEqual("BW64"u8));
        bool otherFormat = got == 4 && (magic[..3].SequenceEqual("ID3"u8) || (magic[0] == 0xFF && (magic[1] & 0xE0) == 0xE0) ||
                                        magic.SequenceEqual("fLaC"u8) || magic.SequenceEqual("OggS"u8));
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (riff || got < 4 || (extension is ".wav" or ".wave" && !(otherFormat && ExternalTools.Find("ffmpeg") is not null)))
            return WavReader.Open(path);
        return FfmpegAudioSource.Open(path);
    }

    /// <summary>Opens a file as mono at <paramref name="sampleRate"/>, down-mixing and resampling as needed.</summary>
    public static IAudioSource OpenMono(string path, int sampleRate)
    {
        IAudioSource source = Open(path);
        try
        {
            return source.ToMono().ResampleTo(sampleRate);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Reads a whole file into memory.</summary>
    public static AudioClip Read(string path)
    {
        using IAudioSource source = Open(path);
        return source.ReadAll();
    }

    /// <summary>Reads a whole file as mono samples at <paramref name="sampleRate"/>.</summary>
    public static float[] ReadMono(string path, int sampleRate)
    {
        using IAudioSource source = OpenMono(path, sampleRate);
        return source.ReadAll().Samples;
    }

    /// <summary>Writes a WAV file atomically (temporary file, then rename).</summary>
    public static void Write(string path, ReadOnlySpan<float> interleaved, AudioFormat format, WavWriterOptions? options = null)
    {
        using WavWriter writer = WavWriter.Create(path, format, options);
        writer.Write(interleaved);
        writer.Commit();
    }

    /// <summary>Writes a mono WAV file atomically.</summary>
    public static void WriteMono(string path, ReadOnlySpan<float> samples, int sampleRate, WavWriterOptions? options = null) =>
        Write(path, samples, new AudioFormat(sampleRate, 1), options);

    /// <summary>Reads the rest of a source into memory.</summary>
    public static AudioClip ReadAll(this IAudioSource source)
    {
        int channels = source.Format.Channels;
        if (source.LengthFrames is long known && known * channels > Array.MaxLength)
            throw new AudioFormatException(source.Name,
                $"{known} frames are too many to hold in memory at once; process the file in blocks (streaming) instead");

        var samples = new List<float>(source.LengthFrames is long n ? (int)Math.Min(n * channels, 1 << 26) : BlockSamples);
        float[] block = new float[Math.Max(BlockSamples / channels, 1) * channels];
        int read;
        while ((read = source.Read(block)) > 0)
        {
            if ((long)samples.Count + read > Array.MaxLength)
                throw new AudioFormatException(source.Name, "too long to hold in memory at once; process it in blocks (streaming) instead");
            samples.AddRange(block.AsSpan(0, read));
        }

        return new AudioClip(samples.ToArray(), source.Format);
    }

    /// <summary>The source down-mixed to mono (itself when it is mono already).</summary>
    public static IAudioSource ToMono(this IAudioSource source) =>
        source.Format.Channels == 1 ? source : new MonoDownmixSource(source);

    /// <summary>The source at <paramref name="sampleRate"/> (itself when it has that rate already).</summary>
    public static IAudioSource ResampleTo(this IAudioSource source, int sampleRate) =>
        source.Format.SampleRate == sampleRate ? source : new ResamplingSource(source, sampleRate);
}
