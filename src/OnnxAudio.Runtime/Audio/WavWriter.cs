using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace OnnxAudio.Audio;

/// <summary>Options for <see cref="WavWriter.Create"/>.</summary>
public sealed class WavWriterOptions
{
    /// <summary>Sample encoding: <see cref="WavSampleEncoding.Pcm16"/> (default) or <see cref="WavSampleEncoding.Float32"/>.</summary>
    public WavSampleEncoding Encoding { get; init; } = WavSampleEncoding.Pcm16;

    /// <summary>Replace an existing file at the target path (only ever at <see cref="WavWriter.Commit"/>).</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// Reserve room for an RF64 'ds64' chunk (a 'JUNK' chunk, per EBU Tech 3306) so the file may grow past 4 GiB.
    /// Without it, writing more than 4 GiB of audio throws.
    /// </summary>
    public bool AllowRf64 { get; init; }
}

/// <summary>
/// Writes interleaved float samples to a WAV file (16-bit PCM or 32-bit float, any channel count). Samples go to a
/// temporary file in the target's folder, which <see cref="Commit"/> renames over the target; a writer disposed without
/// committing deletes it, so a failure never leaves a half-written file or damages an existing one.
/// </summary>
public sealed class WavWriter : IDisposable
{
    private const int BlockFrames = 4096;
    private const int Ds64ChunkBytes = 8 + 28;

    private readonly FileStream _file;
    private readonly WavWriterOptions _options;
    private readonly int _bytesPerSample;
    private readonly int _headerBytes;
    private readonly byte[] _block;
    private long _dataBytes;
    private long _framesWritten;
    private bool _committed;
    private bool _disposed;

    private WavWriter(string path, string tempPath, FileStream file, AudioFormat format, WavWriterOptions options)
    {
        Path = path;
        TempPath = tempPath;
        _file = file;
        Format = format;
        _options = options;
        _bytesPerSample = options.Encoding.BytesPerSample();
        _block = new byte[BlockFrames * format.Channels * _bytesPerSample];
        _headerBytes = WriteHeader(Span<byte>.Empty, dataBytes: 0, rf64: false, measureOnly: true);
        _file.Write(new byte[_headerBytes]);
    }

    /// <summary>The file that <see cref="Commit"/> creates.</summary>
    public string Path { get; }

    /// <summary>The temporary file written until <see cref="Commit"/>.</summary>
    public string TempPath { get; }

    public AudioFormat Format { get; }

    /// <summary>Frames written so far.</summary>
    public long FramesWritten => _framesWritten;

    /// <summary>Samples that were outside [-1, 1] and were clipped (integer encodings only).</summary>
    public long ClippedSamples { get; private set; }

    /// <summary>Starts a WAV file at <paramref name="path"/>; nothing appears there until <see cref="Commit"/>.</summary>
    public static WavWriter Create(string path, AudioFormat format, WavWriterOptions? options = null)
    {
        options ??= new WavWriterOptions();
        if (options.Encoding is not (WavSampleEncoding.Pcm16 or WavSampleEncoding.Float32))
            throw new ArgumentException($"WAV output supports 16-bit PCM and 32-bit float, not {options.Encoding.Describe()}.", nameof(options));
        string full = System.IO.Path.GetFullPath(path);
        if (!options.Overwrite && File.Exists(full))
            throw new OnnxAudioException($"{path}: the file exists already (choose another name, or allow overwriting)");
        if (Directory.Exists(full))
            throw new OnnxAudioException($"{path}: is a folder, not a file name");
        string folder = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new OnnxAudioException($"{path}: the folder '{folder}' does not exist");

        string temp = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        FileStream file;
        try
        {
            file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxAudioException($"{path}: cannot create a file in '{folder}': {e.Message}", e);
        }

        return new WavWriter(full, temp, file, format, options);
    }

    /// <summary>Appends interleaved samples; the length must be a whole number of frames.</summary>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
            throw new InvalidOperationException("The file was committed already.");
        int channels = Format.Channels;
        if (interleaved.Length % channels != 0)
            throw new ArgumentException($"{interleaved.Length} samples is not a whole number of {channels}-channel frames.", nameof(interleaved));

        int blockSamples = _block.Length / _bytesPerSample;
        while (!interleaved.IsEmpty)
        {
            ReadOnlySpan<float> part = interleaved[..Math.Min(blockSamples, interleaved.Length)];
            if (!float.IsFinite(TensorPrimitives.MaxMagnitude(part)))
                throw new OnnxAudioException(
                    $"{Path}: refusing to write a non-finite sample (NaN or infinity) near frame {_framesWritten}; the audio that was produced is broken");
            int bytes = part.Length * _bytesPerSample;
            long newTotal = _dataBytes + bytes;
            if (newTotal > uint.MaxValue - _headerBytes && !_options.AllowRf64)
                throw new OnnxAudioException($"{Path}: the audio exceeds the 4 GiB limit of a WAV file (allow RF64 output to write it)");
            Encode(part, _block.AsSpan(0, bytes));
            try
            {
                _file.Write(_block, 0, bytes);
            }
            catch (IOException e)
            {
                throw WriteFailed(e);
            }

            _dataBytes = newTotal;
            _framesWritten += part.Length / channels;
            interleaved = interleaved[part.Length..];
        }
    }

    /// <summary>Finishes the header, flushes to disk and renames the temporary file to <see cref="Path"/>.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
            return;
        bool rf64 = _dataBytes > uint.MaxValue - _headerBytes;
        byte[] header = new byte[_headerBytes];
        WriteHeader(header, _dataBytes, rf64, measureOnly: false);
        try
        {
            _file.Position = 0;
            _file.Write(header);
            _file.Flush(flushToDisk: true);
            _file.Dispose();
        }
        catch (IOException e)
        {
            throw WriteFailed(e);
        }

        try
        {
            File.Move(TempPath, Path, _options.Overwrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(TempPath);
            throw new OnnxAudioException($"{Path}: could not move the finished file into place: {e.Message}", e);
        }

        _committed = true;
    }

    /// <summary>Closes the writer; without a <see cref="Commit"/> the temporary file is deleted.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_committed)
        {
            try
            {
                _file.Dispose(); // flushes what is buffered, which fails again on a full disk
            }
            catch (IOException)
            {
            }
            finally
            {
                TryDelete(TempPath);
            }
        }
    }

    /// <summary>A write error named by the output the user asked for (not the hidden temporary file).</summary>
    private OnnxAudioException WriteFailed(IOException e) =>
        new($"{Path}: could not write the output: {e.Message.Replace(TempPath, "(temporary file)", StringComparison.Ordinal).Trim()}", e);

    private void Encode(ReadOnlySpan<float> samples, Span<byte> bytes)
    {
        if (_options.Encoding == WavSampleEncoding.Float32)
        {
            if (BitConverter.IsLittleEndian)
            {
                samples.CopyTo(MemoryMarshal.Cast<byte, float>(bytes));
            }
            else
            {
                for (int i = 0; i < samples.Length; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(bytes[(4 * i)..], samples[i]);
            }

            return;
        }

        long clipped = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            // Round to nearest; full scale is 32768 as in the reader, so a round trip of a 16-bit value is exact.
            float scaled = MathF.Round(samples[i] * 32768f);
            if (scaled > short.MaxValue || scaled < short.MinValue)
            {
                clipped++;
                scaled = Math.Clamp(scaled, short.MinValue, short.MaxValue);
            }

            BinaryPrimitives.WriteInt16LittleEndian(bytes[(2 * i)..], (short)scaled);
        }

        ClippedSamples += clipped;
    }

    /// <summary>
    /// Writes (or, with <paramref name="measureOnly"/>, only measures) the header: the plain 16-byte 'fmt ' chunk for
    /// 16-bit PCM up to two channels, 18 bytes plus a 'fact' chunk for float, WAVE_FORMAT_EXTENSIBLE beyond two channels.
    /// </summary>
    private int WriteHeader(Span<byte> h, long dataBytes, bool rf64, bool measureOnly)
    {
        bool isFloat = _options.Encoding == WavSampleEncoding.Float32;
        bool extensible = Format.Channels > 2;
        int fmtBytes = extensible ? 40 : isFloat ? 18 : 16;
        int factBytes = isFloat ? 12 : 0;
        int reserve = _options.AllowRf64 ? Ds64ChunkBytes : 0;
        int total = 12 + reserve + 8 + fmtBytes + factBytes + 8;
        if (measureOnly)
            return total;

        long frames = dataBytes / (Format.Channels * _bytesPerSample);
        long riffSize = total - 8 + dataBytes;
        int p = 0;
        Ascii(h, ref p, rf64 ? "RF64" : "RIFF");
        U32(h, ref p, rf64 ? uint.MaxValue : (uint)riffSize);
        Ascii(h, ref p, "WAVE");
        if (_options.AllowRf64)
        {
            Ascii(h, ref p, rf64 ? "ds64" : "JUNK");
            U32(h, ref p, 28);
            if (rf64)
            {
                BinaryPrimitives.WriteInt64LittleEndian(h[p..], riffSize);
                BinaryPrimitives.WriteInt64LittleEndian(h[(p + 8)..], dataBytes);
                BinaryPrimitives.WriteInt64LittleEndian(h[(p + 16)..], frames);
            }

            p += 28;
        }

        Ascii(h, ref p, "fmt ");
        U32(h, ref p, (uint)fmtBytes);
        ushort tag = extensible ? (ushort)0xFFFE : isFloat ? (ushort)3 : (ushort)1;
        U16(h, ref p, tag);
        U16(h, ref p, (ushort)Format.Channels);
        U32(h, ref p, (uint)Format.SampleRate);
        U32(h, ref p, (uint)(Format.SampleRate * Format.Channels * _bytesPerSample));
        U16(h, ref p, (ushort)(Format.Channels * _bytesPerSample));
        U16(h, ref p, (ushort)(8 * _bytesPerSample));
        if (extensible)
        {
            U16(h, ref p, 22);
            U16(h, ref p, (ushort)(8 * _bytesPerSample));
            U32(h, ref p, 0); // no speaker positions are claimed
            U16(h, ref p, isFloat ? (ushort)3 : (ushort)1);
            ReadOnlySpan<byte> guidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
            guidTail.CopyTo(h[p..]);
            p += guidTail.Length;
        }
        else if (isFloat)
        {
            U16(h, ref p, 0);
        }

        if (isFloat)
        {
            Ascii(h, ref p, "fact");
            U32(h, ref p, 4);
            U32(h, ref p, rf64 ? uint.MaxValue : (uint)frames);
        }

        Ascii(h, ref p, "data");
        U32(h, ref p, rf64 ? uint.MaxValue : (uint)dataBytes);
        return p;
    }

    private static void Ascii(Span<byte> h, ref int p, string s)
    {
        System.Text.Encoding.ASCII.GetBytes(s, h[p..]);
        p += s.Length;
    }

    private static void U16(Span<byte> h, ref int p, ushort v)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(h[p..], v);
        p += 2;
    }

    private static void U32(Span<byte> h, ref int p, uint v)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(h[p..], v);
        p += 4;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
