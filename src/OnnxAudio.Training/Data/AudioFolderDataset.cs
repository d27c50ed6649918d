using OnnxAudio.Audio;

namespace OnnxAudio.Training.Data;

/// <summary>
/// Every audio file below a folder (recursively), for codec training: read as mono at <see cref="SampleRate"/> whatever
/// their rate and channel count. Files whose header cannot be read are listed in <see cref="Skipped"/>, never used
/// silently; an empty folder is an error.
/// </summary>
public sealed class AudioFolderDataset : IDataset<AudioClipExample>
{
    public static readonly string[] Extensions = [".wav", ".wave", ".flac", ".mp3", ".ogg", ".opus", ".m4a", ".aac", ".aiff", ".aif"];

    private readonly string[] _files;

    public AudioFolderDataset(string folder, int sampleRate = 16000)
    {
        if (!Directory.Exists(folder))
            throw new OnnxAudioException($"{folder}: no such folder");
        SampleRate = sampleRate;
        var usable = new List<string>();
        var skipped = new List<SkippedFile>();
        foreach (string file in FindAudioFiles(folder).Order(StringComparer.Ordinal))
        {
            if (Probe(file) is string problem)
                skipped.Add(new SkippedFile(file, problem));
            else
                usable.Add(file);
        }

        if (usable.Count == 0)
            throw new OnnxAudioException($"{folder}: no readable audio files ({skipped.Count} skipped)");
        _files = usable.ToArray();
        Skipped = skipped;
    }

    public int SampleRate { get; }

    public int Count => _files.Length;

    public IReadOnlyList<string> Files => _files;

    public IReadOnlyList<SkippedFile> Skipped { get; }

    public AudioClipExample Get(int index, Random random) => new(_files[index], AudioFile.ReadMono(_files[index], SampleRate));

    public static IEnumerable<string> FindAudioFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !Path.GetFileName(f).StartsWith('.'));

    /// <summary>Null if the file opens as audio, else the reason. WAV headers are checked natively; other formats need ffmpeg.</summary>
    internal static string? Probe(string file)
    {
        try
        {
            using IAudioSource source = AudioFile.Open(file);
            return source.LengthFrames == 0 ? "no audio samples" : null;
        }
        catch (OnnxAudioException e)
        {
            return e is AudioFormatException a ? a.Problem : e.Message;
        }
    }
}
