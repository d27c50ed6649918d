using OnnxAudio.Audio;

namespace OnnxAudio.Peers;

/// <summary>
/// The peers: each takes (input WAV, output WAV, scratch folder) and returns the bytes of its compressed stream
/// (0 for denoisers). Output delays are not compensated here; the harness aligns every output by cross-correlation.
/// </summary>
internal static class PeerCatalog
{
    public static IReadOnlyList<Peer> Denoisers(string? rnnoiseModel)
    {
        var peers = new List<Peer>
        {
            new("sox noisered", ["sox"], (input, output, scratch) =>
            {
                // Noise profile from the quietest 300 ms of the input (no separate noise recording exists).
                float[] x = AudioFile.ReadMono(input, 16000);
                int window = 4800, best = 0;
                double bestEnergy = double.MaxValue;
                for (int s = 0; s + window <= x.Length; s += 800)
                {
                    double e = 0;
                    for (int i = s; i < s + window; i++)
                        e += x[i] * (double)x[i];
                    if (e < bestEnergy)
                    {
                        bestEnergy = e;
                        best = s;
                    }
                }

                string profile = Path.Combine(scratch, "noise.prof");
                ExternalTool.Run("sox", input, "-n", "trim", $"{best}s", $"{window}s", "noiseprof", profile);
                ExternalTool.Run("sox", "-R", input, output, "noisered", profile, "0.21");
                return 0;
            }),
            new("ffmpeg afftdn", ["ffmpeg"], (input, output, _) =>
            {
                ExternalTool.Run("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-i", input, "-af", "afftdn", "-ar", "16000", output);
                return 0;
            }),
        };
        if (rnnoiseModel is not null)
        {
            peers.Add(new($"ffmpeg arnndn (RNNoise {Path.GetFileNameWithoutExtension(rnnoiseModel)})", ["ffmpeg"], (input, output, _) =>
            {
                // The filter graph syntax needs ':' and '\' escaped in the model path.
                string escaped = rnnoiseModel.Replace("\\", "/").Replace(":", "\\:");
                ExternalTool.Run("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-i", input, "-af", $"arnndn=m={escaped}", "-ar", "16000", output);
                return 0;
            }));
        }

        return peers;
    }

    /// <summary>
    /// Opus at its default (VBR) setting, as people use it, is the codec peer; hard CBR is listed for reference only and
    /// labelled so. Bitrates are the real file sizes (Ogg container included) over the duration.
    /// </summary>
    public static IReadOnlyList<Peer> Codecs() =>
    [
        Opus(6), Opus(12), Opus(6, hardCbr: true), Codec2(1200), Codec2(3200),
    ];

    private static Peer Opus(int kbps, bool hardCbr = false) => new($"Opus {kbps} kbps" + (hardCbr ? " (hard CBR, reference only)" : ""), ["opusenc", "opusdec"], (input, output, scratch) =>
    {
        string stream = Path.Combine(scratch, "x.opus");
        string[] mode = hardCbr ? ["--hard-cbr"] : [];
        ExternalTool.Run("opusenc", ["--quiet", "--bitrate", kbps.ToString(System.Globalization.CultureInfo.InvariantCulture), .. mode, input, stream]);
        ExternalTool.Run("opusdec", "--quiet", "--rate", "16000", stream, output);
        return new FileInfo(stream).Length;
    });

    /// <summary>
    /// Codec2 at 8 kHz. sox dithers when it converts to 16-bit; <c>-R</c> seeds the dither the same way every run, so
    /// a peer table reproduces exactly (with a fresh seed Codec2's STOI moved by ±0.01 between runs on the same files).
    /// </summary>
    private static Peer Codec2(int bps) => new($"Codec2 {bps} bit/s", ["c2enc", "c2dec", "sox"], (input, output, scratch) =>
    {
        string raw = Path.Combine(scratch, "in.raw"), bits = Path.Combine(scratch, "x.c2"), decoded = Path.Combine(scratch, "out.raw");
        string mode = bps.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ExternalTool.Run("sox", "-R", input, "-r", "8000", "-c", "1", "-e", "signed-integer", "-b", "16", "-t", "raw", raw);
        ExternalTool.Run("c2enc", mode, raw, bits);
        ExternalTool.Run("c2dec", mode, bits, decoded);
        ExternalTool.Run("sox", "-R", "-t", "raw", "-r", "8000", "-c", "1", "-e", "signed-integer", "-b", "16", decoded, "-r", "16000", output);
        return new FileInfo(bits).Length;
    });
}
