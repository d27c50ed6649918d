namespace OnnxAudio.Compression;

/// <summary>An .oac file that cannot be decoded: truncated, corrupted (with the block and byte where it was found), or of another model.</summary>
public sealed class BitstreamException(string message) : OnnxAudioException(message);

/// <summary>A bitstream written by a different codec model than the one asked to decode it.</summary>
public sealed class ModelMismatchException(string message) : OnnxAudioException(message);
