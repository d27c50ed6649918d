using OnnxAudio.Audio;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OnnxAudio.Training.Data;

/// <summary>
/// Festival's <c>text2wave</c> with the voices of the Debian packages the project may use (festvox-kdlpc16k,
/// -ca-ona-hts, -czech-*, -ru, -suopuhe-*, -italp16k, -itapc16k, -hi-nsk, -mr-nsk, -te-nsk; the Indic voices also need
/// festival-hi/-mr/-te, the Czech and Catalan ones festival-czech/-ca). Voices that are not installed are left out.
/// Each voice reads text in its own encoding: Czech ISO-8859-2, Finnish, Italian and Catalan ISO-8859-1, the rest UTF-8.
/// Speed maps to Festival's duration stretch; diphone voices have no portable pitch control, so pitch is not varied.
/// Text is spoken by long-lived <c>festival --pipe</c> processes, one per voice and thread, that run text2wave's own
/// synthesis steps (the same bytes as one <c>text2wave</c> call per clip, without its second of start-up per clip).
/// </summary>
public sealed class FestivalSynthesizer : ISpeechSynthesizer, IDisposable
{
    public const string SourceName = "festival";

    /// <summary>Voice, language, the folder (below /usr/share/festival/voices) that shows it is installed, text encoding.</summary>
    private static readonly (string Voice, string Language, string Folder, string Encoding)[] Catalog =
    [
        ("ked_diphone", "en", "english/ked_diphone", "utf-8"),
        ("upc_ca_ona_hts", "ca", "catalan/upc_ca_ona_hts", "iso-8859-1"),
        ("czech_dita", "cs", "czech/czech_dita", "iso-8859-2"),
        ("czech_krb", "cs", "czech/czech_krb", "iso-8859-2"),
        ("czech_machac", "cs", "czech/czech_machac", "iso-8859-2"),
        ("czech_ph", "cs", "czech/czech_ph", "iso-8859-2"),
        ("msu_ru_nsh_clunits", "ru", "russian/msu_ru_nsh_clunits", "utf-8"),
        ("suo_fi_lj_diphone", "fi", "finnish/suo_fi_lj_diphone", "iso-8859-1"),
        ("hy_fi_mv_diphone", "fi", "finnish/hy_fi_mv_diphone", "iso-8859-1"),
        ("lp_diphone", "it", "italian/lp_diphone", "iso-8859-1"),
        ("pc_diphone", "it", "italian/pc_diphone", "iso-8859-1"),
        ("hindi_NSK_diphone", "hi", "hindi/hindi_NSK_diphone", "utf-8"),
        ("marathi_NSK_diphone", "mr", "marathi/marathi_NSK_diphone", "utf-8"),
        ("telugu_NSK_diphone", "te", "telugu/telugu_NSK_diphone", "utf-8"),
    ];

    private static readonly Dictionary<string, string> Support = new(StringComparer.Ordinal)
    {
        ["hi"] = "hindi_scm", ["mr"] = "marathi_scm", ["te"] = "telugu_scm",
    };

    private readonly string _executable;
    private readonly ConcurrentDictionary<string, ConcurrentBag<FestivalSession>> _idle = new(StringComparer.Ordinal);

    static FestivalSynthesizer() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private FestivalSynthesizer(string executable, IReadOnlyList<Speaker> speakers)
    {
        _executable = executable;
        Speakers = speakers;
    }

    public string Name => SourceName;

    public IReadOnlyList<Speaker> Speakers { get; }

    /// <summary>Finds festival and the installed allowed voices (at least one), or throws naming the packages.</summary>
    public static FestivalSynthesizer Find(string voicesRoot = "/usr/share/festival/voices")
    {
        string executable = SynthesizerProcess.Find("festival", "festival");
        var speakers = Catalog
            .Where(v => Directory.Exists(Path.Combine(voicesRoot, v.Folder)))
            .Where(v => !Support.TryGetValue(v.Language, out string? scm) || Directory.Exists(Path.Combine("/usr/share/festival", scm)))
            .Select(v => new Speaker(SourceName, v.Voice, v.Language))
            .ToArray();
        return speakers.Length == 0
            ? throw new ExternalToolMissingException("Festival voices", "Generating speech",
                "install the Debian/Ubuntu packages festvox-kdlpc16k and the other allowed festvox-* voices")
            : new FestivalSynthesizer(executable, speakers);
    }

    public float[] Speak(string text, Speaker voice, int wordsPerMinute, int pitch)
    {
        var entry = Catalog.First(v => v.Voice == voice.Name);
        string textFile = Path.Combine(Path.GetTempPath(), $"onnxaudio-festival-{Guid.NewGuid():N}.txt");
        string wav = Path.ChangeExtension(textFile, ".wav");
        File.WriteAllBytes(textFile, Encoding.GetEncoding(entry.Encoding).GetBytes(text));
        var idle = _idle.GetOrAdd(entry.Voice, _ => []);
        FestivalSession? session = null;
        try
        {
            // Festival's diphone voices speak at about 160 words per minute.
            double stretch = Math.Clamp(160.0 / wordsPerMinute, 0.5, 2.0);
            string what = $"speaking '{text}' with voice {voice.Name}";
            session = idle.TryTake(out var reused) ? reused : FestivalSession.Start(_executable, entry.Voice, what);
            session.Speak(textFile, stretch, wav, what);
            float[] samples = AudioFile.ReadMono(wav, SynthesizerProcess.SampleRate);
            idle.Add(session);
            session = null;
            return samples;
        }
        finally
        {
            // A session that failed (a crash, a timeout, an error) is not reused: the next clip starts a fresh one.
            session?.Dispose();
            File.Delete(textFile);
            File.Delete(wav);
        }
    }

    public void Dispose()
    {
        foreach (var bag in _idle.Values)
            while (bag.TryTake(out var session))
                session.Dispose();
    }

    /// <summary>
    /// One <c>festival --pipe</c> process with a voice loaded. It defines text2wave's synthesis hook and main steps
    /// once (tts_file in the text's own mode, RIFF header with the total sample count), then speaks one text file per
    /// request; a marker line on stdout ends each request, so an error or a crash is seen as its absence.
    /// </summary>
    private sealed class FestivalSession : IDisposable
    {
        private const string Done = "ONNXAUDIO-DONE", End = "ONNXAUDIO-END";
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

        private const string Driver = """
            (defvar onnxaudio_fp nil)
            (defvar onnxaudio_samples 0)
            (defvar onnxaudio_utt nil)
            (define (onnxaudio_save utt)
              (if (eq? onnxaudio_samples 0)
                  (wave.save.header onnxaudio_fp (utt.wave utt) 'riff nil (list (list "numsamples" 0))))
              (set! onnxaudio_samples (+ onnxaudio_samples (get_param 'num_samples (wave.info (utt.wave utt)) 0)))
              (wave.save.data.fp (utt.wave utt) onnxaudio_fp 'riff nil)
              (set! onnxaudio_utt utt))
            (define (onnxaudio_speak textfile outfile)
              (set! onnxaudio_samples 0)
              (set! tts_hooks (list utt.synth onnxaudio_save))
              (set! onnxaudio_fp (fopen outfile "wb"))
              (tts_file textfile (tts_find_text_mode textfile auto-text-mode-alist))
              (fseek onnxaudio_fp 0 0)
              (wave.save.header onnxaudio_fp (utt.wave onnxaudio_utt) 'riff nil (list (list "numsamples" onnxaudio_samples)))
              (fclose onnxaudio_fp)
              (format t "ONNXAUDIO-DONE\n"))
            """;

        private readonly Process _process;
        private readonly StringBuilder _errors = new();

        private FestivalSession(Process process)
        {
            _process = process;
            _process.ErrorDataReceived += (_, e) =>
            {
                lock (_errors)
                    if (e.Data is not null && _errors.Length < 4000)
                        _errors.AppendLine(e.Data);
            };
            _process.BeginErrorReadLine();
        }

        public static FestivalSession Start(string festival, string voice, string what)
        {
            var start = new ProcessStartInfo(festival, "--pipe")
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            var process = Process.Start(start) ?? throw new OnnxAudioException($"festival could not be started {what}");
            var session = new FestivalSession(process);
            try
            {
                session.Run($"{Driver}\n(voice_{voice})", what);
                return session;
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }

        /// <summary>Writes <paramref name="textFile"/> spoken at <paramref name="stretch"/> to <paramref name="wav"/>.</summary>
        public void Speak(string textFile, double stretch, string wav, string what)
        {
            string command = string.Create(CultureInfo.InvariantCulture,
                $"(Parameter.set 'Duration_Stretch {stretch:0.###})\n(onnxaudio_speak {Quote(textFile)} {Quote(wav)})");
            if (!Run(command, what).Contains(Done, StringComparer.Ordinal) || !File.Exists(wav) || new FileInfo(wav).Length <= 44)
                throw Failure(what);
        }

        /// <summary>Sends <paramref name="commands"/> and returns the lines printed until the end marker.</summary>
        private List<string> Run(string commands, string what)
        {
            _process.StandardInput.Write($"{commands}\n(format t \"{End}\\n\")\n(fflush nil)\n");
            _process.StandardInput.Flush();
            var lines = new List<string>();
            var deadline = DateTime.UtcNow + Timeout;
            while (true)
            {
                var line = _process.StandardOutput.ReadLineAsync();
                TimeSpan left = deadline - DateTime.UtcNow;
                if (!line.Wait(left > TimeSpan.Zero ? left : TimeSpan.Zero))
                    throw new OnnxAudioException($"festival did not finish {what} in {Timeout.TotalSeconds:0} s");
                if (line.Result is null)
                    throw Failure(what);
                if (line.Result == End)
                    return lines;
                lines.Add(line.Result);
            }
        }

        private OnnxAudioException Failure(string what)
        {
            string exit = _process.WaitForExit(1000) ? $"exit {_process.ExitCode}" : "still running";
            string errors;
            lock (_errors)
                errors = _errors.ToString().Trim();
            return new OnnxAudioException($"festival failed {what} ({exit}): {errors}");
        }

        private static string Quote(string path) => $"\"{path.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                    _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            _process.Dispose();
        }
    }
}
