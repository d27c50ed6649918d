namespace OnnxAudio.Onnx;

/// <summary>Reads a model file with the checks that keep a wrong path from blocking or exhausting memory.</summary>
internal static class ModelFile
{
    /// <summary>ONNX models are protobuf messages, which cannot exceed 2 GiB.</summary>
    public const long MaxBytes = int.MaxValue;

    public static byte[] Read(string path)
    {
        if (Directory.Exists(path))
            throw new OnnxAudioException($"{path}: is a folder, not a model file");
        if (!File.Exists(path))
            throw new OnnxAudioException($"{path}: no such model file");
        long length = new FileInfo(path).Length;
        if (length == 0)
            throw new OnnxAudioException($"{path}: is empty, or not a regular file (a FIFO, device or socket), so not a model");
        if (length > MaxBytes)
            throw new OnnxAudioException($"{path}: {length / (1 << 20)} MiB is more than an ONNX model can hold (2 GiB)");
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxAudioException($"{path}: cannot read the model: {e.Message}", e);
        }
    }
}
