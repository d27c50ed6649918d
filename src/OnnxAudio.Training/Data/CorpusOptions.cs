using OnnxAudio.Evaluation;
namespace OnnxAudio.Training.Data;

/// <summary>Settings shared by the corpus generators.</summary>
public sealed class CorpusOptions
{
    public required string OutputDirectory { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>Use at most this many voices (null: every distinct voice espeak-ng has).</summary>
    public int? MaxVoices { get; init; }

    /// <summary>Explicit voices instead of the catalog (tests use a few).</summary>
    public IReadOnlyList<string>? Voices { get; init; }

    /// <summary>Keyword spotting: utterances of each keyword per voice, at varied speed and pitch.</summary>
    public int RepetitionsPerWord { get; init; } = 3;

    /// <summary>Keyword spotting: "unknown" words and noise-only clips per voice.</summary>
    public int UnknownPerVoice { get; init; } = 12;

    public int SilencePerVoice { get; init; } = 4;

    /// <summary>Keyword spotting: other-language synthesizer voices also say the keywords, with an accent (<see cref="AccentedKeywords"/>).</summary>
    public bool AccentedKeywords { get; init; }

    /// <summary>Keyword spotting: cleaned clips of each recorded speaker used as "unknown" speech.</summary>
    public int UnknownPerRecordedSpeaker { get; init; } = 60;

    /// <summary>Denoising and codec corpora: utterances (1–3 joined clips) per recorded speaker, at most half its clips.</summary>
    public int RecordedPerSpeaker { get; init; } = 100;

    /// <summary>
    /// Speech peak level in dBFS, drawn uniformly from (min, max) for every item (a denoising pair shares one gain).
    /// Null keeps the earlier levels: an RMS of −25…−15 dBFS (codec −26…−14), keyword peaks of 0.3–0.9.
    /// </summary>
    public (double Min, double Max)? PeakLevelDbfs { get; init; }

    /// <summary>What cleaning kept and left out of each recorded source, for the corpus summary.</summary>
    public IReadOnlyList<RecordedSpeechSummary> RecordedSummaries { get; init; } = [];

    /// <summary>Denoising and codec corpora: sentences per voice.</summary>
    public int SentencesPerVoice { get; init; } = 20;

    public double MinSnrDb { get; init; } = -5;

    public double MaxSnrDb { get; init; } = 20;

    /// <summary>Denoising: draw each SNR from these levels (e.g. 0, 5, 10 dB for a test set) instead of [min, max].</summary>
    public IReadOnlyList<double>? SnrLevels { get; init; }

    /// <summary>Generate only these splits (null: all); the voices' split assignment does not change.</summary>
    public IReadOnlyList<Split>? Splits { get; init; }

    /// <summary>Denoising: draw noise from these kinds only (null: every synthetic kind, babble, and the noise folder's files).</summary>
    public IReadOnlyList<NoiseType>? NoiseTypes { get; init; }

    /// <summary>A folder of the user's noise recordings, mixed in as <see cref="NoiseType.File"/> (split by file).</summary>
    public string? NoiseFolder { get; init; }

    /// <summary>Probability of each optional degradation of a noisy file (gain, clipping, band limit, reverberation).</summary>
    public double DegradationProbability { get; init; } = 0.15;

    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Keyword spotting: keep the files an interrupted run of the same command already wrote (they are a function of
    /// the seed and their identity, and the manifest entry is drawn before the audio), and make only the missing ones.
    /// </summary>
    public bool Resume { get; init; }
}
