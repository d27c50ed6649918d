using OnnxAudio.Audio;
using OnnxAudio.Cli.Commands.Eval;
using OnnxAudio.Cli.Reports;
using OnnxAudio.Evaluation;

namespace OnnxAudio.Cli.Scoring;

/// <summary>One file to score: its reference, the processed version and (optionally) the unprocessed input, with the corpus's SNR and noise.</summary>
internal sealed record PairJob(string Name, string Reference, string Estimate, string? Input, double? Snr = null, string? Noise = null);

internal sealed record PairSettings(bool Align, int Rate, string? Json, int Jobs, string? Plots, string? DnsmosModel);

/// <summary>A scored pair: the processed file's metrics, the input's (when given) and the delay removed.</summary>
internal sealed record ScoredPair(PairJob Job, ScoredAudio Estimate, ScoredAudio? Input, int Delay);

/// <summary>Mean metrics of the processed pairs and of their inputs, over the pairs sharing a key (an input SNR, a noise type).</summary>
internal sealed record Breakdown(string Key, int Count, double[] Estimate, double[] Input);

internal sealed record PairReport(IReadOnlyList<ScoredPair> Scored, IReadOnlyList<(PairJob Job, string Error)> Failed,
    double[] Mean, double[]? InputMean, IReadOnlyList<Breakdown> BySnr, IReadOnlyList<Breakdown> ByNoise);

/// <summary>Scores pairs with the reference metrics and DNSMOS, in parallel, and groups them by input SNR and noise type.</summary>
internal static class PairScoring
{
    public static PairReport Score(List<PairJob> jobs, PairSettings settings)
    {
        using Dnsmos dnsmos = EvalQualityCommand.Load(settings.DnsmosModel);
        var results = new (ScoredPair? Scored, string? Error)[jobs.Count];
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.Jobs }, i =>
        {
            PairJob job = jobs[i];
            try
            {
                float[] reference = AudioFile.ReadMono(job.Reference, settings.Rate);
                var (est, delay) = Load(reference, job.Estimate, settings);
                ScoredAudio? input = null;
                if (job.Input is not null)
                {
                    var (aligned, _) = Load(reference, job.Input, settings);
                    input = new ScoredAudio(PairMetrics.Compute(aligned.Reference, aligned.Estimate, settings.Rate), dnsmos.Score(job.Input));
                }

                results[i] = (new ScoredPair(job, new ScoredAudio(PairMetrics.Compute(est.Reference, est.Estimate, settings.Rate), dnsmos.Score(job.Estimate)), input, delay), null);
            }
            catch (Exception e) when (e is OnnxAudioException or ArgumentException or IOException)
            {
                results[i] = (null, e.Message);
            }
        });

        var scored = results.Where(r => r.Scored is not null).Select(r => r.Scored!).ToList();
        var failed = results.Select((r, i) => (jobs[i], r.Error)).Where(r => r.Error is not null).Select(r => (r.Item1, r.Error!)).ToList();
        if (scored.Count == 0)
            throw new OnnxAudioException("no pair could be scored" + (failed.Count > 0 ? $" ({failed[0].Item1.Name}: {failed[0].Item2})" : ""));
        double[] mean = Mean(scored.Select(r => r.Estimate.Values));
        double[]? inputMean = scored.All(r => r.Input is not null) ? Mean(scored.Select(r => r.Input!.Values)) : null;
        return new PairReport(scored, failed, mean, inputMean,
            BreakDown(scored, j => j.Snr?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture), key => double.Parse(key, System.Globalization.CultureInfo.InvariantCulture)),
            BreakDown(scored, j => j.Noise, _ => 0));
    }

    /// <summary>A reference file and the file of the same relative name under <paramref name="estimate"/> (or two files).</summary>
    public static IEnumerable<(string Reference, string Estimate)> MatchFiles(string reference, string estimate)
    {
        if (File.Exists(reference))
        {
            if (!File.Exists(estimate))
                throw new OnnxAudioException($"{estimate}: no such file");
            yield return (reference, estimate);
            yield break;
        }

        if (!Directory.Exists(reference))
            throw new OnnxAudioException($"{reference}: no such file or folder");
        if (!Directory.Exists(estimate))
            throw new OnnxAudioException($"{estimate}: no such folder");
        foreach (string file in Directory.EnumerateFiles(reference, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string partner = Path.Combine(estimate, Path.GetRelativePath(reference, file));
            if (File.Exists(partner))
                yield return (file, partner);
        }
    }

    /// <summary>A file read at the comparison rate and aligned with the reference (its delay removed when asked).</summary>
    public static ((float[] Reference, float[] Estimate) Aligned, int Delay) Load(float[] reference, string path, PairSettings settings)
    {
        float[] estimate = AudioFile.ReadMono(path, settings.Rate);
        int delay = settings.Align ? DelayEstimator.Estimate(reference, estimate, settings.Rate / 10) : 0;
        return (DelayEstimator.Align(reference, estimate, delay), delay);
    }

    private static List<Breakdown> BreakDown(List<ScoredPair> scored, Func<PairJob, string?> key, Func<string, double> order) =>
        scored.Where(r => key(r.Job) is not null && r.Input is not null)
            .GroupBy(r => key(r.Job)!)
            .OrderBy(g => order(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Breakdown(g.Key, g.Count(), Mean(g.Select(r => r.Estimate.Values)), Mean(g.Select(r => r.Input!.Values))))
            .ToList();

    private static double[] Mean(IEnumerable<double[]> rows)
    {
        var list = rows.ToList();
        return Enumerable.Range(0, list[0].Length).Select(m => list.Average(r => r[m])).ToArray();
    }
}
