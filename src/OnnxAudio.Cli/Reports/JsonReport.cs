using System.Text.Json;

namespace OnnxAudio.Cli.Reports;

/// <summary>Writes one JSON object to a file through a temporary file renamed into place.</summary>
internal static class JsonReport
{
    public static void Write(string path, Action<Utf8JsonWriter> body)
    {
        string temp = path + ".tmp";
        using (var stream = File.Create(temp))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        File.Move(temp, path, overwrite: true);
    }
}
